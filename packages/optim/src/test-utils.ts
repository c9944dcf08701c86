// Test helpers for @gs/optim (not published).
import * as tf from '@tensorflow/tfjs';
import type { StabilityPlugin, StepReport } from '@gs/core';
import { accumulateGradients } from './accumulate-gradients.js';
import { centralizeGradients } from './centralize-gradients.js';
import { cosineDecay } from './cosine-decay.js';
import { emaWeights } from './ema-weights.js';
import { learningRateSchedule } from './learning-rate-schedule.js';
import { lookahead } from './lookahead.js';
import { oneCycle } from './one-cycle.js';
import { skipLargeUpdates } from './skip-large-updates.js';
import { stepDecay } from './step-decay.js';
import { trustRatio } from './trust-ratio.js';
import { warmup } from './warmup.js';

/** The tfjs variables behind a model's trainable weights, in the order `fit` passes them. */
export function variablesOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val);
}

/** Test plugin: keeps every report (and makes core read recorded values back). */
export function keepReports(reports: StepReport[]): StabilityPlugin {
  return { name: 'reports', onReport: (report) => void reports.push(report) };
}

/** The seven tfjs optimizers, each built with learning rate `rate` (other settings at tfjs defaults). */
export const OPTIMIZERS: Array<[string, (rate: number) => tf.Optimizer]> = [
  ['sgd', (rate) => tf.train.sgd(rate)],
  ['momentum', (rate) => tf.train.momentum(rate, 0.9)],
  ['adam', (rate) => tf.train.adam(rate)],
  ['adamax', (rate) => tf.train.adamax(rate)],
  ['adagrad', (rate) => tf.train.adagrad(rate)],
  ['adadelta', (rate) => tf.train.adadelta(rate)],
  ['rmsprop', (rate) => tf.train.rmsprop(rate)],
];

/**
 * One of every plugin of the package, with settings that make it act within a few steps, and the
 * optimizer to wrap it around when Adam does not fit (LARS needs SGD or momentum). Listed in an
 * order that works in one plugin list.
 */
export const PLUGINS: Array<[string, () => StabilityPlugin, (() => tf.Optimizer)?]> = [
  ['warmup', () => warmup({ steps: 5 })],
  ["warmup('exponential')", () => warmup({ steps: 5, curve: 'exponential' })],
  ['cosineDecay', () => cosineDecay({ decaySteps: 20, warmupSteps: 3 })],
  ['stepDecay', () => stepDecay({ boundaries: [3, 6] })],
  ['oneCycle', () => oneCycle({ totalSteps: 20 })],
  ['learningRateSchedule', () => learningRateSchedule((update) => 1 / (1 + update))],
  ['accumulateGradients', () => accumulateGradients({ steps: 3 })],
  ['centralizeGradients', () => centralizeGradients()],
  ["trustRatio('gradients')", () => trustRatio({ applyTo: 'gradients', weightDecay: 0.01 }), () => tf.train.momentum(0.01, 0.9)],
  ["trustRatio('updates')", () => trustRatio({ applyTo: 'updates', weightDecay: 0.01 })],
  ['skipLargeUpdates', () => skipLargeUpdates({ maxNorm: 0.5 })],
  ['emaWeights', () => emaWeights({ decay: 0.9 })],
  ['lookahead', () => lookahead({ syncPeriod: 3 })],
];
