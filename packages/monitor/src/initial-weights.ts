import { invalidOption, type ParamInfo, requireParamInfos, requireString } from '@gs/core';
import { requireArray, requireObject } from './argument-checks.js';
import type { LayerArchitecture, ModelArchitecture } from './model-architecture.js';

/** A layer's weights at the first measured step (before that step's update). */
export interface InitialLayerWeights {
  /**
   * Gain of the kernel: g = rms(W)·√fanIn with fanIn = ∏ shape[:-1] (dense/conv kernels), so He
   * init gives g ≈ √2, LeCun g ≈ 1, N(0, 1) g = √fanIn. Absent without a kernel.
   */
  readonly kernelGain?: number;
  /** The same for a recurrent kernel [units, k·units] (fanIn = units). */
  readonly recurrentGain?: number;
  /** rms of the bias vector, sqrt(mean(b²)) (tfjs's default bias is 0). Absent without a bias. */
  readonly biasScale?: number;
  /** ‖·‖ of every parameter together (for a gate or scalar: |α|). */
  readonly norm: number;
  /** Every parameter was exactly 0 (Fixup's last branch layers and head, a ReZero gate at α = 0). */
  readonly zero: boolean;
}

const KERNEL_ROLES = ['kernel', 'depthwiseKernel', 'pointwiseKernel'];

function gain(norm: number, shape: readonly number[]): number | undefined {
  if (shape.length < 2) return undefined;
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const fanIn = size / shape[shape.length - 1]!;
  return size > 0 ? (norm / Math.sqrt(size)) * Math.sqrt(fanIn) : undefined;
}

/**
 * Summarises each layer's weights from per-parameter norms ‖W_p‖ read at the first measured step
 * (`norms[i]` belongs to `params[i]`).
 *
 * @example
 * initialLayerWeights(params, [4, 0.1]).get('dense_Dense1')?.kernelGain; // rms · √fanIn
 */
export function initialLayerWeights(params: readonly ParamInfo[], norms: readonly number[]): Map<string, InitialLayerWeights> {
  requireParamInfos('initialLayerWeights', 'params', params);
  requireArray('initialLayerWeights', 'norms', norms, 'an array of numbers, one per parameter');
  const result = new Map<string, InitialLayerWeights>();
  const squares = new Map<string, number>();
  params.forEach((param, i) => {
    const norm = norms[i] ?? Number.NaN;
    squares.set(param.layerName, (squares.get(param.layerName) ?? 0) + norm * norm);
    const previous = result.get(param.layerName);
    const kernelGain = KERNEL_ROLES.includes(param.role) ? gain(norm, param.shape) : undefined;
    const recurrentGain = param.role === 'recurrentKernel' ? gain(norm, param.shape) : undefined;
    const size = param.shape.reduce((product, dimension) => product * dimension, 1);
    const biasScale = param.role === 'bias' && size > 0 ? norm / Math.sqrt(size) : undefined;
    result.set(param.layerName, {
      ...previous,
      ...(kernelGain !== undefined ? { kernelGain } : {}),
      ...(recurrentGain !== undefined ? { recurrentGain } : {}),
      ...(biasScale !== undefined ? { biasScale } : {}),
      norm: 0,
      zero: (previous?.zero ?? true) && norm === 0,
    });
  });
  for (const [name, weights] of result) result.set(name, { ...weights, norm: Math.sqrt(squares.get(name)!) });
  return result;
}

/** Initial amplification a = g / gain(activation) from which a layer counts as amplifying the signal (the origin of an explosion). */
export const AMPLIFYING = 2;

/**
 * The largest initial amplification of the weight layers (NaN when none is known): below
 * `AMPLIFYING`, the initial weights cannot turn finite, reasonably scaled inputs into NaN/Inf.
 */
export function largestAmplification(architecture: ModelArchitecture, initial: ReadonlyMap<string, InitialLayerWeights>): number {
  let largest = Number.NaN;
  for (const layer of architecture.layers.values()) {
    if (!layer.weightLayer) continue;
    const gain = amplification(layer, initial.get(layer.name));
    if (Number.isFinite(gain) && !(gain <= largest)) largest = gain;
  }
  return largest;
}

/**
 * The gain a variance-preserving initialization gives an activation (PyTorch `calculate_gain`):
 * relu-like √2, tanh 5/3, selu 3/4, linear/sigmoid/others 1.
 */
export function activationGain(activation: string | undefined): number {
  if (activation !== undefined) requireString('activationGain', 'activation', activation);
  switch (activation) {
    case 'relu':
    case 'relu6':
    case 'elu':
    case 'swish':
    case 'gelu':
    case 'mish':
      return Math.SQRT2;
    case 'tanh':
      return 5 / 3;
    case 'selu':
      return 3 / 4;
    default:
      return 1;
  }
}

/**
 * How much a layer amplifies the signal at initialization relative to a variance-preserving one:
 * a = g / gain(activation) for a kernel; for a recurrent layer the recurrent kernel's a compounds
 * over the sequence, a_rec^T. 1 is neutral (He for ReLU, LeCun/Xavier-like for linear); N(0, 1)
 * weights in a 32-wide ReLU layer give a = 4.
 *
 * @example
 * amplification(layer, initial); // ≥ 2: this layer's initialization blows the signal up
 */
export function amplification(layer: LayerArchitecture, initial: InitialLayerWeights | undefined): number {
  requireObject('amplification', 'layer', layer, 'a LayerArchitecture (describeArchitecture(...).layers.get(name))', ['name', 'kind']);
  if (initial !== undefined && (initial === null || typeof initial !== 'object' || typeof initial.norm !== 'number')) {
    invalidOption('amplification', 'initial', 'an InitialLayerWeights (monitor.initialWeights.get(name)) or undefined', initial);
  }
  if (!initial) return Number.NaN;
  const activationScale = activationGain(layer.activation);
  if (initial.recurrentGain !== undefined) {
    const perStep = initial.recurrentGain / activationScale;
    return perStep ** (layer.sequenceLength ?? 1);
  }
  return initial.kernelGain === undefined ? Number.NaN : initial.kernelGain / activationScale;
}
