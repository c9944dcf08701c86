/**
 * Remedies suggested by the detectors, as short imperative sentences naming the package that
 * implements each. Sources: the seed note's list (ReLU, Xavier/He/orthogonal init, batch norm,
 * residual connections, clipping, adaptive optimizers) and the papers cited in each package.
 */
export const REMEDIES = {
  /** Vanishing gradients in deep ReLU nets: keep Var(activations) constant with He init, Var(W) = 2 / fanIn (He et al. 2015). */
  reluHe: 'use ReLU-family activations with He initialization (@gs/initializers heNormal / initialize(model, "he"))',
  /** Vanishing/exploding with tanh/sigmoid/linear layers: Var(W) = 2 / (fanIn + fanOut) (Glorot & Bengio 2010) or orthogonal init (Saxe et al. 2014). */
  xavier: 'use Xavier/Glorot or orthogonal initialization scaled for the activation (@gs/initializers)',
  /** Activations drifting in scale: renormalize each layer (Ioffe & Szegedy 2015; Ba et al. 2016). */
  normalization: 'add batch or layer normalization between layers (@gs/normalization insertNormalization)',
  /** Gradients shrinking with depth: identity paths let gradients bypass layers (He et al. 2016; ReZero, Bachlechner et al. 2020). */
  residual: 'add residual connections, e.g. with a ReZero gate (@gs/residual residual/reZero)',
  /** Layers learning at very different rates: per-parameter step sizes (Adam, Kingma & Ba 2015; RMSProp). */
  adaptiveOptimizer: 'use an adaptive optimizer such as Adam or RMSProp',
  /** Exploding gradients: rescale by min(1, c / ‖g‖) over all gradients (Pascanu et al. 2013). */
  clipGlobal: 'clip gradients by global norm (@gs/clipping clipByGlobalNorm)',
  /** Exploding gradients relative to the weights: clip each unit where ‖G‖/‖W‖ > λ (Brock et al. 2021). */
  agc: 'use adaptive gradient clipping (@gs/clipping adaptiveClip)',
  /** Update ratios far above ~1e-3 or growing loss: take smaller steps. */
  lowerLearningRate: 'lower the learning rate',
  /** NaN/Inf gradients: skip the update instead of writing them into the weights. */
  nonFiniteSkip: 'skip steps with NaN/Inf gradients (@gs/clipping nonFinite({policy: "skip"}))',
  /** NaN/Inf from the start: the cause is usually the data or the loss, not the optimizer. */
  checkData: 'check the input data and the loss for NaN/Inf, log(0) or division by zero',
  /** Dead ReLU units (output 0 for every input): keep a non-zero slope for negative inputs. */
  leakyRelu: 'use leaky ReLU / ELU, He initialization, or a smaller learning rate so units do not die',
  /** Saturated sigmoid/tanh units (derivative near 0): keep pre-activations in the linear range. */
  preActivationScale: 'keep pre-activations small: Xavier init, normalization before the activation, or a non-saturating activation',
} as const;
