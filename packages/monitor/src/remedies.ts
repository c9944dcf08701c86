/**
 * Remedies suggested by the detectors, as short imperative sentences naming the package that
 * implements each. Sources: the seed note's list (ReLU, Xavier/He/orthogonal init, batch norm,
 * residual connections, clipping, adaptive optimizers) and the papers cited in each package.
 */
export const REMEDIES = {
  reluHe: 'use ReLU-family activations with He initialization (@gs/initializers heNormal / initialize(model, "he"))',
  xavier: 'use Xavier/Glorot or orthogonal initialization scaled for the activation (@gs/initializers)',
  normalization: 'add batch or layer normalization between layers (@gs/normalization insertNormalization)',
  residual: 'add residual connections, e.g. with a ReZero gate (@gs/residual residual/reZero)',
  adaptiveOptimizer: 'use an adaptive optimizer such as Adam or RMSProp',
  clipGlobal: 'clip gradients by global norm (@gs/clipping clipByGlobalNorm)',
  agc: 'use adaptive gradient clipping (@gs/clipping adaptiveClip)',
  lowerLearningRate: 'lower the learning rate',
  nonFiniteSkip: 'skip steps with NaN/Inf gradients (@gs/clipping nonFinite({policy: "skip"}))',
  checkData: 'check the input data and the loss for NaN/Inf, log(0) or division by zero',
  leakyRelu: 'use leaky ReLU / ELU, He initialization, or a smaller learning rate so units do not die',
  preActivationScale: 'keep pre-activations small: Xavier init, normalization before the activation, or a non-saturating activation',
} as const;
