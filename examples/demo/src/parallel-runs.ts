import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '@gs/backends';
import type { RunConfiguration } from './configuration.js';
import type { SplitOptions } from './digit-set.js';
import type { RunResult, StepRecord } from './run-configuration.js';

/** What the parent sends a worker process: one configuration to train, or `null` to exit. */
export interface WorkerTask {
  configuration: RunConfiguration | null;
}

/** What a worker process is set up with (sent once, first). */
export interface WorkerSetup {
  backend: BackendName;
  split: SplitOptions;
  steps: number;
  batchSize: number;
  every: number;
  /** Write TensorBoard logs under `<reportDirectory>/tensorboard/<configuration id>/`. */
  reportDirectory?: string;
}

/** Messages a worker sends back. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'step'; id: string; record: StepRecord }
  | { type: 'result'; result: RunResult }
  | { type: 'error'; message: string };

/** Options for `runInWorkers`. */
export interface ParallelRunOptions extends WorkerSetup {
  /** Number of worker processes. */
  jobs: number;
  onRunStart?: (configuration: RunConfiguration) => void;
  onStep?: (configuration: RunConfiguration, record: StepRecord) => void;
  onRunEnd?: (result: RunResult) => void;
}

const WORKER_SCRIPT = fileURLToPath(new URL('./demo-worker.js', import.meta.url));

/**
 * Trains configurations in `jobs` child processes, each with its own tfjs backend, handing the
 * next configuration to whichever worker is free. Software WebGPU (lavapipe) and wasm each keep
 * about one core busy per process, so two workers on a two-core machine roughly halve the demo's
 * time. Results come back in the order of `configurations`. Messages use structured cloning, so
 * NaN and Infinity survive.
 */
export async function runInWorkers(configurations: readonly RunConfiguration[], options: ParallelRunOptions): Promise<RunResult[]> {
  const queue = [...configurations];
  const results = new Map<string, RunResult>();
  const byId = new Map(configurations.map((configuration) => [configuration.id, configuration]));
  const setup: WorkerSetup = {
    backend: options.backend,
    split: options.split,
    steps: options.steps,
    batchSize: options.batchSize,
    every: options.every,
    ...(options.reportDirectory ? { reportDirectory: options.reportDirectory } : {}),
  };
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const child = fork(WORKER_SCRIPT, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let failed = false;
      const sendNext = () => {
        const configuration = queue.shift() ?? null;
        if (configuration) options.onRunStart?.(configuration);
        child.send({ configuration } satisfies WorkerTask);
      };
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') sendNext();
        else if (message.type === 'step') options.onStep?.(byId.get(message.id)!, message.record);
        else if (message.type === 'result') {
          results.set(message.result.configuration.id, message.result);
          options.onRunEnd?.(message.result);
          sendNext();
        } else {
          failed = true;
          reject(new Error(`demo worker failed: ${message.message}`));
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (failed) return;
        if (code === 0) resolve();
        else reject(new Error(`demo worker exited with code ${code}`));
      });
      child.send(setup);
    });
  const workers = Math.max(1, Math.min(options.jobs, configurations.length));
  await Promise.all(Array.from({ length: workers }, runWorker));
  return configurations.map((configuration) => results.get(configuration.id)!);
}
