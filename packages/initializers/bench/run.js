// Orthogonal initializer speed on the cpu backend: @gs/initializers' `orthogonal` (Householder
// reflectors on the host, float64) vs `tf.initializers.orthogonal` (tfjs's linalg.qr, op by op).
// 256×256 for both; 512×512 for ours, and for tfjs only with GS_BENCH_TFJS_512=1 (it takes ~45 s);
// 2048×2048 for ours only (tfjs would take hours). Run with `npm run bench` after a build.
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@gs/backends';
import { orthogonal } from '@gs/initializers';

await setupBackend('cpu');
// tfjs warns on every call above 2000 elements; keep the table readable.
const warn = console.warn;
console.warn = (...args) => (String(args[0]).includes('Orthogonal initializer') ? undefined : warn(...args));

/** Median wall time in ms of `runs` calls building a [n, n] kernel and reading it back. */
async function time(initializer, n, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const kernel = initializer.apply([n, n], 'float32');
    await kernel.data();
    samples.push(performance.now() - start);
    kernel.dispose();
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const ours = orthogonal({ seed: 1 });
const theirs = tf.initializers.orthogonal({ seed: 1 });
await time(ours, 64, 3); // JIT warm-up

const rows = [];
const ours256 = await time(ours, 256, 5);
const theirs256 = await time(theirs, 256, 1);
rows.push(['256×256', ours256, theirs256]);
const ours512 = await time(ours, 512, 5);
const theirs512 = process.env.GS_BENCH_TFJS_512 === '1' ? await time(theirs, 512, 1) : undefined;
rows.push(['512×512', ours512, theirs512]);
rows.push(['2048×2048', await time(ours, 2048, 1), undefined]);

console.log('\n@gs/initializers orthogonal vs tf.initializers.orthogonal [cpu] (median ms, kernel read back)');
console.log('  shape        ours (ms)   tfjs (ms)   tfjs / ours');
for (const [shape, a, b] of rows) {
  const tfjs = b === undefined ? 'not run'.padStart(10) : b.toFixed(0).padStart(10);
  const ratio = b === undefined ? '—' : `${(b / a).toFixed(0)}×`;
  console.log(`  ${shape.padEnd(11)} ${a.toFixed(1).padStart(10)}  ${tfjs}   ${ratio}`);
}
if (theirs512 === undefined) console.log('  (set GS_BENCH_TFJS_512=1 to time tfjs at 512×512: ~45 s)');
process.exit(0);
