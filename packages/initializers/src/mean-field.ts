import { invalidOption, requireFunction, requireInteger, requireNonNegative, requireOneOf, requireOptions, requirePositive } from '@gs/core';
import { gaussHermite, type GaussianQuadrature } from './gauss-hermite.js';

/** An activation given by its function and derivative (for activations not in `MEAN_FIELD_ACTIVATIONS`). */
export interface ActivationFunctions {
  /** φ(x). */
  fn: (x: number) => number;
  /** φ′(x). */
  derivative: (x: number) => number;
}

/** The activation names (tfjs spelling) the mean-field functions know. */
export const MEAN_FIELD_ACTIVATIONS = [
  'linear', 'tanh', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'softplus', 'softsign', 'swish',
] as const;

/** A tfjs activation name the mean-field functions know. */
export type MeanFieldActivationName = (typeof MEAN_FIELD_ACTIVATIONS)[number];

const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const ACTIVATIONS: Record<MeanFieldActivationName, ActivationFunctions> = {
  linear: { fn: (x: number) => x, derivative: () => 1 },
  tanh: { fn: Math.tanh, derivative: (x: number) => 1 - Math.tanh(x) ** 2 },
  relu: { fn: (x: number) => Math.max(0, x), derivative: (x: number) => (x > 0 ? 1 : 0) },
  relu6: { fn: (x: number) => Math.min(6, Math.max(0, x)), derivative: (x: number) => (x > 0 && x < 6 ? 1 : 0) },
  elu: { fn: (x: number) => (x > 0 ? x : Math.expm1(x)), derivative: (x: number) => (x > 0 ? 1 : Math.exp(x)) },
  selu: {
    fn: (x: number) => SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    derivative: (x: number) => SELU_LAMBDA * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
  },
  sigmoid: { fn: sigmoid, derivative: (x: number) => sigmoid(x) * (1 - sigmoid(x)) },
  hardSigmoid: { fn: (x: number) => Math.min(1, Math.max(0, 0.2 * x + 0.5)), derivative: (x: number) => (Math.abs(x) < 2.5 ? 0.2 : 0) },
  softplus: { fn: (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), derivative: sigmoid },
  softsign: { fn: (x: number) => x / (1 + Math.abs(x)), derivative: (x: number) => 1 / (1 + Math.abs(x)) ** 2 },
  swish: { fn: (x: number) => x * sigmoid(x), derivative: (x: number) => sigmoid(x) * (1 + x * (1 - sigmoid(x))) },
};

/** An activation for the mean-field functions: a tfjs name, or `{fn, derivative}`. */
export type MeanFieldActivation = MeanFieldActivationName | ActivationFunctions;

/** Options of `meanFieldPropagation`. */
export interface MeanFieldOptions {
  /** Weight variance σ_w² (the variance of N·W for an N-wide layer; gain² for orthogonal weights). Required. */
  sigmaW2: number;
  /** Bias variance σ_b². Default 0. */
  sigmaB2?: number;
  /** Gauss–Hermite points per dimension, in [2, 150]. Default 100 (even, so ReLU's kink is integrated exactly). */
  quadraturePoints?: number;
}

/** Options of `criticalWeightVariance`. */
export type CriticalityOptions = Omit<MeanFieldOptions, 'sigmaW2'>;

/** Where an (activation, σ_w², σ_b²) point sits in the order-to-chaos picture. */
export type MeanFieldPhase = 'ordered' | 'critical' | 'chaotic';

/** The mean-field description of a deep, wide, randomly initialized network at one point. */
export interface MeanFieldPoint {
  /** σ_w² it was computed for. */
  readonly sigmaW2: number;
  /** σ_b² it was computed for. */
  readonly sigmaB2: number;
  /** Fixed point q* of the length map q ← σ_w²·E[φ(√q·z)²] + σ_b² reached from q = 1 (0 when the signal dies out, Infinity when it grows without bound). */
  readonly qStar: number;
  /** χ₁ = σ_w²·E[φ′(√q*·z)²]: the factor by which the mean squared back-propagated gradient grows per layer. */
  readonly chi1: number;
  /** Stable fixed point c* of the correlation map (1 in the ordered phase). */
  readonly cStar: number;
  /** χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at c*: the slope of the correlation map there (equals χ₁ when c* = 1). */
  readonly chiC: number;
  /** ξ_c = −1/ln χ_c: the depth over which two inputs' correlation reaches c* (Infinity at criticality). */
  readonly depthScale: number;
  /** ξ_∇ = 1/|ln χ₁|: the depth over which the gradient norm changes by a factor e (Infinity at criticality). */
  readonly gradientDepthScale: number;
  /** 'ordered' (χ₁ < 1: gradients vanish), 'chaotic' (χ₁ > 1: gradients explode), or 'critical'. */
  readonly phase: MeanFieldPhase;
}

