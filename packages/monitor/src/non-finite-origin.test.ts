import { describe, expect, it } from 'vitest';
import type { LayerStats, MonitorRecord } from './monitor-record.js';
import { nonFiniteOrigin } from './non-finite-values.js';

/** A 3-layer record; `overrides[l]` replaces fields of layer l. */
function record(overrides: Partial<LayerStats>[], extra: Partial<MonitorRecord> = {}): MonitorRecord {
  return {
    step: 4,
    loss: 1,
    gradientNorm: 1,
    layers: [0, 1, 2].map((depth) => ({
      name: `layer${depth}`,
      depth,
      gradientNorm: 1,
      weightNorm: 1,
      updateRatio: 1e-3,
      activations: { mean: 0.1, std: 1 },
      ...overrides[depth],
    })),
    extras: {},
    ...extra,
  };
}

describe('nonFiniteOrigin: where the first NaN/Inf came from, in the order a step computes', () => {
  it('the data: the probe batch itself is non-finite', () => {
    const origin = nonFiniteOrigin(record([{ activations: { mean: Number.NaN, std: Number.NaN } }], { loss: Number.NaN, probeInputFinite: false }));
    expect([origin.source, origin.layer?.name]).toEqual(['data', 'layer0']);
  });

  it('the forward pass: the first layer in forward order whose probe output is non-finite', () => {
    const bad = { mean: Number.POSITIVE_INFINITY, std: Number.NaN };
    const origin = nonFiniteOrigin(
      record([{}, { activations: bad, gradientNorm: Number.NaN }, { activations: bad, gradientNorm: Number.NaN }], { loss: Number.NaN, probeInputFinite: true }),
    );
    expect([origin.source, origin.layer?.name]).toEqual(['forward', 'layer1']);
  });

  it('the loss: every probe output finite, the loss not', () => {
    const origin = nonFiniteOrigin(record([{ gradientNorm: Number.NaN }, {}, {}], { loss: Number.POSITIVE_INFINITY, probeInputFinite: true }));
    expect([origin.source, origin.layer]).toEqual(['loss', undefined]);
  });

  it('the data, not the loss, when the model was compiled with a named tfjs loss (finite for finite outputs and targets): NaN targets', () => {
    const nanLoss = record([{ gradientNorm: Number.NaN }, {}, {}], { loss: Number.NaN, probeInputFinite: true });
    const origin = nonFiniteOrigin(nanLoss, undefined, ['meanSquaredError']);
    expect(origin.source).toBe('data');
    expect(origin.evidence).toMatch(/compiled loss \(meanSquaredError\) is finite for finite outputs and targets: this batch's targets/);
    // poisson takes the log of the raw prediction: the loss itself can be the origin.
    expect(nonFiniteOrigin(nanLoss, undefined, ['poisson']).source).toBe('loss');
    expect(() => nonFiniteOrigin(nanLoss, undefined, 'mse' as never)).toThrow(/nonFiniteOrigin: lossNames/);
  });

  it('the backward pass: finite loss, non-finite raw gradients; the layer nearest the output is where backprop met it', () => {
    const origin = nonFiniteOrigin(record([{ gradientNorm: Number.NaN }, { incomingGradientNorm: Number.POSITIVE_INFINITY, gradientNorm: 0 }, {}]));
    expect([origin.source, origin.layer?.name]).toEqual(['backward', 'layer1']);
  });

  it('the update: loss and gradients finite, weights afterwards not; the first such layer in forward order', () => {
    const origin = nonFiniteOrigin(record([{}, { weightNorm: Number.NaN }, { weightNorm: Number.NaN }]));
    expect([origin.source, origin.layer?.name]).toEqual(['update', 'layer1']);
  });

  it('an earlier update: weights already non-finite in the previous record', () => {
    const previous = record([{}, {}, { weightNorm: Number.NaN }]);
    const origin = nonFiniteOrigin(record([{ gradientNorm: Number.NaN }], { loss: Number.NaN }), previous);
    expect([origin.source, origin.layer?.name]).toEqual(['update', 'layer2']);
  });

  it('without a probe a non-finite loss has no source yet (the monitor traces the forward pass after the event)', () => {
    const noProbe = record([], { loss: Number.NaN });
    const layers = noProbe.layers.map(({ activations: _activations, ...layer }) => layer);
    expect(nonFiniteOrigin({ ...noProbe, layers }).source).toBeUndefined();
  });
});
