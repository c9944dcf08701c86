import * as tf from '@tensorflow/tfjs';
import type { GradientMap } from './plugin.js';
import type { GradientScalings } from './scaled-gradients.js';
import { selectIf } from './select-if.js';
import { sumOfSquares } from './sum-of-squares.js';
import type { UnitLayout } from './unit-layout.js';
import { useFusedKernels } from './fused-kernels.js';
import { UNIT_SQUARED_NORMS } from './kernel-names.js';

/**
 * Reductions over every parameter at once, computed once per step and shared by every plugin that
 * asks (`ctx.reductions`). Each takes a map of tensors by parameter name — the gradients a plugin
 * received, `ctx.incomingGradients`, or `weights()` — and returns one packed tensor in
 * `ctx.params` order (a parameter missing from the map counts as zeros).
 *
 * Results are memoized per map for the step (a map with the same tensors counts as the same map),
 * and derived without reading the tensors again for maps from `ctx.scaleGradients` and
 * `ctx.zeroGradientsIf`: ‖s·g‖² = s²‖g‖². The unit-wise sums of all parameters take one kernel on
 * wasm and cpu and one dispatch per seven tensors on WebGPU. The tensors returned belong to core
 * until the end of the step: read them, record them, never dispose them.
 *
 * Non-finite values propagate: a NaN or ±Infinity entry makes its unit's and its parameter's sum
 * non-finite, and so does a tensor whose squared norm overflows float32 (‖x‖ > ~1.8e19).
 *
 * @example
 * transformGradients(grads, ctx) {
 *   const total = tf.sqrt(tf.sum(ctx.reductions.squaredNorms(grads))); // global L2 norm
 *   return ctx.scaleGradients(grads, tf.minimum(1, tf.div(1, total)));
 * }
 */
export interface GradientReductions {
  /** How per-unit results are packed: row p is `ctx.params[p]`, `width` columns. */
  readonly layout: UnitLayout;
  /** Σx² of each parameter's tensor, shape `[P]`. */
  squaredNorms(tensors: GradientMap): tf.Tensor1D;
  /**
   * Σx² of each unit (an output unit of a kernel — the last axis — or a whole vector or scalar),
   * shape `[P, width]`, zeros past each parameter's units (see `UnitLayout`).
   */
  unitSquaredNorms(tensors: GradientMap): tf.Tensor2D;
  /** Σ(a − b)² of each parameter, shape `[P]` (e.g. ‖ΔW‖² with the weights before and after an update). */
  squaredDistances(tensors: GradientMap, reference: GradientMap): tf.Tensor1D;
  /**
   * The trained variables' values as a map by name: the same map (values before the update) until
   * the wrapped optimizer runs, a new one (values after it) in `afterUpdate`. Kept until the end
   * of the step, so a map taken in `transformGradients` still holds the old values afterwards.
   */
  weights(): GradientMap;
}

/** The per-step implementation behind `ctx.reductions`. */
export class StepReductions implements GradientReductions {
  private readonly squared = new Map<GradientMap, tf.Tensor1D>();
  private readonly unitSquared = new Map<GradientMap, tf.Tensor2D>();
  private readonly distances = new Map<GradientMap, Map<GradientMap, tf.Tensor1D>>();
  private weightMap?: GradientMap;
  private zerosRow?: tf.Tensor;

  /** Whether per-unit sums of a map (not derived from another) were computed this step. */
  unitsComputed = false;

  /**
   * @param unitsFirst compute a map's per-parameter sums from its per-unit sums, as when a plugin
   *   later in the step asks for those (core passes whether the previous step did); with the fused
   *   kernels (wasm, cpu, WebGPU) always, their unit-sum pass being the cheaper one.
   */
  constructor(
    readonly layout: UnitLayout,
    private readonly variables: ReadonlyMap<string, tf.Variable>,
    private readonly scalings: GradientScalings,
    private readonly unitsFirst = false,
  ) {}

  squaredNorms(tensors: GradientMap): tf.Tensor1D {
    const key = this.canonical(tensors, this.squared);
    const known = this.squared.get(key);
    if (known) return known;
    const scaling = this.scalings.scalingOf(key);
    const result = this.scalings.keep(
      tf.tidy(() => {
        if (scaling?.factor?.rank === 2 || this.unitSquared.has(key)) return tf.sum(this.unitSquaredNorms(key), 1) as tf.Tensor1D;
        if (scaling) return zeroed(scaling.zero, scaled(this.squaredNorms(scaling.base), scaling.factor)) as tf.Tensor1D;
        if (this.unitsFirst || useFusedKernels()) return tf.sum(this.unitSquaredNorms(key), 1) as tf.Tensor1D;
        return tf.stack(this.layout.params.map(({ name }) => (key[name] ? sumOfSquares(key[name]!) : tf.scalar(0)))) as tf.Tensor1D;
      }),
    );
    this.squared.set(key, result);
    return result;
  }

