// A child process of `runInWorkers`: sets up its own backend and digits, then trains the
// configurations the parent hands it, one at a time, reporting steps and results over IPC.
import { setupBackend } from '@gs/backends';
import { loadMnist } from './mnist-node.js';
import type { WorkerMessage, WorkerSetup, WorkerTask } from './parallel-runs.js';
import { runConfiguration } from './run-configuration.js';
import { tensorBoardSinks } from './tensorboard-logs.js';
import type { DigitSplit } from './digit-set.js';

const send = (message: WorkerMessage) => process.send!(message);
let setup: WorkerSetup | undefined;
let data: DigitSplit | undefined;

process.on('message', (message: WorkerSetup | WorkerTask) => {
  void handle(message).catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  });
});

async function handle(message: WorkerSetup | WorkerTask): Promise<void> {
  if (!('configuration' in message)) {
    setup = message;
    await setupBackend(setup.backend);
    data = loadMnist(setup.split);
    send({ type: 'ready' });
    return;
  }
  const { configuration } = message;
  if (!configuration) {
    process.exit(0);
  }
  const result = await runConfiguration(configuration, {
    steps: setup!.steps,
    batchSize: setup!.batchSize,
    every: setup!.every,
    train: data!.train,
    test: data!.test,
    onStep: (record) => send({ type: 'step', id: configuration.id, record }),
    sinks: tensorBoardSinks(setup!.reportDirectory, configuration),
  });
  send({ type: 'result', result });
}
