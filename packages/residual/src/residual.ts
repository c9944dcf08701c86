import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireOneOf, requireOptions, requirePositive, requireString } from '@gs/core';
import { createNorm, requireNormOption, type NormOption } from './norm-option.js';
import { scale } from './scale.js';

/** The residual branch F: layers applied in order, or a function of the (normalized) input. */
export type Branch = readonly tf.layers.Layer[] | ((input: tf.SymbolicTensor) => tf.SymbolicTensor);

/** Options of `residual`. */
export interface ResidualOptions {
  /**
   * Layer(s) applied to the branch output before the sum, in order: `reZero()`, `skipInit()`,
   * `scale(s)`, `dropPath(rate)`, … Default: none.
   */
  gate?: tf.layers.Layer | readonly tf.layers.Layer[];
  /**
   * How the shortcut is matched to the branch output when their shapes differ. `'auto'`
   * (default): a bias-free Dense layer when only the last axis differs, a bias-free 1×1 Conv2D
   * (strided when the spatial size shrank) for `[height, width, channels]` inputs. `'none'`: a
   * shape mismatch is an error. A layer: applied to the shortcut as given.
   */
  projection?: 'auto' | 'none' | tf.layers.Layer;
  /** Normalization applied to the branch input only (pre-norm block, `x + g·F(norm(x))`). Default: none. */
  preNorm?: NormOption;
  /** Normalization applied after the sum (post-norm block, `norm(x + g·F(x))`, as in DeepNorm). Default: none. */
  postNorm?: NormOption;
  /** Multiplies the shortcut (DeepNorm's α, see `deepNorm`). Default 1 (no layer added). */
  shortcutScale?: number;
  /** Prefix for the layers this function creates (`<name>_norm`, `<name>_projection`, `<name>_add`, …). */
  name?: string;
}

const KNOWN_OPTIONS = ['gate', 'projection', 'preNorm', 'postNorm', 'shortcutScale', 'name'] as const;

function describeShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function applyLayer(layer: tf.layers.Layer, input: tf.SymbolicTensor): tf.SymbolicTensor {
  return layer.apply(input) as tf.SymbolicTensor;
}

/** The projection `'auto'` chooses for a shortcut of shape `from` (batch axis dropped) to `to`. */
function autoProjection(from: readonly (number | null)[], to: readonly (number | null)[], name?: string): tf.layers.Layer {
  const units = to[to.length - 1];
  if (from.length === to.length && typeof units === 'number') {
    if (sameShape(from.slice(0, -1), to.slice(0, -1))) {
      return tf.layers.dense({ units, useBias: false, name });
    }
    if (from.length === 3 && from.every((d) => typeof d === 'number') && to.every((d) => typeof d === 'number')) {
      const strides = [0, 1].map((axis) => Math.max(1, Math.round((from[axis] as number) / (to[axis] as number))));
      const fits = [0, 1].every((axis) => Math.ceil((from[axis] as number) / strides[axis]!) === to[axis]);
      if (fits) {
        return tf.layers.conv2d({ filters: units, kernelSize: 1, strides, padding: 'same', useBias: false, name });
      }
    }
  }
  throw new RangeError(
    `residual: projection 'auto' cannot map the shortcut shape ${describeShape(from)} to the branch output shape ${describeShape(to)}` +
      ' (it handles a different last axis, or a [height, width, channels] input whose spatial size shrank by an integer stride);' +
      ' pass a projection layer',
  );
}

/**
 * Adds a residual connection in the functional API: returns `x + g·F(x)` where F is `branch`,
 * g the optional `gate` layers, and the shortcut x is projected when its shape differs from F(x).
 *
 * Formula: `y = postNorm(a·P(x) + g(F(preNorm(x))))` with P the projection (identity when the
 * shapes match), a = `shortcutScale` (default 1), pre/post norm optional. The sum is a
 * `tf.layers.add()` layer, so the result is an ordinary tfjs graph that saves, loads and trains
 * under `fit`.
 *
 * Defaults: no gate, `projection: 'auto'`, no norms, `shortcutScale: 1`.
 *
 * Source: He et al. 2016, "Deep Residual Learning for Image Recognition" (projection shortcuts,
 * option B) and "Identity Mappings in Deep Residual Networks" (pre-activation/pre-norm blocks).
 *
 * @example
 * const input = tf.input({ shape: [32] });
 * let x = input;
 * for (let i = 0; i < 10; i++) {
 *   x = residual(x, [tf.layers.dense({ units: 32, activation: 'relu' })], { gate: reZero() });
 * }
 * const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 10 }).apply(x) as tf.SymbolicTensor });
 */
