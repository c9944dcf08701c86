import type * as tf from '@tensorflow/tfjs';

/**
 * Reading and setting the learning rate of a wrapped tfjs optimizer, and the bookkeeping that lets
 * one schedule own it. Internal to @gs/optim.
 *
 * How the seven tfjs 4.22 optimizers keep their rate (checked in tfjs-core's source):
 * - `sgd` and `momentum` (which extends SGD) cache `-learningRate` as a kept scalar tensor `c` and
 *   multiply by it; `setLearningRate(rate)` replaces both the number and `c`.
 * - `adam`, `adamax`, `adagrad`, `adadelta` and `rmsprop` read the number `learningRate` in every
 *   `applyGradients` (Adamax divides it by `1 + iterations·decay` on the device).
 * So: call `setLearningRate` when the optimizer has one, else assign the `learningRate` field. Either
 * way nothing is read from the device, and the new rate applies from the next `applyGradients`.
 */

interface RateHolder {
  learningRate?: unknown;
  setLearningRate?: (rate: number) => void;
}

interface Claim {
  /** The optimizer's own rate when the first schedule claimed it: what `getConfig` keeps reporting. */
  base: number;
  /** The schedule that sets the rate now (the last to claim it). */
  owner: object;
  /** Its name, for error messages. */
  ownerName: string;
  /** The rate last written, to skip writes that change nothing (SGD would rebuild its scalar). */
  current: number;
}

const claims = new WeakMap<tf.Optimizer, Claim>();

/** The optimizer's class name for messages (`Adam`, `SGD`, …). */
function classOf(optimizer: tf.Optimizer): string {
  try {
    return optimizer.getClassName();
  } catch {
    return optimizer.constructor?.name ?? 'optimizer';
  }
}

/**
 * The wrapped optimizer's learning rate as a host number (its schedule-free base rate while a
 * schedule owns it). Throws, naming `where`, for an optimizer without a numeric `learningRate`.
 */
export function learningRateOf(where: string, optimizer: tf.Optimizer): number {
  const claim = claims.get(optimizer);
  if (claim) return claim.base;
  const rate = (optimizer as unknown as RateHolder).learningRate;
  if (typeof rate !== 'number' || !Number.isFinite(rate)) {
    throw new TypeError(
      `${where}: the wrapped optimizer (${classOf(optimizer)}) has no numeric learningRate to schedule; ` +
        'use one of tf.train.sgd, momentum, adam, adamax, adagrad, adadelta, rmsprop (or an optimizer with a learningRate field)',
    );
  }
  return rate;
}

/** The rate the optimizer applies in its next update (the scheduled one while a schedule owns it). */
export function currentLearningRate(where: string, optimizer: tf.Optimizer): number {
  return claims.get(optimizer)?.current ?? learningRateOf(where, optimizer);
}

/**
 * Makes `owner` the schedule of `optimizer` and returns the optimizer's base rate. The first claim
 * records the base rate and makes the optimizer's `getConfig` report it (so `model.save` stores the
 * base rate, not the scheduled one of the moment, and a restored schedule continues from the
 * restored `iterations`). A later claim (a schedule re-attached with `setPlugins`) takes over.
 */
export function claimLearningRate(where: string, optimizer: tf.Optimizer, owner: object): number {
  let claim = claims.get(optimizer);
  if (!claim) {
    const base = learningRateOf(where, optimizer);
    claim = { base, owner, ownerName: where, current: base };
    claims.set(optimizer, claim);
    let reportsRate = false;
    try {
      reportsRate = 'learningRate' in optimizer.getConfig();
    } catch {
      // An optimizer without a config has no saved rate to keep right.
    }
    if (reportsRate) {
      const recorded = claim;
      const ownGetConfig = Object.getPrototypeOf(optimizer).getConfig as () => tf.serialization.ConfigDict;
      // An own property shadowing the class's method; releaseLearningRate deletes it.
      Object.defineProperty(optimizer, 'getConfig', {
        configurable: true,
        writable: true,
        value: function getConfig(this: tf.Optimizer) {
          return { ...ownGetConfig.call(this), learningRate: recorded.base };
        },
      });
    }
  }
  claim.owner = owner;
  claim.ownerName = where;
  return claim.base;
}

/**
 * Sets the rate of the next update. Throws when another schedule claimed the optimizer since
 * `owner` did: two schedules in one plugin list would overwrite each other.
 */
export function setLearningRate(where: string, optimizer: tf.Optimizer, owner: object, rate: number): void {
  const claim = claims.get(optimizer);
  if (!claim || claim.owner !== owner) {
    throw new Error(
      `${where}: another learning-rate schedule (${claim?.ownerName ?? 'unknown'}) also sets the rate of this optimizer; ` +
        'use one schedule per optimizer (combine phases in one learningRateSchedule(factorOf))',
    );
  }
  if (rate === claim.current) return;
  claim.current = rate;
  const holder = optimizer as unknown as RateHolder;
  if (typeof holder.setLearningRate === 'function') holder.setLearningRate(rate);
  else holder.learningRate = rate;
}

/** Gives the optimizer its base rate and its own `getConfig` back, if `owner` still owns it. */
export function releaseLearningRate(optimizer: tf.Optimizer, owner: object): void {
  const claim = claims.get(optimizer);
  if (!claim || claim.owner !== owner) return;
  claims.delete(optimizer);
  if (Object.prototype.hasOwnProperty.call(optimizer, 'getConfig')) delete (optimizer as { getConfig?: unknown }).getConfig;
  const holder = optimizer as unknown as RateHolder;
  if (claim.current === claim.base) return;
  if (typeof holder.setLearningRate === 'function') holder.setLearningRate(claim.base);
  else holder.learningRate = claim.base;
}
