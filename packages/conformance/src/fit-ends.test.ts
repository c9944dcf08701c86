import * as tf from '@tensorflow/tfjs';
import { nonFinite } from '@gs/clipping';
import { AUTOMATIC_REPORT_LAG, stabilize, type StabilityPlugin, type StabilizedOptimizer } from '@gs/core';
import { GradientAlarmError, monitor, vanishingGradients } from '@gs/monitor';
import { buildMlp, describeBackends, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silenceOutput } from './silence-output.js';

// The users' side of core's fit bound (core's fit-callback.test.ts checks it with a bare plugin):
// a monitor detector with action 'stop' or 'throw', and nonFinite's maxConsecutive, end fit and
// fitDataset after batch n + 1 + AUTOMATIC_REPORT_LAG at the latest when they trip on step n's
// report (after batch n + 1 with fitCallback()), on every backend and whatever callbacks are passed.

const backends = await testBackends();

const SAMPLES = 256;
const BATCH = 8;
const EPOCHS = 2; // 64 batches: far more than any bound below

/** How one case trips: its plugins, and the step whose report tripped (read after fit). */
interface Trip {
  plugins: StabilityPlugin[];
  model: tf.LayersModel;
  /** Whether fit must reject (else it must resolve, stopped). */
  rejects: boolean;
  /** The step whose report tripped, from the error or the events. */
  trippedAt(error: unknown): number | undefined;
}

/** A 12-layer sigmoid MLP: the vanishing-gradients detector fires within the first steps. */
const deepSigmoid = () => buildMlp({ inputSize: 4, depth: 12, width: 8, activation: 'sigmoid', seed: 2 });

function detectorTrip(action: 'stop' | 'throw'): Trip {
  let firstEvent: number | undefined;
  const watcher = monitor({
    detectors: [vanishingGradients({ ratio: 0.1, patience: 2, action })],
    onEvent: (event) => void (firstEvent ??= event.step),
  });
  return {
    plugins: [watcher],
    model: deepSigmoid(),
    rejects: action === 'throw',
    trippedAt: (error) => (error instanceof GradientAlarmError ? error.event.step : firstEvent),
  };
}

/** NaN gradients from step `FIRST_NAN` on; nonFinite({maxConsecutive: 3}) fails fit on the third skipped step's report. */
const FIRST_NAN = 2;
function nonFiniteTrip(): Trip {
  const injectNaN: StabilityPlugin = {
    name: 'injectNaN',
    transformGradients: (grads, ctx) => ctx.step >= FIRST_NAN ? Object.fromEntries(Object.entries(grads).map(([name, gradient]) => [name, tf.mul(gradient, Number.NaN)])) : grads,
  };
  return {
    plugins: [injectNaN, nonFinite({ maxConsecutive: 3 })],
    model: buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 3 }),
    rejects: true,
    trippedAt: (error) => (error instanceof Error && /3 consecutive steps from step 2/.test(error.message) ? FIRST_NAN + 2 : undefined),
  };
}

const TRIPS: [name: string, make: () => Trip][] = [
  ["vanishingGradients action 'stop'", () => detectorTrip('stop')],
  ["vanishingGradients action 'throw'", () => detectorTrip('throw')],
  ['nonFinite maxConsecutive', nonFiniteTrip],
];

const earlyStopping = () => tf.callbacks.earlyStopping({ monitor: 'loss', patience: 50 });
type Callbacks = (optimizer: StabilizedOptimizer) => tf.ModelFitArgs['callbacks'];
/** Callback lists as users pass them, to `fit` or `fitDataset`; `exact`: fitCallback() is among them. */
const CALLBACKS: [name: string, make: Callbacks, exact: boolean, via: 'fit' | 'fitDataset'][] = [
  ['no callbacks', () => undefined, false, 'fit'],
  ['[earlyStopping]', () => [earlyStopping()], false, 'fit'],
  ['{ onBatchEnd }', () => ({ onBatchEnd: () => {} }), false, 'fit'],
  ['[fitCallback(), earlyStopping]', (optimizer) => [optimizer.fitCallback(), earlyStopping()], true, 'fit'],
  ['[{ onBatchEnd }, fitCallback()]', (optimizer) => [{ onBatchEnd: () => {} }, optimizer.fitCallback()] as tf.CustomCallbackArgs[], true, 'fit'],
  ['fitDataset, [earlyStopping]', () => [earlyStopping()], false, 'fitDataset'],
  ['fitDataset, [fitCallback()]', (optimizer) => [optimizer.fitCallback()], true, 'fitDataset'],
];

describeBackends('detectors and nonFinite end fit within the bound', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  let samples: { xs: tf.Tensor[]; ys: tf.Tensor[] };
  let dataset: tf.data.Dataset<tf.TensorContainer>;
  beforeAll(() => {
    data = regressionData(SAMPLES, 4);
    samples = { xs: tf.unstack(data.xs), ys: tf.unstack(data.ys) };
    dataset = tf.data.zip({ xs: tf.data.array(samples.xs), ys: tf.data.array(samples.ys) }).batch(BATCH) as tf.data.Dataset<tf.TensorContainer>;
  });
  afterAll(() => tf.dispose([data, samples.xs, samples.ys]));

  for (const [tripName, makeTrip] of TRIPS) {
    it(`${tripName}: fit ends after batch n + 1 (fitCallback) or n + 1 + AUTOMATIC_REPORT_LAG (without)`, async () => {
      const outcomes: string[] = [];
      const quiet = silenceOutput();
      try {
        for (const [callbackName, callbacks, exact, via] of CALLBACKS) {
          const trip = makeTrip();
          const optimizer = stabilize(tf.train.sgd(0.01), trip.plugins, { model: trip.model });
          trip.model.compile({ optimizer, loss: 'meanSquaredError' });
          let error: unknown;
          try {
            const settings = { epochs: EPOCHS, verbose: 0, callbacks: callbacks(optimizer) };
            if (via === 'fit') await trip.model.fit(data.xs, data.ys, { ...settings, batchSize: BATCH });
            else await trip.model.fitDataset(dataset, settings);
          } catch (caught) {
            error = caught;
          }
          const tripped = trip.trippedAt(error);
          const bound = tripped === undefined ? undefined : tripped + 1 + (exact ? 0 : AUTOMATIC_REPORT_LAG);
          const ended = optimizer.step;
          const ok = tripped !== undefined && (error !== undefined) === trip.rejects && ended <= bound! && ended > tripped;
          outcomes.push(`${callbackName}: tripped at ${tripped}, ${ended} batches, bound ${bound}${error ? `, rejected: ${String(error).slice(0, 80)}` : ''}${ok ? '' : '  ← WRONG'}`);
          optimizer.dispose();
          trip.model.dispose();
        }
      } finally {
        quiet.restore();
      }
      expect(outcomes.filter((line) => line.endsWith('WRONG')), outcomes.join('\n')).toEqual([]);
    });
  }
});
