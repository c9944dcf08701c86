// Entry point for benchmark scripts (no vitest import, so it runs under plain Node).
export { compareStepTimes, printStepTimes, type StepTiming, type StepVariant } from './step-timing.js';
export { mlpStepVariants, type MlpBenchmarkSize } from './mlp-step-variants.js';
export { buildMlp, classificationData, regressionData, type MlpOptions } from './fixtures.js';
