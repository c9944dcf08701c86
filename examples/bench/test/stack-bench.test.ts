import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { reluMlp } from '../src/models.js';
import { benchVariants, formatTable } from '../src/stack-bench.js';
import { modelTable } from '../src/stack-variants.js';

// A smoke test of the bench code at a tiny size (the bench itself runs by hand, `npm run bench`):
// one round, the table's rows, columns and counts, and no tensor left behind. Speed is not tested.
describeBackends('stack bench (smoke)', await testBackends(), (backend) => {
  it(`times the variants between runs of the baseline and prints one table with ratios and kernel launches [${backend}]`, async () => {
    const before = tf.memory().numTensors;
    const table = await benchVariants(reluMlp({ depth: 2, width: 8, batch: 4 }), modelTable, { rounds: 1, warmupRounds: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(table.backend).toBe(backend);
    expect(table.rows.map((row) => row.name)).toEqual(modelTable.map((variant) => variant.name));
    expect(table.rows[0]!.ratio).toBe(1);
    expect(table.rows[0]!.cpuRatio).toBe(1);
    expect(table.rows[0]!.ratioInterval).toMatchObject({ low: 1, high: 1 });
    for (const row of table.rows) {
      expect(row.msPerStep).toBeGreaterThan(0);
      expect(Number.isFinite(row.cpuRatio)).toBe(true);
      expect(row.dispatches !== undefined).toBe(backend === 'webgpu');
    }
    // The stack runs more kernels than the bare step.
    expect(table.rows[1]!.kernels).toBeGreaterThan(table.rows[0]!.kernels);
    const text = formatTable(table);
    expect(text.split('\n')[0]).toBe(`2×8 ReLU MLP, batch 4 [${backend}]`);
    expect(text).toContain('| × bare (CPU) |');
    expect(text).toContain('| interval (confidence) |');
    expect(text).toContain(' 1.000–1.000 (0 %) |');
    expect(text.split('\n').filter((line) => line.startsWith('| full stack'))).toHaveLength(2);
  });
});
