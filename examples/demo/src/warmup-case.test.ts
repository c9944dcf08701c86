import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@gs/backends';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from './mnist-node.js';
import { type WarmupCaseResult, type WarmupCaseSize, runWarmupCase } from './warmup-case.js';
import { warmupLossChart, warmupRateChart, warmupTable, writeWarmupSection } from './warmup-report.js';

// The warmup case at a small size (the report's default is 6 blocks × 512 and 100 steps, run by
// hand: see examples/README.md). At this size Adam without warmup still recovers within the run,
// but its first steps already throw the loss far above where it started; with warmup they do not.
const SIZE: WarmupCaseSize = { depth: 4, width: 256, steps: 30, batchSize: 64, learningRate: 3e-3, warmupSteps: 10 };

let result: WarmupCaseResult;
beforeAll(async () => {
  await setupBackend((process.env.GS_DEMO_BACKEND as 'wasm' | undefined) ?? 'wasm');
  const data = loadMnist({ train: 2000, test: 500 });
  result = await runWarmupCase({ size: SIZE, train: data.train, test: data.test });
}, 600_000);

describe('demo: the warmup case', () => {
  it('without warmup, Adam at 3e-3 throws the post-norm network’s loss to over 1.5 times its start in the first steps', () => {
    const [adam] = result.runs;
    expect(adam!.id).toBe('adam');
    expect(adam!.maxLoss).toBeGreaterThan(1.5 * adam!.losses[0]!);
  });

  it('with warmup({ steps }) the loss never rises more than 10 % above its start, and the network learns', () => {
    const [adam, warmed] = result.runs;
    expect(warmed!.id).toBe('adam-warmup');
    // Same seed and batches: both start from the same loss.
    expect(warmed!.losses[0]).toBeCloseTo(adam!.losses[0]!, 4);
    expect(warmed!.maxLoss).toBeLessThan(1.1 * warmed!.losses[0]!);
    expect(warmed!.finalLoss).toBeLessThan(0.5 * warmed!.losses[0]!);
    expect(warmed!.testAccuracy).toBeGreaterThan(0.6);
  });

  it('records the rate of every step: linear from 0 to the base rate over the warmup, constant without it', () => {
    const [adam, warmed] = result.runs;
    expect(adam!.learningRates.every((rate) => rate === SIZE.learningRate)).toBe(true);
    warmed!.learningRates.forEach((rate, step) => expect(rate).toBeCloseTo((SIZE.learningRate * Math.min(step, SIZE.warmupSteps)) / SIZE.warmupSteps, 12));
  });

  it('builds its table and chart specs from the runs', () => {
    expect(warmupTable(result).split('\n')).toHaveLength(4);
    const values = (spec: object) => (spec as { data: { values: unknown[] } }).data.values;
    expect(values(warmupLossChart(result)).length).toBeGreaterThan(SIZE.steps);
    expect(values(warmupRateChart(result))).toHaveLength(2 * SIZE.steps);
  });

  it('appends its section to the report and writes its charts and numbers', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'gs-demo-warmup-'));
    try {
      writeFileSync(join(directory, 'report.md'), '# report\n');
      const written = await writeWarmupSection(directory, result);
      const report = readFileSync(join(directory, 'report.md'), 'utf8');
      expect(report.startsWith('# report\n')).toBe(true);
      expect(report).toContain('## Warmup: a post-norm network');
      expect(report).toContain('![](charts/warmup-loss.svg)');
      for (const file of written) expect(readFileSync(join(directory, file), 'utf8').length).toBeGreaterThan(100);
      expect(JSON.parse(readFileSync(join(directory, 'warmup-case.json'), 'utf8')).runs).toHaveLength(2);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
