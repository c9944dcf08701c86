import { describeParams } from '@gs/core';
import { expect, it } from 'vitest';
import { activationGain, amplification, initialLayerWeights } from './initial-weights.js';
import { describeArchitecture, layerKind } from './model-architecture.js';
import { rawGradientNorm } from './monitor-record.js';
import { nonFiniteOrigin } from './non-finite-values.js';
import { optimizerCall, rankRemedies } from './rank-remedies.js';
import { remedyText } from './remedy.js';
import { primaryEvent } from './summary.js';

it("the monitor's diagnosis helpers reject bad arguments naming the function, the argument and the value", () => {
  expect(() => describeArchitecture(null as never)).toThrow(/^describeArchitecture: params must be an array, got null$/);
  expect(() => describeArchitecture([], 'model' as never)).toThrow(/describeArchitecture: model must be a tf\.LayersModel/);
  expect(() => describeParams(5 as never)).toThrow(); // core's own check
  expect(() => layerKind('Dense', 3 as never)).toThrow(/layerKind: params must be an array/);
  expect(() => initialLayerWeights([], 'x' as never)).toThrow(/initialLayerWeights: norms must be an array of numbers/);
  expect(() => activationGain(5 as never)).toThrow(/activationGain: activation must be a non-empty string, got 5/);
  expect(() => amplification({} as never, undefined)).toThrow(/amplification: layer must be a LayerArchitecture/);
  expect(() => rankRemedies(null as never)).toThrow(/rankRemedies: event must be a DetectorEvent, got null/);
  expect(() => rankRemedies({ detector: 'x', step: 0 } as never, [] as never)).toThrow(/rankRemedies: setup must be a TrainingSetup/);
  expect(() => optimizerCall(undefined, Number.NaN)).toThrow(/optimizerCall: learningRate must be a finite number > 0, got NaN/);
  expect(() => remedyText({ id: 'warmup' } as never)).toThrow(/remedyText: remedy must be a Remedy/);
  expect(() => primaryEvent('events' as never)).toThrow(/primaryEvent: events must be an array of DetectorEvent, got "events"/);
  expect(() => nonFiniteOrigin(undefined as never)).toThrow(/nonFiniteOrigin: record must be a MonitorRecord, got undefined/);
  expect(() => rawGradientNorm([] as never)).toThrow(/rawGradientNorm: layer must be a LayerStats/);
});