/** Beyond this the variance is taken as unbounded; slopes are then evaluated here. */
const LARGE_Q = 1e12;
const SMALL_Q = 1e-14;
const PHASE_TOLERANCE = 1e-9;

function resolveActivation(where: string, activation: unknown): ActivationFunctions {
  if (typeof activation === 'string') return ACTIVATIONS[requireOneOf(where, 'activation', activation, MEAN_FIELD_ACTIVATIONS)];
  if (activation !== null && typeof activation === 'object' && !Array.isArray(activation)) {
    const pair = requireOptions<ActivationFunctions>(where, activation, ['fn', 'derivative'], 'activation');
    return {
      fn: requireFunction(where, 'activation.fn', pair.fn),
      derivative: requireFunction(where, 'activation.derivative', pair.derivative),
    };
  }
  return invalidOption(where, 'activation', `one of ${MEAN_FIELD_ACTIVATIONS.join(', ')} or {fn, derivative}`, activation);
}

function readOptions(where: string, options: unknown, withSigmaW2: boolean) {
  const known = withSigmaW2 ? (['sigmaW2', 'sigmaB2', 'quadraturePoints'] as const) : (['sigmaB2', 'quadraturePoints'] as const);
  const opts = requireOptions<MeanFieldOptions>(where, options, known as readonly (keyof MeanFieldOptions)[]);
  const sigmaW2 = withSigmaW2 ? requirePositive(where, 'sigmaW2', opts.sigmaW2) : Number.NaN;
  const sigmaB2 = requireNonNegative(where, 'sigmaB2', opts.sigmaB2 ?? 0);
  const points = requireInteger(where, 'quadraturePoints', opts.quadraturePoints ?? 100, 2);
  if (points > 150) invalidOption(where, 'quadraturePoints', 'an integer in [2, 150]', points);
  return { sigmaW2, sigmaB2, rule: gaussHermite(points) };
}

/** E[f(z)], z ~ N(0, 1), by the rule. */
function expectation(rule: GaussianQuadrature, f: (z: number) => number): number {
  let sum = 0;
  for (let i = 0; i < rule.nodes.length; i++) sum += rule.weights[i]! * f(rule.nodes[i]!);
  return sum;
}

/** E[f(u₁)·f(u₂)] for u₁ = √q·z₁, u₂ = √q·(c·z₁ + √(1 − c²)·z₂), z₁, z₂ ~ N(0, 1) independent. */
function pairExpectation(rule: GaussianQuadrature, f: (x: number) => number, q: number, c: number): number {
  const { nodes, weights } = rule;
  const root = Math.sqrt(q);
  const orthogonal = Math.sqrt(Math.max(0, 1 - c * c));
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) {
    let inner = 0;
    for (let j = 0; j < nodes.length; j++) inner += weights[j]! * f(root * (c * nodes[i]! + orthogonal * nodes[j]!));
    sum += weights[i]! * f(root * nodes[i]!) * inner;
  }
  return sum;
}

/** Bisection for a sign change of `g` in [low, high] (g(low), g(high) of opposite signs or zero). */
function bisect(g: (x: number) => number, low: number, high: number): number {
  let gLow = g(low);
  for (let iteration = 0; iteration < 200 && high - low > 1e-15 * Math.max(1, Math.abs(high)); iteration++) {
    const middle = 0.5 * (low + high);
    const gMiddle = g(middle);
    if (gMiddle === 0) return middle;
    if (Math.sign(gMiddle) === Math.sign(gLow)) {
      low = middle;
      gLow = gMiddle;
    } else {
      high = middle;
    }
  }
  return 0.5 * (low + high);
}

