import * as tf from '@tensorflow/tfjs';
import type { GradientMap } from './plugin.js';
import { ConditionalSelect } from './select-if.js';
import type { UnitLayout } from './unit-layout.js';
import { useMultiOutputKernels } from './fused-kernels.js';
import { SCALE_GRADIENTS } from './kernel-names.js';
import { scaleInPlace } from './webgpu-kernels.js';

/**
 * A gradient map waiting to be scaled: every gradient is `zero ? 0 : base · factor`, where
 * `factor` is a scalar, one value per parameter (`[P]`, layout order) or one per unit
 * (`[P, width]`, see `UnitLayout`), and `zero` a boolean scalar.
 */
export interface Scaling {
  readonly base: GradientMap;
  readonly factor?: tf.Tensor;
  readonly zero?: tf.Tensor;
}

/**
 * The gradient scalings of one step (`ctx.scaleGradients`, `ctx.zeroGradientsIf`), kept lazy:
 * a scaled map's entries are computed only when read, and the chain of scalings on a map becomes
 * one kernel for all gradients on wasm and cpu, one per dispatch of as many gradients as the
 * device's storage buffers allow on WebGPU (three with WebGPU's default 8), and one multiply plus,
 * when zeroing, one select elsewhere.
 * Reductions of a scaled map are derived from its base's without reading the gradients again.
 * Every tensor made here is kept until `dispose()` at the end of the step.
 */
export class GradientScalings {
  /** Selects under this step's conditions (shared with core's skip), conditions broadcast once per shape. */
  readonly selects = new ConditionalSelect((tensor) => this.keep(tensor));
  private readonly scalings = new WeakMap<GradientMap, Scaling>();
  /** The gradients of each scaled map computed so far, by name. */
  private readonly made = new WeakMap<GradientMap, Map<string, tf.Tensor>>();
  private readonly owned: tf.Tensor[] = [];

  /**
   * @param inPlace whether the gradients of this step are core's own (computed by `minimize`), so
   *   that on WebGPU the scalings may overwrite them instead of writing new tensors.
   */
  constructor(
    private readonly layout: UnitLayout,
    private readonly positions: ReadonlyMap<string, number>,
    private readonly inPlace = false,
  ) {}

  /** The scaling behind `grads`, if it is a lazily scaled map. */
  scalingOf(grads: GradientMap): Scaling | undefined {
    return this.scalings.get(grads);
  }

  /** `grads · factor` (scalar, `[P]` or `[P, width]` factor), lazily. */
  scale(grads: GradientMap, factor: number | tf.Tensor): GradientMap {
    const previous = this.scalingOf(grads);
    const added = this.keep(this.checkFactor(factor));
    const combined = previous?.factor ? this.keep(combineFactors(previous.factor, added)) : added;
    return this.lazy({ base: previous?.base ?? grads, factor: combined, ...(previous?.zero ? { zero: previous.zero } : {}) });
  }

  /** Every gradient of `grads` replaced by zeros when `condition` holds (NaN included), lazily. */
  zeroIf(grads: GradientMap, condition: tf.Tensor): GradientMap {
    if (condition.size !== 1) throw new Error(`zeroGradientsIf: condition must be a scalar, got shape [${condition.shape}]`);
    const previous = this.scalingOf(grads);
    const flag = this.keep(tf.tidy(() => tf.reshape(condition.dtype === 'bool' ? condition : tf.notEqual(condition, 0), [])));
    const zero = previous?.zero ? this.keep(tf.logicalOr(previous.zero, flag)) : flag;
    return this.lazy({ base: previous?.base ?? grads, ...(previous?.factor ? { factor: previous.factor } : {}), zero });
  }

  /** Keeps `tensor` until the end of the step. */
  keep<T extends tf.Tensor>(tensor: T): T {
    this.owned.push(tf.keep(tensor));
    return tensor;
  }

  /** Frees every tensor made this step. */
  dispose(): void {
    tf.dispose(this.owned);
    this.owned.length = 0;
  }

  private checkFactor(factor: number | tf.Tensor): tf.Tensor {
    if (typeof factor === 'number') return tf.scalar(factor);
    if (!(factor instanceof tf.Tensor)) throw new TypeError(`scaleGradients: factor must be a number or a tf.Tensor, got ${typeof factor}`);
    const { size, width } = this.layout;
    const shapes = [[], [size], [size, width]];
    if (!shapes.some((shape) => tf.util.arraysEqual(shape, factor.shape))) {
      throw new Error(
        `scaleGradients: factor must be a scalar, one value per parameter [${size}] or one per unit [${size}, ${width}] (ctx.reductions.layout), got shape [${factor.shape}]`,
      );
    }
    return factor.dtype === 'float32' ? factor : tf.cast(factor, 'float32');
  }

