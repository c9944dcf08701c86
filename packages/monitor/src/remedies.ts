/**
 * Generic remedies of the detectors, as short imperative sentences naming the call (and package)
 * that applies each. When the monitor knows the model, events carry remedies ranked for the model
 * instead (`rankRemedies`, the event's `fixes`). Sources: the seed note's list (ReLU,
 * Xavier/He/orthogonal init, batch norm, residual connections, clipping, adaptive optimizers) and
 * the papers cited in each package.
 */
export const REMEDIES = {
  /** Vanishing gradients in deep ReLU nets: keep Var(activations) constant with He init, Var(W) = 2 / fanIn (He et al. 2015). */
  reluHe: "use ReLU-family activations with He initialization: initialize(model, 'he') (@gs/initializers)",
  /** Vanishing/exploding with tanh/sigmoid/linear layers: Var(W) = 2 / (fanIn + fanOut) (Glorot & Bengio 2010) or orthogonal init (Saxe et al. 2014). */
  xavier: "use Xavier/Glorot or orthogonal initialization scaled for the activation: initialize(model, 'xavier') (@gs/initializers)",
  /** Activations drifting in scale: renormalize each layer (Ioffe & Szegedy 2015; Ba et al. 2016). */
  normalization: "add batch or layer normalization between layers: insertNormalization(model, { kind: 'batch' }) (@gs/normalization)",
  /** Gradients shrinking with depth: identity paths let gradients bypass layers (He et al. 2016; ReZero, Bachlechner et al. 2020). */
  residual: 'add residual connections with a ReZero gate: residual(x, branch, { gate: reZero() }) (@gs/residual)',
  /** Layers learning at very different rates: per-parameter step sizes (Adam, Kingma & Ba 2015; RMSProp). */
  adaptiveOptimizer: 'use an adaptive optimizer: tf.train.adam(3e-4)',
  /** Exploding gradients: rescale by min(1, c / ‖g‖) over all gradients (Pascanu et al. 2013). */
  clipGlobal: 'clip gradients by global norm: clipByGlobalNorm(1) (@gs/clipping)',
  /** Exploding gradients relative to the weights: clip each unit where ‖G‖/‖W‖ > λ (Brock et al. 2021). */
  agc: 'use adaptive gradient clipping: adaptiveClip() (@gs/clipping)',
  /** Update ratios far above ~1e-3 or growing loss: take smaller steps. */
  lowerLearningRate: 'lower the learning rate (e.g. 10× smaller in tf.train.<optimizer>(rate))',
  /** Update ratios far below ~1e-3 for long: take larger steps. */
  raiseLearningRate: 'raise the learning rate (e.g. 10× larger in tf.train.<optimizer>(rate))',
  /** Early updates too large: ramp the learning rate up from 0 (Goyal et al. 2017). */
  warmup: 'warm the learning rate up: warmup({ steps: 100 }) (@gs/optim)',
  /** NaN/Inf gradients: skip the update instead of writing them into the weights. */
  nonFiniteSkip: "skip steps with NaN/Inf gradients: nonFinite({ policy: 'skip' }) (@gs/clipping)",
  /** NaN/Inf from the start: the cause is usually the data or the loss, not the optimizer. */
  checkData: 'check the input data and the loss for NaN/Inf, log(0) or division by zero',
  /** Dead ReLU units (output 0 for every input): keep a non-zero slope for negative inputs. */
  leakyRelu: "revive dead units: initialize(model, 'he') resets biases to 0; or replaceActivation(model, 'relu', 'elu') (@gs/monitor); or a smaller learning rate",
  /** Saturated sigmoid/tanh units (derivative near 0): keep pre-activations in the linear range. */
  preActivationScale: "keep pre-activations small: initialize(model, 'xavier') (@gs/initializers), normalization before the activation, or a non-saturating activation",
} as const;