/** The fixed point of the length map reached by iterating it from q = 1 (the map is increasing in q). */
function lengthFixedPoint(phi: ActivationFunctions, sigmaW2: number, sigmaB2: number, rule: GaussianQuadrature): number {
  const gap = (q: number) => sigmaW2 * expectation(rule, (z) => phi.fn(Math.sqrt(q) * z) ** 2) + sigmaB2 - q;
  const atOne = gap(1);
  // Every q is a fixed point of a positively homogeneous map at its critical σ_w² (ReLU at 2).
  if (Math.abs(atOne) <= 1e-12) return 1;
  const step = Math.pow(10, 1 / 8);
  if (atOne > 0) {
    for (let q = 1; q < LARGE_Q; q *= step) {
      if (gap(q * step) <= 0) return bisect(gap, q, q * step);
    }
    return Number.POSITIVE_INFINITY;
  }
  for (let q = 1; q > SMALL_Q; q /= step) {
    if (gap(q / step) >= 0) return bisect(gap, q / step, q);
  }
  return sigmaB2 > 0 ? bisect(gap, 0, SMALL_Q) : 0;
}

/** The largest stable fixed point c* < 1 of the correlation map when c = 1 is unstable (χ₁ > 1). */
function correlationFixedPoint(map: (c: number) => number): number {
  const gap = (c: number) => map(c) - c;
  // Scan 1 − c over 1e-8 … 1 (log-spaced), then c over 0 … −1.
  let previous = 1 - 1e-8;
  if (gap(previous) >= 0) return 1;
  for (let k = 1; k <= 64; k++) {
    const c = 1 - Math.pow(10, -8 + k / 8);
    if (gap(c) >= 0) return bisect(gap, c, previous);
    previous = c;
  }
  for (let c = -0.05; c >= -1; c -= 0.05) {
    if (gap(c) >= 0) return bisect(gap, c, previous);
    previous = c;
  }
  return -1;
}

function phaseOf(chi1: number): MeanFieldPhase {
  if (chi1 < 1 - PHASE_TOLERANCE) return 'ordered';
  if (chi1 > 1 + PHASE_TOLERANCE) return 'chaotic';
  return 'critical';
}

const depthScaleOf = (chi: number) => (chi > 0 && Math.abs(Math.log(chi)) > PHASE_TOLERANCE ? 1 / Math.abs(Math.log(chi)) : Number.POSITIVE_INFINITY);

/**
 * Mean-field signal propagation through a deep, wide network with i.i.d. weights of variance
 * σ_w²/N and biases of variance σ_b² (Poole et al. 2016; Schoenholz et al. 2017), computed by
 * Gauss–Hermite quadrature:
 *
 * - length map `q ← σ_w²·E[φ(√q·z)²] + σ_b²` and its fixed point q* (reached from q = 1);
 * - `χ₁ = σ_w²·E[φ′(√q*·z)²]`: the mean squared back-propagated gradient is multiplied by χ₁ at
 *   every layer, so after L layers the first layer's gradient is ≈ χ₁^L times the last's;
 * - correlation map `c ← (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q*` (u₁, u₂ of variance q* and correlation c)
 *   with its stable fixed point c* and slope `χ_c = σ_w²·E[φ′(u₁)φ′(u₂)]`, and the depth scales
 *   `ξ_c = −1/ln χ_c`, `ξ_∇ = 1/|ln χ₁|`.
 *   Schoenholz et al. found nets trainable up to about 6·ξ_c layers.
 *
 * χ₁ < 1 is the ordered phase (gradients vanish), χ₁ > 1 the chaotic phase (they explode), χ₁ = 1
 * the edge of chaos. For orthogonal weights σ_w² is the gain squared. When q* is 0 (e.g. tanh at
 * σ_b² = 0, σ_w² ≤ 1) the net is linear around 0, so χ₁ = σ_w²·φ′(0)² (the mean of both sides'
 * slopes squared at a kink) and c* = 1; when q* is
 * unbounded (ReLU past σ_w² = 2 with σ_b² > 0), the slopes are evaluated at q = 1e12 and the
 * correlation map is normalized by the next layer's length.
 *
 * Defaults: σ_b² 0, 100 quadrature points (for tanh: χ₁ within ~1e-6 up to q* ≈ 2, checked
 * against scipy's adaptive quadrature; more points for more).
 *
 * @example
 * meanFieldPropagation('tanh', { sigmaW2: 0.8 }).chi1;            // 0.8 (q* = 0)
 * meanFieldPropagation('tanh', { sigmaW2: 2.5, sigmaB2: 0.3 });   // q* ≈ 1.4578, χ₁ ≈ 0.99893
 * Source: Poole et al. 2016, "Exponential expressivity in deep neural networks through transient
 * chaos"; Schoenholz et al. 2017, "Deep Information Propagation".
 */
