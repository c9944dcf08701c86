// The tfjs-vis page: one run of the demo's configuration with the monitor drawing in the visor.
import { setupBackend } from '@gs/backends';
import { runConfiguration, type RunConfiguration } from '@gs/example-demo';
import { visorSink } from '@gs/monitor/tfjs-vis';
import { loadDigits } from './load-digits.js';

const status = document.getElementById('status')!;

async function main(): Promise<void> {
  const parameters = new URLSearchParams(location.search);
  const number = (name: string, fallback: number) => Number(parameters.get(name) ?? fallback);
  const backend = await setupBackend('auto', { wasmPaths: import.meta.env.BASE_URL });
  document.getElementById('backend')!.textContent = backend.backend;
  document.getElementById('backend-reason')!.textContent = `(${backend.reason})`;
  document.body.dataset.backend = backend.backend;
  const data = await loadDigits();
  const configuration: RunConfiguration = {
    id: 'visor',
    title: 'visor',
    scenario: 'vanishing',
    depth: number('depth', 12),
    width: 64,
    activation: (parameters.get('activation') ?? 'sigmoid') as RunConfiguration['activation'],
    initializer: (parameters.get('initializer') ?? 'default') as RunConfiguration['initializer'],
    normalization: 'none',
    residual: 'none',
    optimizer: 'sgd',
    learningRate: 0.1,
    clipping: [],
    seed: 1,
  };
  const steps = number('steps', 40);
  const sink = visorSink();
  status.textContent = `training a ${configuration.depth}-layer ${configuration.activation} MLP for ${steps} steps…`;
  const result = await runConfiguration(configuration, {
    steps,
    batchSize: 64,
    every: number('every', 2),
    train: data.train,
    test: data.test,
    sinks: [sink],
    onStep: (record) => (status.textContent = `step ${record.step + 1}/${steps} · loss ${record.loss.toFixed(4)}`),
  });
  await sink.drawn();
  status.textContent = `done · test accuracy ${(result.testAccuracy * 100).toFixed(1)} % · ${result.events.length} detector events`;
  status.dataset.state = 'done';
}

main().catch((error: Error) => {
  status.textContent = `error: ${error.message}`;
  status.dataset.state = 'error';
});
