import { setupBackend } from '@gs/backends';
import {
  CLASSES,
  type ClippingName,
  type DetectorEvent,
  type DigitSet,
  type RunConfiguration,
  type RunResult,
  type StepRecord,
  gradientHeatmapChart,
  layerNormsChart,
  lossChart,
  renderSvg,
  runConfiguration,
} from '@gs/example-demo';
import { loadDigits } from './load-digits.js';
import { mountDiagnoseView } from './diagnose-view.js';

const BATCH_SIZE = 64;
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('controls');
const status = byId('status');

/** Presets the controls from the URL (?depth=10&activation=relu&steps=20&autostart=1). */
function applyUrlParameters(): boolean {
  const parameters = new URLSearchParams(location.search);
  for (const [name, value] of parameters) {
    const control = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (control) control.value = value;
  }
  return parameters.get('autostart') === '1';
}

function readConfiguration(): { configuration: RunConfiguration; steps: number } {
  const values = new FormData(form);
  const text = (name: string) => String(values.get(name) ?? '');
  const number = (name: string) => {
    const value = Number(text(name));
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got '${text(name)}'`);
    return value;
  };
  const clipping = text('clipping');
  const configuration: RunConfiguration = {
    id: 'browser',
    title: `${text('activation')}, ${text('initializer')} init, depth ${number('depth')}`,
    scenario: text('initializer') === 'normal' ? 'exploding' : 'vanishing',
    depth: Math.round(number('depth')),
    width: 64,
    activation: text('activation') as RunConfiguration['activation'],
    initializer: text('initializer') as RunConfiguration['initializer'],
    normalization: text('normalization') as RunConfiguration['normalization'],
    residual: text('residual') as RunConfiguration['residual'],
    optimizer: text('optimizer') as RunConfiguration['optimizer'],
    learningRate: number('learningRate'),
    clipping: clipping ? [clipping as ClippingName] : [],
    seed: 1,
  };
  return { configuration, steps: Math.round(number('steps')) };
}

async function drawCharts(configuration: RunConfiguration, layers: string[], history: StepRecord[]): Promise<void> {
  const partial = {
    configuration,
    layers,
    history,
    events: [],
  } as unknown as RunResult;
  const [loss, heatmap, layerNorms] = await Promise.all([
    renderSvg(lossChart('training loss', [partial])),
    renderSvg(gradientHeatmapChart(partial)),
    renderSvg(layerNormsChart('gradient norm per layer', [partial])),
  ]);
  byId('loss-chart').innerHTML = loss;
  byId('heatmap-chart').innerHTML = heatmap;
  byId('layer-chart').innerHTML = layerNorms;
}

function showEvent(event: DetectorEvent): void {
  const item = document.createElement('li');
  item.textContent = `step ${event.step} · ${event.kind}${event.layer ? ` · ${event.layer}` : ''}: ${event.message}`;
  byId('events').append(item);
}

async function train(data: { train: DigitSet; test: DigitSet }): Promise<void> {
  const button = byId<HTMLButtonElement>('train');
  button.disabled = true;
  byId('events').replaceChildren();
  try {
    const { configuration, steps } = readConfiguration();
    const history: StepRecord[] = [];
    let lastDraw = 0;
    status.textContent = `training ${configuration.title}…`;
    const result = await runConfiguration(configuration, {
      steps,
      batchSize: BATCH_SIZE,
      every: 2,
      train: data.train,
      test: data.test,
      onEvent: showEvent,
      onStep: (record) => {
        history.push(record);
        status.textContent = `step ${record.step + 1}/${steps} · loss ${record.loss.toFixed(4)}`;
        if (performance.now() - lastDraw > 1000 && record.kernelGradientNorms) {
          lastDraw = performance.now();
          void drawCharts(configuration, [], history.slice());
        }
      },
    });
    await drawCharts(configuration, result.layers, result.history);
    status.textContent =
      `done · test accuracy ${(result.testAccuracy * 100).toFixed(1)} % (chance ${100 / CLASSES} %) · ` +
      `final loss ${result.finalLoss.toFixed(4)} · ${result.events.length} detector events · ${result.seconds.toFixed(1)} s`;
    status.dataset.state = 'done';
  } catch (error) {
    status.textContent = `error: ${(error as Error).message}`;
    status.dataset.state = 'error';
  } finally {
    button.disabled = false;
  }
}

async function main(): Promise<void> {
  const autostart = applyUrlParameters();
  const backend = await setupBackend('auto', { wasmPaths: import.meta.env.BASE_URL });
  byId('backend').textContent = backend.backend;
  byId('backend-reason').textContent = `(${backend.reason})`;
  document.body.dataset.backend = backend.backend;
  const data = await loadDigits();
  status.textContent = `ready · ${data.train.count} training / ${data.test.count} test digits`;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void train(data);
  });
  byId<HTMLButtonElement>('train').disabled = false;
  const diagnosing = mountDiagnoseView(byId('diagnose'), data.train);
  if (autostart) await train(data);
  await diagnosing;
}

main().catch((error: Error) => {
  status.textContent = `error: ${error.message}`;
  status.dataset.state = 'error';
});
