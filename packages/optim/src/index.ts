export {
  accumulateGradients,
  type AccumulateGradientsOptions,
  type AccumulateGradientsPlugin,
} from './accumulate-gradients.js';
export { centralizeGradients, type CentralizeGradientsOptions } from './centralize-gradients.js';
export { cosineDecay, type CosineDecayOptions } from './cosine-decay.js';
export { emaWeights, type EmaWeightsOptions, type EmaWeightsPlugin } from './ema-weights.js';
export {
  learningRateSchedule,
  type LearningRateScheduleOptions,
  type LearningRateSchedulePlugin,
} from './learning-rate-schedule.js';
export { lookahead, type LookaheadOptions, type LookaheadPlugin } from './lookahead.js';
export { oneCycle, type OneCycleOptions } from './one-cycle.js';
export { skipLargeUpdates, type SkipLargeUpdatesOptions } from './skip-large-updates.js';
export { stepDecay, type StepDecayOptions } from './step-decay.js';
export { trustRatio, type TrustRatioOptions, type TrustRatioTarget } from './trust-ratio.js';
export { warmup, type WarmupCurve, type WarmupOptions } from './warmup.js';