export function residual(input: tf.SymbolicTensor, branch: Branch, options: ResidualOptions = {}): tf.SymbolicTensor {
  const opts = requireOptions<ResidualOptions>('residual', options, KNOWN_OPTIONS);
  const { gate, projection = 'auto', preNorm, postNorm, shortcutScale, name } = opts;
  if (!(input instanceof tf.SymbolicTensor)) invalidOption('residual', 'input', 'a tf.SymbolicTensor (functional API)', input);
  if (preNorm !== undefined) requireNormOption('residual', 'preNorm', preNorm);
  if (postNorm !== undefined) requireNormOption('residual', 'postNorm', postNorm);
  if (name !== undefined) requireString('residual', 'name', name);
  if (!(projection instanceof tf.layers.Layer)) requireOneOf('residual', 'projection', projection, ['auto', 'none']);
  if (shortcutScale !== undefined) requirePositive('residual', 'shortcutScale', shortcutScale);
  const gates = gate === undefined ? [] : Array.isArray(gate) ? gate : [gate as tf.layers.Layer];
  gates.forEach((layer, i) => {
    if (!(layer instanceof tf.layers.Layer)) invalidOption('residual', `gate[${i}]`, 'a tf.layers.Layer', layer);
  });
  const layerName = (suffix: string) => (name === undefined ? undefined : `${name}_${suffix}`);

  let branchOutput = preNorm === undefined ? input : applyLayer(createNorm('residual', 'preNorm', preNorm, layerName('norm')), input);
  if (typeof branch === 'function') {
    branchOutput = branch(branchOutput);
    if (!(branchOutput instanceof tf.SymbolicTensor)) invalidOption('residual', 'branch', 'a function returning a tf.SymbolicTensor', branchOutput);
  } else if (Array.isArray(branch) && branch.length > 0) {
    branch.forEach((layer, i) => {
      if (!(layer instanceof tf.layers.Layer)) invalidOption('residual', `branch[${i}]`, 'a tf.layers.Layer', layer);
      branchOutput = applyLayer(layer, branchOutput);
    });
  } else {
    invalidOption('residual', 'branch', 'a non-empty array of layers or a function of the input', branch);
  }
  for (const layer of gates) branchOutput = applyLayer(layer, branchOutput);

  const inputShape = input.shape.slice(1);
  const outputShape = branchOutput.shape.slice(1);
  let shortcut = input;
  if (projection instanceof tf.layers.Layer) {
    shortcut = applyLayer(projection, input);
  } else if (!sameShape(inputShape, outputShape)) {
    if (projection === 'none') {
      throw new RangeError(
        `residual: the branch output shape ${describeShape(outputShape)} differs from the input shape ${describeShape(inputShape)}` +
          " and projection is 'none'; use projection: 'auto' or pass a projection layer",
      );
    }
    shortcut = applyLayer(autoProjection(inputShape, outputShape, layerName('projection')), input);
  }
  if (!sameShape(shortcut.shape.slice(1), outputShape)) {
    throw new RangeError(
      `residual: the projected shortcut shape ${describeShape(shortcut.shape.slice(1))} differs from the branch output shape ${describeShape(outputShape)}`,
    );
  }
  if (shortcutScale !== undefined && shortcutScale !== 1) {
    shortcut = applyLayer(scale(shortcutScale, { name: layerName('shortcut_scale') }), shortcut);
  }
  let output = tf.layers.add({ name: layerName('add') }).apply([shortcut, branchOutput]) as tf.SymbolicTensor;
  if (postNorm !== undefined) output = applyLayer(createNorm('residual', 'postNorm', postNorm, layerName('post_norm')), output);
  return output;
}
