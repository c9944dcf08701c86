// A child process of `runTasksInWorkers`: sets up its own backend and digits, then runs the tasks
// the parent hands it, one at a time, reporting losses and results over IPC.
import { setupBackend } from '@gs/backends';
import { type DigitTensors, uploadDigits } from './classifier-training.js';
import { loadMnist } from './mnist-node.js';
import { type SectionTask, runSectionTask } from './section-tasks.js';
import type { TaskWorkerMessage, TaskWorkerSetup } from './task-pool.js';

const send = (message: TaskWorkerMessage) => process.send!(message);
let data: DigitTensors | undefined;

process.on('message', (message: TaskWorkerSetup | { index: number; task?: SectionTask }) => {
  void handle(message).catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  });
});

async function handle(message: TaskWorkerSetup | { index: number; task?: SectionTask }): Promise<void> {
  if ('backend' in message) {
    await setupBackend(message.backend);
    data = uploadDigits(loadMnist(message.split));
    send({ type: 'ready' });
    return;
  }
  const { index, task } = message;
  if (!task) process.exit(0);
  const result = await runSectionTask(task, data!, (step, loss) => send({ type: 'progress', index, step, loss }));
  send({ type: 'result', index, result });
}
