import * as tf from '@tensorflow/tfjs';

/**
 * How core's `fit` callbacks reach a `StabilizedOptimizer` (found on `model.optimizer` by this
 * key, so two copies of `@gs/core` still understand each other).
 */
export const FIT_PROTOCOL = Symbol.for('gradient-stability.fitProtocol');

/** What a stabilized optimizer offers the `fit` callbacks. */
export interface FitProtocol {
  /**
   * Resolves once the reports of every step up to `behind` steps before the latest one have been
   * delivered; rejects with the first plugin error.
   */
  waitForReports(behind: number): Promise<void>;
  /** The model `fit` is training, so that `report.stopTraining` can stop it. */
  setTrainingModel(model: tf.LayersModel | undefined): void;
}

/**
 * How many steps a report may lag behind the batch `fit` is at before the automatic callback
 * waits for it: a plugin error or stop request from step `n`'s report ends `fit` after batch
 * `n + AUTOMATIC_REPORT_LAG` at the latest, on every backend, whatever callbacks are passed.
 * One step of lag lets the device run the next step while the previous one is read back.
 */
export const AUTOMATIC_REPORT_LAG = 1;

function protocolOf(model: tf.LayersModel | undefined): FitProtocol | undefined {
  const optimizer = model?.optimizer as unknown as Record<symbol, unknown> | undefined;
  const protocol = optimizer?.[FIT_PROTOCOL];
  return typeof protocol === 'function' ? (protocol as () => FitProtocol).call(optimizer) : undefined;
}

/**
 * The callback tfjs adds to every `fit`/`fitDataset` (registered with
 * `tf.registerCallbackConstructor` at verbosity 0, so it runs whatever `callbacks` and `verbose`
 * the caller passes). When the model's optimizer is a `StabilizedOptimizer` it waits, at each
 * batch end, for reports more than `AUTOMATIC_REPORT_LAG` steps old, and for every report at each
 * epoch end and at the end of training. Waiting on a readback also lets the event loop turn,
 * which `fit` alone does not do on WebGPU when only tfjs's own callbacks are passed.
 */
class StabilizedFitWatcher extends tf.Callback {
  private protocol?: FitProtocol;

  override async onTrainBegin(): Promise<void> {
    this.protocol = protocolOf(this.model);
    this.protocol?.setTrainingModel(this.model);
  }

  override async onBatchEnd(): Promise<void> {
    await this.protocol?.waitForReports(AUTOMATIC_REPORT_LAG);
  }

  override async onEpochEnd(): Promise<void> {
    await this.protocol?.waitForReports(0);
  }

  override async onTrainEnd(): Promise<void> {
    await this.protocol?.waitForReports(0);
  }
}

tf.registerCallbackConstructor(0, StabilizedFitWatcher);

/**
 * The callback `StabilizedOptimizer#fitCallback()` returns: it waits for each batch's report
 * before the next batch starts. It is a tfjs callback whose hooks are bound to it, so it also works
 * when tfjs wraps it in a `CustomCallback` (which tfjs does to every entry of a callbacks array
 * whose first entry is a plain object).
 */
export class FitCallback extends tf.Callback {
  constructor(private readonly protocol: FitProtocol) {
    super();
    this.onBatchEnd = this.onBatchEnd.bind(this);
    this.onEpochEnd = this.onEpochEnd.bind(this);
    this.onTrainEnd = this.onTrainEnd.bind(this);
  }

  /** Waits for every report up to this batch's step; rejects with the first plugin error. */
  override async onBatchEnd(): Promise<void> {
    await this.protocol.waitForReports(0);
  }

  /** Waits for every report of the epoch. */
  override async onEpochEnd(): Promise<void> {
    await this.protocol.waitForReports(0);
  }

  /** Waits for every report of the run. */
  override async onTrainEnd(): Promise<void> {
    await this.protocol.waitForReports(0);
  }
}
