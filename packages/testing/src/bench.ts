// Entry point for benchmark scripts (no vitest import, so it runs under plain Node and in a browser).
export { compareStepTimes, medianInterval, printStepTimes, type MedianInterval, type StepTiming, type StepVariant } from './step-timing.js';
export { countKernelLaunches, type KernelLaunches } from './kernel-launches.js';
export { mlpStepVariants, type MlpBenchmarkSize } from './mlp-step-variants.js';
export { buildMlp, classificationData, regressionData, type MlpOptions } from './fixtures.js';