  /**
   * Computes every not yet computed gradient of a lazily scaled map at once (what the optimizer
   * receives) with the fused kernel: on wasm and cpu all in one kernel, on WebGPU as many per
   * dispatch as the device allows.
   */
  materializeAll(grads: GradientMap): void {
    const scaling = this.scalingOf(grads);
    const made = this.made.get(grads);
    if (!scaling || !made || (!scaling.factor && !scaling.zero)) return;
    const names = Object.keys(scaling.base).filter((name) => !made.has(name) && scaling.base[name]!.size > 0);
    if (names.length === 0 || !useMultiOutputKernels()) return;
    if (this.inPlace && this.scaleInPlace(scaling, names)) {
      names.forEach((name) => made.set(name, scaling.base[name]!));
      return;
    }
    const outputs = this.scaleOnDevice(scaling, names);
    names.forEach((name, i) => made.set(name, outputs[i]!));
  }

  private lazy(scaling: Scaling): GradientMap {
    const map: GradientMap = {};
    const made = new Map<string, tf.Tensor>();
    for (const name of Object.keys(scaling.base)) {
      Object.defineProperty(map, name, {
        enumerable: true,
        configurable: true,
        get: () => {
          let gradient = made.get(name);
          if (!gradient) {
            gradient = this.materialize(scaling, name);
            made.set(name, gradient);
          }
          return gradient;
        },
      });
    }
    this.scalings.set(map, scaling);
    this.made.set(map, made);
    return map;
  }

  private positionOf(name: string): number {
    const position = this.positions.get(name);
    if (position === undefined) throw new Error(`scaleGradients: '${name}' is not a parameter of this step`);
    return position;
  }

  /** The gradients of `names` overwritten with their scaled values (see `scaleInPlace`), if that can be done safely. */
  private scaleInPlace({ base, factor, zero }: Scaling, names: string[]): boolean {
    const perUnit = factor?.rank === 2;
    return scaleInPlace(
      names.map((name) => {
        const position = this.positionOf(name);
        return {
          tensor: base[name]!,
          offset: !factor || factor.rank === 0 ? 0 : perUnit ? position * this.layout.width : position,
          units: perUnit ? this.layout.units[position]! : 1,
        };
      }),
      factor,
      zero,
    );
  }

  /** `SCALE_GRADIENTS`: the gradients of `names`, each after the whole chain of scalings. */
  private scaleOnDevice({ base, factor, zero }: Scaling, names: string[]): tf.Tensor[] {
    const inputs: Record<string, tf.Tensor> = {
      factors: factor ?? tf.ones([1]),
      zero: zero ?? tf.scalar(false, 'bool'),
    };
    const offsets: number[] = [];
    const units: number[] = [];
    names.forEach((name, i) => {
      const position = this.positionOf(name);
      inputs[`x${i}`] = base[name]!;
      const perUnit = factor?.rank === 2;
      offsets.push(!factor || factor.rank === 0 ? 0 : perUnit ? position * this.layout.width : position);
      units.push(perUnit ? this.layout.units[position]! : 1);
    });
    const outputs = tf.engine().runKernel(SCALE_GRADIENTS, inputs, { offsets, units } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return outputs.map((output) => this.keep(output));
  }

  /** One gradient of a scaled map: one fused kernel where there is one, else a multiply and a select. */
  private materialize(scaling: Scaling, name: string): tf.Tensor {
    const { base, factor, zero } = scaling;
    const gradient = base[name]!;
    if ((!factor && !zero) || gradient.size === 0) return gradient;
    if (useMultiOutputKernels()) return tf.tidy(() => this.scaleOnDevice(scaling, [name])[0]!);
    const position = this.positionOf(name);
    const units = this.layout.units[position]!;
    return this.keep(
      tf.tidy(() => {
        let scaled = gradient;
        if (factor) {
          const own =
            factor.rank === 0
              ? factor
              : factor.rank === 1
                ? tf.reshape(tf.slice(factor, [position], [1]), [])
                : tf.reshape(tf.slice(factor, [position, 0], [1, units]), gradient.rank >= 2 ? [units] : []);
          scaled = tf.mul(gradient, own);
        }
        return zero ? this.selects.select(zero, this.selects.zeros(scaled.shape), scaled) : scaled;
      }),
    );
  }
}

/** The product of two factors (scalar, `[P]` or `[P, width]`), a `[P]` one broadcast along the units. */
function combineFactors(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (a.rank < 2 && b.rank < 2) return tf.mul(a, b);
    const perUnit = (factor: tf.Tensor) => (factor.rank === 1 ? tf.reshape(factor, [-1, 1]) : factor);
    return tf.mul(perUnit(a), perUnit(b));
  });
}
