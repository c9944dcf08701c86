// The held-out check (see held-out-models.ts): models written as tfjs users write them, with the
// defaults, trained with model.fit / fitDataset / a custom loop — not the models the detectors were
// tuned on. Healthy ones must raise no event at all; broken ones must get the expected verdict,
// layer and NaN source. GS_HELD_OUT_REPORT=<file> writes what the monitor said as JSON;
// GS_HELD_OUT_SEED=<n> trains with another seed (the verdicts must not depend on it). Leaks are
// not checked here (tfjs's MomentumOptimizer keeps its momentum scalar after dispose()); the
// monitor's own leak tests are in monitor.test.ts and the corpus.
import { writeFileSync } from 'node:fs';
import { describeBackends, testBackends } from '@gs/testing';
import { afterAll, expect, it } from 'vitest';
import { formatNumber } from '../detector.js';
import { HELD_OUT } from './held-out-models.js';
import { runHeldOutEntry } from './run-held-out-entry.js';

const backends = await testBackends();
const seed = Number(process.env.GS_HELD_OUT_SEED ?? 1);
const report: Record<string, unknown>[] = [];

describeBackends('held-out models', backends, (backend) => {
  for (const entry of HELD_OUT) {
    if (entry.backends && !entry.backends.includes(backend)) continue;
    const verdicts: readonly string[] = Array.isArray(entry.verdict) ? entry.verdict : [entry.verdict];
    const expected = `${verdicts.join(' or ')}${entry.layer ? ` at ${entry.layer}` : ''}${entry.source ? ` (from the ${entry.source})` : ''}`;
    it(`${entry.id}: ${expected}`, async () => {
      const { summary, events, losses, margins } = await runHeldOutEntry(entry, seed);
      report.push({
        backend,
        id: entry.id,
        expected: verdicts,
        expectedLayer: entry.layer ?? null,
        expectedSource: entry.source ?? null,
        verdict: summary.diagnosis,
        layer: summary.layer ?? null,
        source: summary.source ?? null,
        events: events.map((event) => `${event.detector}@${event.step}${event.layer ? `:${event.layer}` : ''}`),
        margins,
        firstLoss: losses[0],
        lastLoss: losses[losses.length - 1],
        steps: losses.length,
        text: summary.text,
      });
      const numbers =
        `median update ratio ≤ ${formatNumber(margins.maxUpdateRatio)}, largest update ratio ≥ ${formatNumber(margins.minUpdateRatio)}, ` +
        `gradient ratio to the deepest main-path layer ≥ ${formatNumber(margins.minGradientRatio)}, largest gradient norm ${formatNumber(margins.maxGradientNorm)}`;
      const said = `monitor said: ${summary.text}\nevents: ${events.map((event) => event.message).join('\n') || 'none'}\nloss ${formatNumber(losses[0]!)} → ${formatNumber(losses[losses.length - 1]!)} over ${losses.length} steps\n${numbers}`;
      if (verdicts.includes('healthy')) expect(events, said).toEqual([]);
      expect(verdicts, said).toContain(summary.diagnosis);
      if (entry.layer) expect(summary.layer, said).toBe(entry.layer);
      if (entry.source) expect(summary.source, said).toBe(entry.source);
    });
  }
});

afterAll(() => {
  const file = process.env.GS_HELD_OUT_REPORT;
  if (file) writeFileSync(file, JSON.stringify(report, null, 2));
});
