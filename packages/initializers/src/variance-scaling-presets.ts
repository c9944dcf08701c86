import { requireOneOf, requireOptions } from '@gs/core';
import { squaredGain, type Nonlinearity } from './gain.js';
import { seedOption } from './validate-seed.js';
import { FAN_MODES, type FanMode, VarianceScaling } from './variance-scaling.js';

/** Options of the Glorot and LeCun presets. */
export interface SeedOptions {
  /** Same seed → same values on every call and backend. Default: a fresh seed per call. */
  seed?: number | null;
}

/** Options of the He presets (PyTorch `kaiming_*_` arguments). */
export interface HeOptions extends SeedOptions {
  /** The nonlinearity after the layer; the scale is `calculateGain(nonlinearity, a)²`. Default `'relu'`. */
  nonlinearity?: Nonlinearity | string;
  /** Negative slope of a leaky ReLU. Giving it without `nonlinearity` selects `'leakyRelu'`. Default 0. */
  a?: number;
  /** Default `'fanIn'` (preserves the forward signal; `'fanOut'` the backward one). */
  mode?: FanMode;
}

function seedOnly(where: string, options: unknown): { seed: number | null } {
  const opts = requireOptions<SeedOptions>(where, options, ['seed'], { nullable: ['seed'] });
  return { seed: seedOption(where, opts.seed) };
}

/**
 * Glorot/Xavier uniform: U(−limit, limit), limit = √(6 / (fanIn + fanOut)) (variance 2/(fanIn + fanOut)).
 * Defaults: fresh seed per call. Serialized as `GsVarianceScaling` {scale 1, fanAvg, uniform}.
 * @example tf.layers.dense({ units: 32, activation: 'tanh', kernelInitializer: glorotUniform({ seed: 1 }) });
 * Source: Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural networks".
 */
export function glorotUniform(options: SeedOptions = {}): VarianceScaling {
  const { seed } = seedOnly('glorotUniform', options);
  return new VarianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed });
}

/**
 * Glorot/Xavier normal: truncated normal (±2σ, corrected) with variance 2/(fanIn + fanOut).
 * Defaults: fresh seed per call. Serialized as `GsVarianceScaling` {scale 1, fanAvg, truncatedNormal}.
 * @example tf.layers.dense({ units: 32, kernelInitializer: glorotNormal() });
 * Source: Glorot & Bengio 2010; Keras 3 `GlorotNormal`.
 */
export function glorotNormal(options: SeedOptions = {}): VarianceScaling {
  const { seed } = seedOnly('glorotNormal', options);
  return new VarianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal', seed });
}

/**
 * LeCun uniform: U(−limit, limit), limit = √(3 / fanIn) (variance 1/fanIn).
 * @example tf.layers.dense({ units: 32, activation: 'selu', kernelInitializer: lecunUniform() });
 * Source: LeCun et al. 1998, "Efficient BackProp"; Keras 3 `LecunUniform`.
 */
export function lecunUniform(options: SeedOptions = {}): VarianceScaling {
  const { seed } = seedOnly('lecunUniform', options);
  return new VarianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform', seed });
}

/**
 * LeCun normal: truncated normal (±2σ, corrected) with variance 1/fanIn — the init SELU networks need.
 * @example tf.layers.dense({ units: 32, activation: 'selu', kernelInitializer: lecunNormal({ seed: 3 }) });
 * Source: LeCun et al. 1998; Klambauer et al. 2017, "Self-normalizing neural networks".
 */
export function lecunNormal(options: SeedOptions = {}): VarianceScaling {
  const { seed } = seedOnly('lecunNormal', options);
  return new VarianceScaling({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal', seed });
}

function heScale(where: string, options: unknown): { scale: number; mode: FanMode; seed: number | null } {
  const opts = requireOptions<HeOptions>(where, options, ['nonlinearity', 'a', 'mode', 'seed'], { nullable: ['seed'] });
  const nonlinearity = opts.nonlinearity ?? (opts.a === undefined ? 'relu' : 'leakyRelu');
  const mode = opts.mode === undefined ? 'fanIn' : requireOneOf(where, 'mode', opts.mode, FAN_MODES);
  return { scale: squaredGain(where, nonlinearity, opts.a ?? 0, 'a'), mode, seed: seedOption(where, opts.seed) };
}

/**
 * He/Kaiming normal: truncated normal (±2σ, corrected) with variance `gain² / fan`,
 * `gain = calculateGain(nonlinearity, a)` — 2/fanIn for ReLU.
 * Defaults: nonlinearity `'relu'` (`'leakyRelu'` when `a` is given), a 0, mode `'fanIn'`.
 * Serialized as `GsVarianceScaling` with the computed scale.
 * @example tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: heNormal({ seed: 1 }) });
 * heNormal({ a: 0.2 }); // leaky ReLU with slope 0.2: variance 2 / (1.04 · fanIn)
 * Source: He et al. 2015, "Delving deep into rectifiers"; PyTorch `kaiming_normal_`.
 */
export function heNormal(options: HeOptions = {}): VarianceScaling {
  const { scale, mode, seed } = heScale('heNormal', options);
  return new VarianceScaling({ scale, mode, distribution: 'truncatedNormal', seed });
}

/**
 * He/Kaiming uniform: U(−limit, limit), limit = gain·√(3 / fan) (variance `gain² / fan`).
 * Defaults as `heNormal`.
 * @example tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: heUniform() });
 * Source: He et al. 2015; PyTorch `kaiming_uniform_`.
 */
export function heUniform(options: HeOptions = {}): VarianceScaling {
  const { scale, mode, seed } = heScale('heUniform', options);
  return new VarianceScaling({ scale, mode, distribution: 'uniform', seed });
}
