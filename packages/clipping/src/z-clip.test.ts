import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { zClip, type ZClipTarget } from './z-clip.js';
import { transformOnce } from './test-utils.js';

const backends = await testBackends();

// Golden values: the ZClip reference (bluorion-com/ZClip, zclip.py, mode 'zscore'), re-implemented
// in plain Python for warmup = 3, alpha = 0.5, z_thresh = 1.0, eps = 1e-6:
//   warm-up: buffer the first 3 norms, then mean = avg, var = avg((x - mean)²);
//   after: std = var**.5; z = (g - mean) / (std + eps); on z > z_thresh the target is
//     mean + z_thresh*std ('threshold') or mean + z_thresh*std / (z / z_thresh) ('reciprocal'
//     = the reference's adaptive_scaling); coef = target / (g + 1e-6) if g > target else 1;
//   then mean = a*mean + (1-a)*x; var = a*var + (1-a)*(x - mean)**2 with x = target on a spike, else g.
// For norms [1, 2, 3, 2.5, 10, 2, 20, 3]:
//   threshold:  coefs [1, 1, 1, 1, 0.2853807079, 1, 0.133291623, 0.9263730297]
//   reciprocal: coefs [1, 1, 1, 1, 0.2297042859, 1, 0.1071197185, 0.7326874294]
const NORMS = [1, 2, 3, 2.5, 10, 2, 20, 3];
const GOLDEN: Record<ZClipTarget, number[]> = {
  threshold: [1, 1, 1, 1, 0.2853807079, 1, 0.133291623, 0.9263730297],
  reciprocal: [1, 1, 1, 1, 0.2297042859, 1, 0.1071197185, 0.7326874294],
};

describeBackends('zClip golden values (ZClip reference, z-score mode)', backends, () => {
  for (const clipTo of ['threshold', 'reciprocal'] as const) {
    it(`clipTo '${clipTo}': scales match the reference rule step by step`, async () => {
      const plugin = zClip({ alpha: 0.5, zThreshold: 1, warmup: 3, clipTo });
      const scales: number[] = [];
      for (const [step, norm] of NORMS.entries()) {
        const g = { 'w/kernel': tf.tensor1d([0.6 * norm, 0.8 * norm]) };
        const { grads, values } = await transformOnce(plugin, g, { step });
        scales.push(values['scale'] as number);
        await expectClose(grads['w/kernel']!, [0.6 * norm * GOLDEN[clipTo][step]!, 0.8 * norm * GOLDEN[clipTo][step]!], { rtol: 1e-5 });
        expect(values['clipped']).toBe(GOLDEN[clipTo][step]! < 1 ? 1 : 0);
        tf.dispose(Object.values(g));
      }
      await expectClose(scales, GOLDEN[clipTo], { rtol: 1e-5 });
      plugin.dispose?.();
    });
  }
});

describe('zClip bad input', () => {
  it('names the option and the value', () => {
    expect(() => zClip({ alpha: 1 })).toThrow(/zClip: alpha must be in \(0, 1\), got 1/);
    expect(() => zClip({ alpha: 0 })).toThrow(/alpha must be in \(0, 1\), got 0/);
    expect(() => zClip({ zThreshold: -1 })).toThrow(/zClip: zThreshold must be a finite number > 0, got -1/);
    expect(() => zClip({ warmup: 0 })).toThrow(/zClip: warmup must be an integer ≥ 1, got 0/);
    expect(() => zClip({ clipTo: 'mean' as ZClipTarget })).toThrow(/zClip: clipTo must be one of "threshold", "reciprocal", got "mean"/);
  });
});
