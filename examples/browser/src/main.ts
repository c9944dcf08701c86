import { setupBackend } from '@gs/backends';
import { runAtlasView } from './atlas-view.js';
import { runDepthView } from './depth-view.js';
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
  BROWSER_ATLAS_PLAN,
  runConfiguration,
  uploadDigits,
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

/** Writes the controls into the URL (replacing the history entry), so a configuration can be shared as a link. */
function saveUrlParameters(extra: Record<string, string> = {}): void {
  const parameters = new URLSearchParams();
  new FormData(form).forEach((value, name) => parameters.set(name, String(value)));
  for (const [name, value] of Object.entries(extra)) parameters.set(name, value);
  history.replaceState(null, '', `${location.pathname}?${parameters}`);
  byId<HTMLAnchorElement>('share').href = location.href;
}

/** Finished runs shown side by side: the loss and per-layer charts overlay them, heat-maps sit next to each other. */
const compared: RunResult[] = [];

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
  const runs = [...compared, partial];
  const [loss, heatmaps, layerNorms] = await Promise.all([
    renderSvg(lossChart('training loss', runs)),
    Promise.all(runs.map((run) => renderSvg(gradientHeatmapChart(run)))),
    renderSvg(layerNormsChart('gradient norm per layer', runs)),
  ]);
  byId('loss-chart').innerHTML = loss;
  byId('heatmap-chart').innerHTML = heatmaps.map((svg) => `<div class="heatmap">${svg}</div>`).join('');
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
  delete status.dataset.state;
  byId('events').replaceChildren();
  try {
    const { configuration, steps } = readConfiguration();
    saveUrlParameters();
    // Titles tell compared runs apart; the same title twice gets a counter.
    const repeats = compared.filter((run) => run.configuration.title.startsWith(configuration.title)).length;
    if (repeats > 0) configuration.title = `${configuration.title} (#${repeats + 1})`;
    configuration.id = `browser-${compared.length + 1}`;
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
    compared.push(result);
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
  byId('clear').addEventListener('click', () => {
    compared.length = 0;
    for (const id of ['loss-chart', 'heatmap-chart', 'layer-chart']) byId(id).replaceChildren();
  });
  byId<HTMLButtonElement>('train').disabled = false;
  const view = new URLSearchParams(location.search).get('view');
  byId<HTMLButtonElement>('atlas-start').addEventListener('click', () => void showAtlas(data));
  byId<HTMLButtonElement>('depth-start').addEventListener('click', () => void showDepth(data));
  const diagnosing = mountDiagnoseView(byId('diagnose'), data.train);
  if (autostart && view === 'atlas') await showAtlas(data);
  else if (autostart && view === 'depth') await showDepth(data);
  else if (autostart) await train(data);
  await diagnosing;
}

/** The atlas view: the phase diagram filled in cell by cell on this page's backend. */
async function showAtlas(data: { train: DigitSet; test: DigitSet }): Promise<void> {
  // ?atlasSteps=…&atlasMaxDepth=… shrink the live atlas (the browser test uses a small one). Read
  // before the URL is rewritten from the form, and kept in it so the shared link shows the same atlas.
  const parameters = new URLSearchParams(location.search);
  const sizes = Object.fromEntries(['atlasSteps', 'atlasMaxDepth'].flatMap((name) => (parameters.has(name) ? [[name, parameters.get(name)!]] : [])));
  saveUrlParameters({ view: 'atlas', ...sizes });
  const tensors = uploadDigits(data);
  try {
    const maxDepth = Number(sizes.atlasMaxDepth ?? Infinity);
    const plan = {
      ...BROWSER_ATLAS_PLAN,
      steps: Number(sizes.atlasSteps ?? BROWSER_ATLAS_PLAN.steps),
      depths: BROWSER_ATLAS_PLAN.depths.filter((depth) => depth <= maxDepth),
    };
    await runAtlasView(tensors, byId('atlas-chart'), byId('atlas-status'), plan);
  } catch (error) {
    byId('atlas-status').textContent = `error: ${(error as Error).message}`;
    byId('atlas-status').dataset.state = 'error';
  } finally {
    tensors.dispose();
  }
}

/** The depth view: plain tanh at criticality vs tfjs's default vs ReZero, at the depth of the form. */
async function showDepth(data: { train: DigitSet; test: DigitSet }): Promise<void> {
  saveUrlParameters({ view: 'depth' });
  const tensors = uploadDigits(data);
  const values = new FormData(form);
  try {
    await runDepthView(
      tensors,
      { accuracy: byId('depth-accuracy-chart'), loss: byId('depth-loss-chart'), status: byId('depth-status') },
      { depth: Number(values.get('depth')), steps: Number(values.get('steps')), width: 32 },
    );
  } catch (error) {
    byId('depth-status').textContent = `error: ${(error as Error).message}`;
    byId('depth-status').dataset.state = 'error';
  } finally {
    tensors.dispose();
  }
}

main().catch((error: Error) => {
  status.textContent = `error: ${error.message}`;
  status.dataset.state = 'error';
});
