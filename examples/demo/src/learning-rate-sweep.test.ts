import { expect, it } from 'vitest';
import { SMALL_SIZE, demoConfigurations } from './configuration.js';
import { applyLearningRates, chooseLearningRates, isSwept, sweepRuns, sweepSection, SWEEP_CANDIDATES, type LearningRateSweep } from './learning-rate-sweep.js';

const configurations = demoConfigurations(SMALL_SIZE);

it('sweeps every configuration but the deliberately too-high-rate ones, over its optimizer\'s candidates', () => {
  expect(configurations.filter((configuration) => !isSwept(configuration)).map((configuration) => configuration.id)).toEqual([
    'relu-high-lr', 'relu-high-lr-clip', 'relu-high-lr-agc', 'relu-high-lr-skip',
  ]);
  const runs = sweepRuns(configurations);
  expect(runs.filter((run) => run.id.startsWith('sigmoid-adam@')).map((run) => run.learningRate)).toEqual(SWEEP_CANDIDATES.adam);
  expect(runs.find((run) => run.id === 'relu-he@0.3')?.learningRate).toBe(0.3);
});

it('chooses the lowest final loss (NaN — null in JSON — is the worst) and applies it by id', () => {
  const baseline = configurations.find((configuration) => configuration.id === 'sigmoid-baseline')!;
  const losses = [2.3, 1.1, Number.NaN, null];
  const results = SWEEP_CANDIDATES.sgd.map((learningRate, i) => ({
    configuration: { ...baseline, id: `sigmoid-baseline@${learningRate}`, learningRate },
    finalLoss: losses[i] as number,
  }));
  const entries = chooseLearningRates([baseline], results);
  expect(entries['sigmoid-baseline']!.chosen).toBe(0.03);
  const sweep: LearningRateSweep = { generatedAt: '2026-01-01T00:00:00Z', backend: 'wasm', steps: 30, batchSize: 64, depth: 20, width: 64, entries };
  const applied = applyLearningRates(configurations, sweep);
  expect(applied.find((configuration) => configuration.id === 'sigmoid-baseline')!.learningRate).toBe(0.03);
  expect(applied.find((configuration) => configuration.id === 'relu-high-lr')!.learningRate).toBe(0.5);
  const table = sweepSection(sweep, new Map([['sigmoid-baseline', 'baseline']]));
  expect(table).toContain('| baseline | sgd | **0.03** | 0.01: 2.30, 0.03: 1.10 ✔, 0.1: NaN, 0.3: NaN |');
  expect(table).toContain('30 steps of batch 64');
});
