import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '@gs/backends';
import type { SplitOptions } from './digit-set.js';
import type { SectionTask, SectionTaskResult } from './section-tasks.js';

/** What a task worker is set up with (sent once, first). */
export interface TaskWorkerSetup {
  backend: BackendName;
  split: SplitOptions;
}

/** Messages a task worker sends back. */
export type TaskWorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; index: number; step: number; loss: number }
  | { type: 'result'; index: number; result: SectionTaskResult }
  | { type: 'error'; message: string };

/** Options of `runTasksInWorkers`. */
export interface TaskPoolOptions extends TaskWorkerSetup {
  jobs: number;
  onStart?: (task: SectionTask, index: number) => void;
  onProgress?: (task: SectionTask, step: number, loss: number) => void;
  onResult?: (task: SectionTask, result: SectionTaskResult, index: number) => void;
}

const WORKER_SCRIPT = fileURLToPath(new URL('./task-worker.js', import.meta.url));

/**
 * Runs the atlas, depth-record, sequence and sweep tasks in `jobs` child processes (each sets up
 * its own backend and digits), handing the next task to whichever is free; results come back in
 * task order. The same idea as `runInWorkers` for the main table, for tasks of any section.
 */
export async function runTasksInWorkers(tasks: readonly SectionTask[], options: TaskPoolOptions): Promise<SectionTaskResult[]> {
  const results: SectionTaskResult[] = new Array(tasks.length);
  let next = 0;
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const child = fork(WORKER_SCRIPT, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let failed = false;
      const sendNext = () => {
        const index = next < tasks.length ? next++ : -1;
        if (index >= 0) options.onStart?.(tasks[index]!, index);
        child.send(index >= 0 ? { index, task: tasks[index] } : { index: -1 });
      };
      child.on('message', (message: TaskWorkerMessage) => {
        if (message.type === 'ready') sendNext();
        else if (message.type === 'progress') options.onProgress?.(tasks[message.index]!, message.step, message.loss);
        else if (message.type === 'result') {
          results[message.index] = message.result;
          options.onResult?.(tasks[message.index]!, message.result, message.index);
          sendNext();
        } else {
          failed = true;
          reject(new Error(`task worker failed: ${message.message}`));
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (failed) return;
        if (code === 0) resolve();
        else reject(new Error(`task worker exited with code ${code}`));
      });
      child.send({ backend: options.backend, split: options.split } satisfies TaskWorkerSetup);
    });
  const workers = Math.max(1, Math.min(options.jobs, tasks.length));
  await Promise.all(Array.from({ length: workers }, runWorker));
  return results;
}