export function meanFieldPropagation(activation: MeanFieldActivation, options: MeanFieldOptions): MeanFieldPoint {
  const where = 'meanFieldPropagation';
  const phi = resolveActivation(where, activation);
  const { sigmaW2, sigmaB2, rule } = readOptions(where, options, true);
  return propagate(phi, sigmaW2, sigmaB2, rule);
}

/** q* and χ₁ at one point (the cheap part of `propagate`). */
function lengthAndSlope(phi: ActivationFunctions, sigmaW2: number, sigmaB2: number, rule: GaussianQuadrature) {
  const qStar = lengthFixedPoint(phi, sigmaW2, sigmaB2, rule);
  // q* = 0: the limit q → 0 (both sides of a kink at 0 count, as for ReLU or SELU).
  const q = Number.isFinite(qStar) ? Math.max(qStar, SMALL_Q) : LARGE_Q;
  const chi1 = sigmaW2 * expectation(rule, (z) => phi.derivative(Math.sqrt(q) * z) ** 2);
  return { qStar, q, chi1 };
}

function propagate(phi: ActivationFunctions, sigmaW2: number, sigmaB2: number, rule: GaussianQuadrature): MeanFieldPoint {
  const { qStar, q, chi1 } = lengthAndSlope(phi, sigmaW2, sigmaB2, rule);
  let cStar = 1;
  let chiC = chi1;
  if (qStar > 0 && chi1 > 1 + PHASE_TOLERANCE) {
    // Normalized by the next layer's length (= q* at a finite fixed point), so C(1) = 1 also when q* is unbounded.
    const nextLength = sigmaW2 * pairExpectation(rule, phi.fn, q, 1) + sigmaB2;
    cStar = correlationFixedPoint((c) => (sigmaW2 * pairExpectation(rule, phi.fn, q, c) + sigmaB2) / nextLength);
    chiC = (sigmaW2 * q * pairExpectation(rule, phi.derivative, q, cStar)) / nextLength;
  }
  return {
    sigmaW2,
    sigmaB2,
    qStar,
    chi1,
    cStar,
    chiC,
    depthScale: depthScaleOf(chiC),
    gradientDepthScale: depthScaleOf(chi1),
    phase: phaseOf(chi1),
  };
}

/**
 * The critical weight variance: the σ_w² at which χ₁ = σ_w²·E[φ′(√q*·z)²] = 1 for the given σ_b²
 * (the edge of chaos), found by bisection on σ_w² (χ₁ grows with σ_w²). Known values: tanh at
 * σ_b² = 0 → 1; ReLU → 2 (He et al. 2015) for any σ_b²; linear → 1; tanh at σ_b² = 0.05 → ≈ 1.7610.
 *
 * Defaults: σ_b² 0, 100 quadrature points.
 * @throws RangeError when no σ_w² ≤ 1e6 reaches χ₁ = 1, or χ₁ jumps over 1 because q* changes
 * branch (swish, whose length map has two stable fixed points).
 *
 * @example
 * criticalWeightVariance('tanh', { sigmaB2: 0.05 }); // ≈ 1.76095
 * Source: Schoenholz et al. 2017 (the critical line χ₁ = 1); Pennington et al. 2017.
 */
export function criticalWeightVariance(activation: MeanFieldActivation, options: CriticalityOptions = {}): number {
  const where = 'criticalWeightVariance';
  const phi = resolveActivation(where, activation);
  const { sigmaB2, rule } = readOptions(where, options, false);
  const gap = (sigmaW2: number) => lengthAndSlope(phi, sigmaW2, sigmaB2, rule).chi1 - 1;
  let high = 1;
  while (gap(high) < 0) {
    high *= 2;
    if (high > 1e6) {
      throw new RangeError(`${where}: no σ_w² ≤ 1e6 gives χ₁ = 1 for this activation at sigmaB2 ${sigmaB2}`);
    }
  }
  let low = high / 2;
  while (low > 1e-9 && gap(low) > 0) low /= 2;
  const critical = bisect(gap, low, high);
  if (Math.abs(gap(critical)) > 1e-6) {
    throw new RangeError(
      `${where}: χ₁ jumps over 1 near σ_w² ≈ ${critical.toPrecision(4)} (q* moves to another fixed point there): this activation has no critical point at sigmaB2 ${sigmaB2}`,
    );
  }
  return critical;
}
