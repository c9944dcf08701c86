import type { BackendChoice } from '@gs/backends';
import { type DemoSize, type RunConfiguration, demoConfigurations } from './configuration.js';
import type { DigitSplit } from './digit-set.js';
import { type LearningRateSweep, applyLearningRates } from './learning-rate-sweep.js';
import { runInWorkers } from './parallel-runs.js';
import { type RunResult, type StepRecord, runConfiguration } from './run-configuration.js';
import { type SigmoidCurve, matrixProductNorms, sigmoidCurve } from './seed-figures.js';
import { TENSORBOARD_FOLDER, tensorBoardSinks } from './tensorboard-logs.js';

/** Everything one demo run produced (also what `results.json` holds). */
export interface DemoResult {
  backend: BackendChoice;
  size: DemoSize;
  sigmoid: SigmoidCurve;
  /** Norm per step of the product of 4×4 matrices, by kind of matrix. */
  matrixProducts: Record<string, number[]>;
  runs: RunResult[];
  seconds: number;
  /** The folder (relative to the report) with one TensorBoard run per configuration, when written. */
  tensorBoard?: string;
  /** The learning-rate sweep the configurations' rates came from, when there was one. */
  sweep?: LearningRateSweep;
}

/** Options for `runDemo`. */
export interface DemoOptions {
  backend: BackendChoice;
  size: DemoSize;
  data: DigitSplit;
  /** Run only these configurations (ids); default all. */
  only?: readonly string[];
  /** Record gradient norms every `every` steps. Default: about 20 records per run. */
  every?: number;
  /**
   * Train the configurations in this many child processes (Node only; each sets up the same
   * backend and digits as this one). Default 1: everything in this process, using `data`.
   */
  jobs?: number;
  /** Called before each configuration starts. */
  onRunStart?: (configuration: RunConfiguration, index: number, total: number) => void;
  /** Called after every training step. */
  onStep?: (configuration: RunConfiguration, record: StepRecord) => void;
  /** Called when a configuration finished. */
  onRunEnd?: (result: RunResult) => void;
  /** Write TensorBoard logs of every configuration under `<reportDirectory>/tensorboard/<configuration id>/`. */
  reportDirectory?: string;
  /** Train each configuration with the learning rate this sweep chose for it. */
  sweep?: LearningRateSweep;
}

/** Runs the seed figures and every configuration; the backend must already be set up. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const { size, data } = options;
  const sigmoid = await sigmoidCurve();
  const matrixProducts = {
    'N(0, 1) entries': await matrixProductNorms({ kind: 'normal' }),
    'orthogonal': await matrixProductNorms({ kind: 'orthogonal' }),
    'N(0, 1/4) entries (variance-scaled)': await matrixProductNorms({ kind: 'varianceScaled' }),
  };
  const configurations = applyLearningRates(demoConfigurations(size), options.sweep).filter(
    (configuration) => !options.only || options.only.includes(configuration.id),
  );
  const every = options.every ?? Math.max(1, Math.round(size.steps / 20));
  const runs: RunResult[] = [];
  if ((options.jobs ?? 1) > 1) {
    let started = 0;
    runs.push(
      ...(await runInWorkers(configurations, {
        jobs: options.jobs!,
        backend: options.backend.backend,
        split: { train: size.trainImages, test: size.testImages },
        steps: size.steps,
        batchSize: size.batchSize,
        every,
        ...(options.reportDirectory ? { reportDirectory: options.reportDirectory } : {}),
        onRunStart: (configuration) => options.onRunStart?.(configuration, started++, configurations.length),
        onStep: options.onStep,
        onRunEnd: options.onRunEnd,
      })),
    );
  } else {
    for (const [index, configuration] of configurations.entries()) {
      options.onRunStart?.(configuration, index, configurations.length);
      const result = await runConfiguration(configuration, {
        steps: size.steps,
        batchSize: size.batchSize,
        every,
        train: data.train,
        test: data.test,
        onStep: (record) => options.onStep?.(configuration, record),
        sinks: tensorBoardSinks(options.reportDirectory, configuration),
      });
      runs.push(result);
      options.onRunEnd?.(result);
    }
  }
  return {
    backend: options.backend,
    size,
    sigmoid,
    matrixProducts,
    runs,
    seconds: (performance.now() - started) / 1000,
    ...(options.reportDirectory ? { tensorBoard: TENSORBOARD_FOLDER } : {}),
    ...(options.sweep ? { sweep: options.sweep } : {}),
  };
}
