// The adversarial set (see adversarial-models.ts): a third batch of models the detectors were not
// tuned on, each training itself (fit, fitDataset on a generator, several inputs, a loop over bare
// variables). Healthy ones must raise no event at all; broken ones must get the expected verdict,
// layer and NaN source. In `npm test`: the entries that exposed a bug (`regression`) on every
// backend, the other fast ones on cpu and wasm; `slow` ones and the rest on WebGPU (software
// Vulkan here) only with GS_ADVERSARIAL=all;
// GS_ADVERSARIAL_REPORT=<file> writes what the monitor said (verdict, layer, source, top remedy,
// events, margins, per-layer numbers) as JSON. Leaks are checked in monitor.test.ts and the corpus.
import { writeFileSync } from 'node:fs';
import { describeBackends, testBackends } from '@gs/testing';
import { afterAll, expect, it } from 'vitest';
import type { DetectorEvent } from '../detector.js';
import { monitor, type GradientMonitor } from '../monitor.js';
import { rawGradientNorm } from '../monitor-record.js';
import { ADVERSARIAL } from './adversarial-models.js';
import { margins } from './run-corpus-entry.js';
import { withSeededRandom } from './run-held-out-entry.js';

const backends = await testBackends();
const all = process.env.GS_ADVERSARIAL === 'all';
const only = process.env.GS_ADVERSARIAL_ONLY?.split(',');
const report: Record<string, unknown>[] = [];

describeBackends('adversarial models', backends, (backend) => {
  for (const entry of ADVERSARIAL) {
    if (entry.backends && !entry.backends.includes(backend)) continue;
    const runs = all || entry.regression === true || (!entry.slow && backend !== 'webgpu');
    if (!runs || (only && !only.includes(entry.id))) continue;
    const verdicts: readonly string[] = Array.isArray(entry.verdict) ? entry.verdict : [entry.verdict];
    const expected = `${verdicts.join(' or ')}${entry.layer ? ` at ${entry.layer}` : ''}${entry.source ? ` (from the ${entry.source})` : ''}`;
    it(`${entry.id}: ${expected}${entry.remedy ? `, first remedy ${entry.remedy}` : ''}`, async () => {
      const events: DetectorEvent[] = [];
      let watcher: GradientMonitor | undefined;
      await withSeededRandom(1, () =>
        entry.run((probe) => (watcher = monitor({ ...(probe ? { probe } : {}), onEvent: (event) => events.push(event) }))),
      );
      const summary = watcher!.summary();
      const losses = watcher!.history.losses.map((point) => point.loss);
      const records = watcher!.history.records;
      const row = {
        backend,
        id: entry.id,
        expected: verdicts,
        expectedLayer: entry.layer ?? null,
        expectedSource: entry.source ?? null,
        verdict: summary.diagnosis,
        layer: summary.layer ?? null,
        source: summary.source ?? null,
        expectedRemedy: entry.remedy ?? null,
        topRemedy: summary.fixes[0]?.id ?? null,
        topRemedyCall: summary.fixes[0]?.call ?? null,
        events: events.map((event) => `${event.detector}@${event.step}${event.layer ? `:${event.layer}` : ''}`),
        margins: margins(watcher!),
        firstLoss: losses[0],
        lastLoss: losses[losses.length - 1],
        steps: losses.length,
        messages: events.map((event) => event.message),
        layers: [records[0], records[records.length - 1]].filter((record) => record !== undefined).map((record) => ({
          step: record.step,
          layers: record.layers.map((layer) => `${layer.name} ‖∇W‖=${rawGradientNorm(layer).toPrecision(3)} ‖ΔW‖/‖W‖=${layer.updateRatio.toPrecision(3)}`),
        })),
      };
      report.push(row);
      const said = `monitor said: ${summary.text}\n${JSON.stringify({ ...row, layers: undefined }, null, 1)}`;
      if (verdicts.includes('healthy')) expect(events, said).toEqual([]);
      expect(verdicts, said).toContain(summary.diagnosis);
      if (entry.layer) expect(summary.layer, said).toBe(entry.layer);
      if (entry.source) expect(summary.source, said).toBe(entry.source);
      if (entry.remedy) expect(summary.fixes[0]?.id, said).toBe(entry.remedy);
    });
  }
});

afterAll(() => {
  const file = process.env.GS_ADVERSARIAL_REPORT;
  if (file) writeFileSync(file, JSON.stringify(report, null, 2));
});
