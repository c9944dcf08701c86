import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@gs/backends';
import { compareStepTimes } from '@gs/testing/bench';
import { reluMlp } from './dist/models.js';
await setupBackend(process.argv[2] ?? 'webgpu');
const spec = reluMlp();
const built = spec.build(); const opt = tf.train.adam(1e-3);
const v = { name: 'bare', step: () => opt.minimize(built.loss, true, built.variables) };
for (const interleave of ['round', 'step', 'round', 'step']) {
  const [t] = await compareStepTimes([v], { rounds: 3, stepsPerRound: 10, warmupRounds: 1, interleave });
  console.log(interleave, t.msPerStep.toFixed(1), t.cpuMsPerStep.toFixed(1));
}
process.exit(0);
