import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { autoClip } from './auto-clip.js';
import { transformOnce } from './test-utils.js';

const backends = await testBackends();

// Golden values: the AutoClip reference (pseeth/autoclip, autoclip.py) each step does
//   grad_history.append(norm); clip = np.percentile(grad_history, p); clip_grad_norm_(params, clip)
// With the history bounded to the last H = 4 norms, p = 50, norms [1, 3, 2, 10, 0.5, 4, 6]:
//   hist = []; for n in norms: hist = (hist + [n])[-4:]; c = np.percentile(hist, 50); print(c, min(1, c / (n + 1e-6)))
// thresholds [1, 2, 2, 2.5, 2.5, 3, 5]; scales [0.999999, 0.6666664444, 0.9999995, 0.249999975, 1, 0.7499998125, 0.8333331944]
const NORMS = [1, 3, 2, 10, 0.5, 4, 6];
const THRESHOLDS = [1, 2, 2, 2.5, 2.5, 3, 5];
const SCALES = [0.999999, 0.6666664444, 0.9999995, 0.249999975, 1, 0.7499998125, 0.8333331944];

describeBackends('autoClip golden values (AutoClip reference, numpy percentile)', backends, () => {
  it('clips to the running percentile of past global norms, kept in a ring buffer on the device', async () => {
    const plugin = autoClip({ percentile: 50, history: 4 });
    for (const [step, norm] of NORMS.entries()) {
      // A gradient [0.6, 0.8]·norm has global norm `norm`.
      const g = { 'w/kernel': tf.tensor1d([0.6 * norm, 0.8 * norm]) };
      const { grads, values } = await transformOnce(plugin, g, { step });
      await expectClose([values['threshold'] as number, values['scale'] as number], [THRESHOLDS[step]!, SCALES[step]!], { rtol: 1e-5 });
      await expectClose(grads['w/kernel']!, [0.6 * norm * SCALES[step]!, 0.8 * norm * SCALES[step]!], { rtol: 1e-5 });
      expect(values['clipped']).toBe(SCALES[step]! < 1 ? 1 : 0);
      tf.dispose(Object.values(g));
    }
    plugin.dispose?.();
  });

  it('leaves zero and non-finite norms out of the history and passes those steps unscaled', async () => {
    const plugin = autoClip({ percentile: 50, history: 4 });
    const steps = [[3, 4], [0, 0], [Number.NaN, 1], [6, 8]];
    const thresholds: number[] = [];
    for (const [step, values] of steps.entries()) {
      const g = { 'w/kernel': tf.tensor1d(values) };
      const out = await transformOnce(plugin, g, { step });
      thresholds.push(out.values['threshold'] as number);
      if (step === 1) expect(out.grads['w/kernel']).toEqual([0, 0]);
      if (step === 2) expect(out.values['scale']).toBe(1);
      tf.dispose(Object.values(g));
    }
    // History after step 3 is [5, 10] only: median 7.5.
    expect(thresholds[3]).toBeCloseTo(7.5, 4);
    expect(thresholds[1]).toBeCloseTo(5, 5);
    plugin.dispose?.();
  });
});

describe('autoClip bad input', () => {
  it('names the option and the value', () => {
    expect(() => autoClip({ percentile: 0 })).toThrow(/autoClip: percentile must be in \(0, 100\], got 0/);
    expect(() => autoClip({ percentile: 101 })).toThrow(/percentile must be in \(0, 100\], got 101/);
    expect(() => autoClip({ percentile: Number.NaN })).toThrow(/percentile must be in \(0, 100\], got NaN/);
    expect(() => autoClip({ history: 0 })).toThrow(/autoClip: history must be an integer ≥ 1, got 0/);
    expect(() => autoClip({ history: 2.5 })).toThrow(/history must be an integer ≥ 1, got 2.5/);
  });
});
