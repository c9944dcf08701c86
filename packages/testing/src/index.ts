export { describeBackends, testBackends } from './backend-suites.js';
export { expectClose, toNumbers } from './expect-close.js';
export { countKernelLaunches, type KernelLaunches } from './kernel-launches.js';
export { countHostSyncs, countReadbacks, expectNoLeak } from './resource-checks.js';
export { buildMlp, classificationData, readWeights, regressionData, saveAndLoad, type MlpOptions } from './fixtures.js';
export { seededRandom } from './seeded-random.js';