  unitSquaredNorms(tensors: GradientMap): tf.Tensor2D {
    const key = this.canonical(tensors, this.unitSquared);
    const known = this.unitSquared.get(key);
    if (known) return known;
    const scaling = this.scalings.scalingOf(key);
    const result = this.scalings.keep(
      tf.tidy(() => {
        if (scaling) return zeroed(scaling.zero, scaled(this.unitSquaredNorms(scaling.base), scaling.factor, true)) as tf.Tensor2D;
        this.unitsComputed = true;
        return this.computeUnits([key]);
      }),
    );
    this.unitSquared.set(key, result);
    return result;
  }

  squaredDistances(tensors: GradientMap, reference: GradientMap): tf.Tensor1D {
    const key = this.canonical(tensors, this.distances);
    const byReference = this.distances.get(key) ?? new Map<GradientMap, tf.Tensor1D>();
    this.distances.set(key, byReference);
    const known = byReference.get(reference);
    if (known) return known;
    const result = this.scalings.keep(
      tf.tidy(() => {
        if (useFusedKernels()) return tf.sum(this.computeUnits([key, reference]), 1) as tf.Tensor1D;
        return tf.stack(
          this.layout.params.map(({ name }) => {
            const a = key[name];
            const b = reference[name];
            return a && b ? sumOfSquares(tf.sub(a, b)) : sumOfSquares(a ?? b ?? tf.zeros([]));
          }),
        ) as tf.Tensor1D;
      }),
    );
    byReference.set(reference, result);
    return result;
  }

  weights(): GradientMap {
    if (!this.weightMap) {
      this.weightMap = {};
      for (const { name } of this.layout.params) {
        const variable = this.variables.get(name);
        if (variable) this.weightMap[name] = this.scalings.keep(tf.reshape(variable, variable.shape));
      }
    }
    return this.weightMap;
  }

  /** Called by core after the update: `weights()` gives the new values from now on. */
  weightsChanged(): void {
    this.weightMap = undefined;
  }

  /** Per-unit Σx² (one map) or Σ(a − b)² (two maps) of every parameter, as `[P, width]`. */
  private computeUnits(maps: GradientMap[]): tf.Tensor2D {
    const { params, units, rows, width } = this.layout;
    if (useFusedKernels()) {
      this.zerosRow ??= this.scalings.keep(tf.zeros([1]));
      const inputs: Record<string, tf.Tensor> = {};
      const present = params.map(({ name }) => maps.every((map) => map[name]));
      params.forEach(({ name }, p) => {
        maps.forEach((map, k) => {
          inputs[`x${p * maps.length + k}`] = present[p] ? map[name]! : this.zerosRow!;
        });
      });
      return tf.engine().runKernel(UNIT_SQUARED_NORMS, inputs, {
        units: [...units],
        rows: rows.map((count, p) => (present[p] ? count : 0)),
        width,
        mode: maps.length === 2 ? 'difference' : 'square',
      } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
    }
    // Per parameter, a square and ones·x² over its [rows, units] view: a column sum without the
    // transpose a sum over axis 0 makes on wasm, and without copying the tensors into a stack.
    const rowOf = new Map<number, tf.Tensor>();
    params.forEach(({ name }, p) => {
      if (!maps.every((map) => map[name])) return;
      const [rowCount, unitCount] = [rows[p]!, units[p]!];
      const view = (map: GradientMap) => tf.reshape(map[name]!, [rowCount, unitCount]);
      const values = maps.length === 2 ? tf.sub(view(maps[0]!), view(maps[1]!)) : view(maps[0]!);
      const sums = tf.matMul(tf.ones([1, rowCount]), tf.square(values));
      rowOf.set(p, unitCount === width ? sums : tf.pad(sums, [[0, 0], [0, width - unitCount]]));
    });
    return tf.concat(params.map((_, p) => rowOf.get(p) ?? tf.zeros([1, width]))) as tf.Tensor2D;
  }

  /**
   * The memo key for `tensors`: itself, or an earlier map with exactly the same tensors (plugins
   * often pass a copy, e.g. `{...grads}`). Lazily scaled maps are only equal to themselves.
   */
  private canonical(tensors: GradientMap, memo: ReadonlyMap<GradientMap, unknown>): GradientMap {
    if (memo.has(tensors) || this.scalings.scalingOf(tensors)) return tensors;
    const names = Object.keys(tensors);
    for (const known of memo.keys()) {
      if (this.scalings.scalingOf(known)) continue;
      const knownNames = Object.keys(known);
      if (knownNames.length === names.length && names.every((name) => known[name] === tensors[name])) return known;
    }
    return tensors;
  }
}

/** Squared norms of `base · factor` from those of `base`: × factor² (a `[P]` factor as `[P, 1]` against units). */
function scaled(norms: tf.Tensor, factor: tf.Tensor | undefined, perUnit = false): tf.Tensor {
  if (!factor) return norms;
  const squaredFactor = tf.square(perUnit && factor.rank === 1 ? tf.reshape(factor, [-1, 1]) : factor);
  return tf.mul(norms, squaredFactor);
}

/** Zeros in place of `norms` when `zero` holds (NaN included). */
function zeroed(zero: tf.Tensor | undefined, norms: tf.Tensor): tf.Tensor {
  return zero ? selectIf(zero, tf.zerosLike(norms), norms) : norms;
}
