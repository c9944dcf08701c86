import { invalidOption, requireOneOf } from '@gs/core';
import type { InitialLayerWeights } from './initial-weights.js';
import type { ModelArchitecture } from './model-architecture.js';
import type { MonitorRecord } from './monitor-record.js';
import type { Remedy } from './remedy.js';

/** What the monitor does when a detector fires: log, stop training (`model.stopTraining`), or throw. */
export type DetectorAction = 'warn' | 'stop' | 'throw';

/** The actions a detector accepts. */
export const DETECTOR_ACTIONS: readonly DetectorAction[] = ['warn', 'stop', 'throw'];

/** What an event says is wrong (the verdicts of `summary()`, besides `healthy`). */
export type Verdict =
  | 'vanishing'
  | 'exploding'
  | 'non-finite'
  | 'saturated'
  | 'dead units'
  | 'learning rate too high'
  | 'learning rate too low';

/**
 * Where the first NaN/Inf came from: the input `data`, the `loss` function (finite model outputs,
 * non-finite loss), the `forward` pass (a layer's output overflowed), the `backward` pass (finite
 * loss, non-finite gradients), or the `update` (finite gradients, non-finite weights afterwards).
 */
export type NonFiniteSource = 'data' | 'loss' | 'forward' | 'backward' | 'update';

/** How a non-finite source reads in a sentence ("from the forward pass"). */
export const SOURCE_PHRASES: Readonly<Record<NonFiniteSource, string>> = {
  data: 'the data',
  loss: 'the loss',
  forward: 'the forward pass',
  backward: 'the backward pass',
  update: 'the update',
};

/** A diagnosis produced by a detector: what happened, where, when, and what to try. */
export interface DetectorEvent {
  /** The detector's name, e.g. `vanishingGradients`. */
  readonly detector: string;
  /** What the event says is wrong (custom detectors may leave it out). */
  readonly verdict?: Verdict;
  /** For non-finite events: where the first NaN/Inf came from. */
  readonly source?: NonFiniteSource;
  /** The step at which the detector fired. */
  readonly step: number;
  /**
   * The step at which its condition began to hold (a detector with patience fires later than
   * that); `summary()` orders events by it. Absent: the same as `step`.
   */
  readonly onset?: number;
  /** The layer the event is about (the worst or first affected). */
  readonly layer?: string;
  /** That layer's depth. */
  readonly depth?: number;
  /** Every layer affected, input first. */
  readonly layers: readonly string[];
  /** The number that triggered the event (a norm, ratio or fraction). */
  readonly value: number;
  /** A one-paragraph human explanation naming the layer and step. */
  readonly message: string;
  /** What to try, most effective first, each naming the call that applies it. */
  readonly remedies: readonly string[];
  /**
   * The same remedies as structured data (id, action, exact call, package, reason), ranked from the
   * evidence and the model's own configuration when the monitor knows the model.
   */
  readonly fixes?: readonly Remedy[];
  /** What the monitor does about it. */
  readonly action: DetectorAction;
}

/** What a detector sees besides the newest record. */
export interface DetectorContext {
  /** Every record kept so far, oldest first (including the newest). */
  readonly history: readonly MonitorRecord[];
  /** The layers as the monitor knows them (kind, residual branch, gate), when it knows the parameters. */
  readonly architecture?: ModelArchitecture;
  /** Each layer's weights at the first measured step (gain, zero-initialised), once known. */
  readonly initialWeights?: ReadonlyMap<string, InitialLayerWeights>;
  /**
   * The loss names the model was compiled with (`model.compile({ loss: 'meanSquaredError' })`, one
   * per output), when it was compiled with names; absent for a loss function or a custom loop.
   */
  readonly lossNames?: readonly string[];
}

/**
 * Turns the monitor's host-side records into events. Detectors are pure host code, called from
 * the monitor's `onReport` once per reported step; they never touch tensors.
 */
export interface Detector {
  /** Short name used in events, e.g. `vanishingGradients`. */
  readonly name: string;
  /** What the monitor does when this detector fires. */
  readonly action: DetectorAction;
  /** Inspects the newest record; returns the events it raises (usually none). */
  check(record: MonitorRecord, context: DetectorContext): readonly DetectorEvent[];
  /** Forgets any state (consecutive counters). */
  reset?(): void;
}

/**
 * The error thrown (from `onReport`; it ends `fit` within one batch, and surfaces at the next step
 * or `flush()` in custom loops) by a detector with `action: 'throw'`.
 */
export class GradientAlarmError extends Error {
  /** The event that raised the error. */
  readonly event: DetectorEvent;
  constructor(event: DetectorEvent) {
    super(requireEvent('GradientAlarmError', 'event', event).message);
    this.name = 'GradientAlarmError';
    this.event = event;
  }
}

/** Validates an `action` option (default 'warn'). */
export function actionOption(where: string, value: unknown): DetectorAction {
  return value === undefined ? 'warn' : requireOneOf(where, 'action', value, DETECTOR_ACTIONS);
}

/**
 * Counts how many reports in a row a condition held, per key, and says when it reaches `patience`
 * for the first time (fires once per episode; re-arms after the condition clears). Remembers the
 * step at which each streak began (`onset`).
 */
export class PatienceCounter {
  private readonly streaks = new Map<string, { length: number; onset: number }>();
  constructor(private readonly patience: number) {}

  /** Updates the streak of `key` at `step`; true exactly when the streak reaches `patience`. */
  update(key: string, condition: boolean, step = 0): boolean {
    const previous = this.streaks.get(key);
    const streak = condition ? { length: (previous?.length ?? 0) + 1, onset: previous?.length ? previous.onset : step } : { length: 0, onset: step };
    this.streaks.set(key, streak);
    return streak.length === this.patience;
  }

  /** The step at which the current streak of `key` began. */
  onset(key: string): number | undefined {
    const streak = this.streaks.get(key);
    return streak?.length ? streak.onset : undefined;
  }

  reset(): void {
    this.streaks.clear();
  }
}

/** Formats a number for messages: 3 significant digits, exponent form when tiny or huge. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude < 1e-3 || magnitude >= 1e4 ? value.toExponential(2) : Number(value.toPrecision(3)).toString();
}

/** Shortens a list of layer names for a message: `a, b, c … y, z (26 layers)`. */
export function formatLayerList(names: readonly string[], keep = 3): string {
  if (names.length <= keep * 2) return names.join(', ');
  return `${names.slice(0, keep).join(', ')} … ${names.slice(-keep).join(', ')} (${names.length} layers)`;
}

/** A `DetectorEvent` (checks the fields code reading events relies on). */
export function requireEvent(where: string, option: string, value: unknown): DetectorEvent {
  const event = value as Partial<DetectorEvent> | null;
  const ok =
    event !== null &&
    typeof event === 'object' &&
    typeof event.detector === 'string' &&
    typeof event.step === 'number' &&
    typeof event.message === 'string' &&
    Array.isArray(event.layers) &&
    Array.isArray(event.remedies);
  if (!ok) invalidOption(where, option, 'a DetectorEvent (from monitor.events or a detector)', value);
  return value as DetectorEvent;
}
