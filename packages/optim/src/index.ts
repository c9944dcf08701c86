export {
  accumulateGradients,
  type AccumulateGradientsOptions,
  type AccumulateGradientsPlugin,
} from './accumulate-gradients.js';
export { cosineDecay, type CosineDecayOptions } from './cosine-decay.js';
export {
  learningRateSchedule,
  type LearningRateScheduleOptions,
  type LearningRateSchedulePlugin,
} from './learning-rate-schedule.js';
export { oneCycle, type OneCycleOptions } from './one-cycle.js';
export { stepDecay, type StepDecayOptions } from './step-decay.js';
export { warmup, type WarmupCurve, type WarmupOptions } from './warmup.js';
