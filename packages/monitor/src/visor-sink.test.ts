import { expect, it } from 'vitest';
import { monitor } from './monitor.js';
import { VISOR_SURFACES, visorSink } from './visor-sink.js';

// Drawing needs a browser: examples/browser/test/visor.test.ts checks the visor in Chromium. Here:
// the sink is created and validated without loading tfjs-vis (which needs a DOM).
it('creates a monitor sink without loading tfjs-vis, and rejects bad options by name', () => {
  const sink = visorSink({ tab: 'Run 1', metric: 'updateRatio', maxRecords: 10, open: false });
  expect(sink.name).toBe('tfjsVisor');
  expect(monitor({ sinks: [sink] }).name).toBe('monitor');
  expect(Object.values(VISOR_SURFACES)).toHaveLength(4);
  expect(() => visorSink({ tab: '' })).toThrow(/visorSink: tab must be a non-empty string, got ""/);
  expect(() => visorSink({ metric: 'norm' as never })).toThrow(/visorSink: metric must be one of "gradientNorm", "weightNorm", "updateRatio", got "norm"/);
  expect(() => visorSink({ maxRecords: 0 })).toThrow(/visorSink: maxRecords must be an integer ≥ 1, got 0/);
  expect(() => visorSink({ open: 'yes' as never })).toThrow(/visorSink: open must be true or false/);
  expect(() => visorSink({ tabs: 'x' } as never)).toThrow(/visorSink: unknown option 'tabs' \(did you mean 'tab'\?\)/);
});
