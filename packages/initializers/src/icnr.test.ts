import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { icnr } from './icnr.js';
import { glorotUniform, heNormal } from './variance-scaling-presets.js';

const backends = await testBackends();

describeBackends('icnr (Aitken et al. 2017)', backends, () => {
  it('conv + depthToSpace starts as nearest-neighbour upsampling: every scale × scale block is constant', async () => {
    const scale = 3;
    const layer = tf.layers.conv2d({ filters: 2 * scale * scale, kernelSize: 3, padding: 'same', kernelInitializer: icnr({ scale, initializer: glorotUniform({ seed: 1 }) }) });
    const x = tf.randomNormal([1, 4, 5, 3], 0, 1, 'float32', 1);
    const y = tf.depthToSpace(layer.apply(x) as tf.Tensor4D, scale);
    expect(y.shape).toEqual([1, 12, 15, 2]);
    const values = await y.data();
    const at = (h: number, w: number, c: number) => values[(h * 15 + w) * 2 + c]!;
    let blocksChecked = 0;
    for (let h = 0; h < 12; h++) {
      for (let w = 0; w < 15; w++) {
        for (let c = 0; c < 2; c++) expect(at(h, w, c)).toBe(at(h - (h % scale), w - (w % scale), c));
      }
      blocksChecked++;
    }
    expect(blocksChecked).toBe(12);
    // And not trivially constant everywhere:
    expect(at(0, 0, 0)).not.toBe(at(0, 3, 0));
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('draws the sub-kernel with the inner initializer (its values repeat across the scale² channel groups)', async () => {
    const kernel = icnr({ scale: 2, initializer: heNormal({ seed: 4 }) }).apply([3, 3, 4, 8]);
    const sub = heNormal({ seed: 4 }).values([3, 3, 4, 2]);
    const values = await kernel.data();
    for (let p = 0; p < 36; p++) for (let j = 0; j < 8; j++) expect(values[p * 8 + j]).toBe(sub[p * 2 + (j % 2)]);
    kernel.dispose();
  });

  it('rejects an output channel count not divisible by scale², a scale < 2 and a tfjs initializer', () => {
    expect(() => icnr({ scale: 2 }).apply([3, 3, 4, 6])).toThrow(/out divisible by scale² = 4, got \[3, 3, 4, 6\]/);
    expect(() => icnr({ scale: 1 })).toThrow(/icnr: scale must be an integer ≥ 2, got 1/);
    expect(() => icnr({ initializer: tf.initializers.heNormal({}) })).toThrow(/icnr: initializer must be one of @gs\/initializers/);
  });
});
