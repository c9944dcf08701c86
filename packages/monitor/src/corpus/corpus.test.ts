// The diagnosis corpus (see corpus-models.ts): every healthy model gets no event at all, every
// broken one the expected verdict, layer and (for NaN/Inf) source — on cpu and wasm, and webgpu
// where an adapter exists. GS_CORPUS_REPORT=<file> writes what the monitor said as JSON (used for
// the before/after table in the README).
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { afterAll, expect, it } from 'vitest';
import { formatNumber } from '../detector.js';
import { CORPUS } from './corpus-models.js';
import { runCorpusEntry } from './run-corpus-entry.js';

const backends = await testBackends();
const report: Record<string, unknown>[] = [];

describeBackends('diagnosis corpus', backends, (backend) => {
  for (const entry of CORPUS) {
    if (entry.backends && !entry.backends.includes(backend)) continue;
    const expected = `${entry.verdict}${entry.layer ? ` at ${entry.layer}` : ''}${entry.source ? ` (from the ${entry.source})` : ''}`;
    it(`${entry.id} (${entry.kind}): ${expected}`, async () => {
      const before = tf.memory().numTensors;
      const { summary, events, losses, margins } = await runCorpusEntry(entry);
      const first = events[0];
      report.push({
        backend,
        id: entry.id,
        kind: entry.kind,
        expected: entry.verdict,
        expectedLayer: entry.layer ?? null,
        expectedSource: entry.source ?? null,
        verdict: summary.diagnosis,
        layer: summary.layer ?? first?.layer ?? null,
        source: summary.source ?? null,
        events: events.map((event) => `${event.detector}@${event.step}${event.layer ? `:${event.layer}` : ''}`),
        margins,
        firstLoss: losses[0],
        lastLoss: losses[losses.length - 1],
        text: summary.text,
      });
      const numbers =
        `median update ratio ≤ ${formatNumber(margins.maxUpdateRatio)} (too high > 0.1), largest update ratio ≥ ${formatNumber(margins.minUpdateRatio)} ` +
        `(too low < 1e-5), gradient ratio to the deepest main-path layer ≥ ${formatNumber(margins.minGradientRatio)} (vanishing < 1e-3), ` +
        `largest gradient norm ${formatNumber(margins.maxGradientNorm)} (exploding > 1e3)`;
      const said = `monitor said: ${summary.text}\nevents: ${events.map((event) => event.message).join('\n') || 'none'}\nloss ${losses.map(formatNumber).join(' → ')}\n${numbers}`;
      if (entry.verdict === 'healthy') {
        expect(events, said).toEqual([]);
      }
      expect(summary.diagnosis, said).toBe(entry.verdict);
      if (entry.layer) expect(summary.layer, said).toBe(entry.layer);
      if (entry.source) expect(summary.source, said).toBe(entry.source);
      expect(tf.memory().numTensors, 'tensors leaked by the run').toBe(before);
    });
  }
});

afterAll(() => {
  const file = process.env.GS_CORPUS_REPORT;
  if (file) writeFileSync(file, JSON.stringify(report, null, 2));
});
