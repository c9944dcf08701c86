// The "Diagnose a broken model" section: builds one of four broken MLPs on the digits, runs
// diagnose() from @gs/monitor (the monitored trial, then the top remedies on fresh copies) and shows
// the verdict and the ranked table. The remedy packages are bundled here and passed to diagnose.
import * as tf from '@tensorflow/tfjs';
import * as clipping from '@gs/clipping';
import * as initializers from '@gs/initializers';
import * as normalization from '@gs/normalization';
import * as optim from '@gs/optim';
import { CLASSES, PIXELS, type DigitSet } from '@gs/example-demo';
import { diagnose, type DiagnoseResult, type DiagnoseTrial } from '@gs/monitor';

/** A broken model of the section: how to build it and train it. */
interface BrokenModel {
  title: string;
  build(): tf.LayersModel;
  optimizer(): tf.Optimizer;
}

function mlp(depth: number, activation: 'sigmoid' | 'relu', kernel: () => ReturnType<typeof tf.initializers.zeros>, bias = 0): tf.LayersModel {
  const model = tf.sequential();
  for (let i = 0; i < depth; i++) {
    model.add(
      tf.layers.dense({
        units: 32,
        activation,
        kernelInitializer: kernel(),
        biasInitializer: tf.initializers.constant({ value: bias }),
        ...(i === 0 ? { inputShape: [PIXELS] } : {}),
      }),
    );
  }
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax' }));
  return model;
}

/** The broken models to choose from (the same pathologies as the monitor's test corpus). */
export const BROKEN_MODELS: Record<string, BrokenModel> = {
  sigmoid: {
    title: '10 sigmoid layers, default init, SGD 0.1 (vanishing gradients)',
    build: () => mlp(10, 'sigmoid', () => tf.initializers.glorotNormal({})),
    optimizer: () => tf.train.sgd(0.1),
  },
  normal: {
    title: '8 ReLU layers with N(0, 1) weights, SGD 1e-3 (exploding gradients)',
    build: () => mlp(8, 'relu', () => tf.initializers.randomNormal({ mean: 0, stddev: 1 })),
    optimizer: () => tf.train.sgd(1e-3),
  },
  dead: {
    title: '6 ReLU layers whose biases are −3, Adam 1e-3 (dead units)',
    build: () => mlp(6, 'relu', () => tf.initializers.heNormal({}), -3),
    optimizer: () => tf.train.adam(1e-3),
  },
  learningRate: {
    title: '6 ReLU layers with He init, SGD at learning rate 3 (learning rate too high)',
    build: () => mlp(6, 'relu', () => tf.initializers.heNormal({})),
    optimizer: () => tf.train.sgd(3),
  },
};

/** `rows` digits from `start` as tensors: pixels in [0, 1], one-hot labels. */
function digits(set: DigitSet, start: number, rows: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => ({
    xs: tf.tensor2d(set.images.subarray(start * PIXELS, (start + rows) * PIXELS), [rows, PIXELS]),
    ys: tf.oneHot(tf.tensor1d(set.labels.subarray(start, start + rows), 'int32'), CLASSES).toFloat() as tf.Tensor2D,
  }));
}

const percent = (value: number | undefined) => (value === undefined ? '–' : `${(100 * value).toFixed(1)} %`);
const number = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(3)).toString() : String(value));

function cell(row: HTMLTableRowElement, text: string, tag: 'td' | 'th' = 'td', code = false): void {
  const element = document.createElement(tag);
  if (code) {
    const inner = document.createElement('code');
    inner.textContent = text;
    element.append(inner);
  } else {
    element.textContent = text;
  }
  row.append(element);
}

function renderTable(result: DiagnoseResult): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'diagnosis';
  const header = table.createTHead().insertRow();
  for (const title of ['rank', 'remedy', 'call', 'loss before → after', 'accuracy before → after', 'verdict', 'events']) cell(header, title, 'th');
  const body = table.createTBody();
  const add = (rank: string, trial: DiagnoseTrial) => {
    const row = body.insertRow();
    row.dataset.trains = String(trial.trains);
    cell(row, rank);
    cell(row, trial.remedy?.action ?? 'none (the model as given)');
    cell(row, trial.call, 'td', true);
    cell(row, `${number(trial.lossBefore)} → ${number(trial.lossAfter)}`);
    cell(row, `${percent(trial.accuracyBefore)} → ${percent(trial.accuracyAfter)}`);
    cell(row, trial.verdict);
    cell(row, trial.events.slice(0, 3).join(', ') || 'none');
  };
  add('–', result.baseline);
  result.trials.forEach((trial, i) => add(String(i + 1), trial));
  return table;
}

/**
 * Mounts the section in `container` (which holds a `select#diagnose-model`, a
 * `button#diagnose-run`, `#diagnose-status` and `#diagnose-result`). URL parameters:
 * `diagnose=<model>`, `diagnoseSteps=<n>` (default 20), `diagnoseRemedies=<n>` (default 3), `diagnoseAutostart=1`.
 */
export function mountDiagnoseView(container: HTMLElement, train: DigitSet): Promise<void> | undefined {
  const select = container.querySelector<HTMLSelectElement>('#diagnose-model')!;
  const button = container.querySelector<HTMLButtonElement>('#diagnose-run')!;
  const status = container.querySelector<HTMLElement>('#diagnose-status')!;
  const output = container.querySelector<HTMLElement>('#diagnose-result')!;
  for (const [id, model] of Object.entries(BROKEN_MODELS)) select.add(new Option(model.title, id));
  const parameters = new URLSearchParams(location.search);
  if (parameters.get('diagnose') && parameters.get('diagnose')! in BROKEN_MODELS) select.value = parameters.get('diagnose')!;
  const count = (name: string, fallback: number) => Math.max(1, Math.round(Number(parameters.get(name) ?? fallback)) || fallback);
  const steps = count('diagnoseSteps', 20);
  const remedies = count('diagnoseRemedies', 3);

  const run = async () => {
    button.disabled = true;
    output.replaceChildren();
    delete status.dataset.state;
    const broken = BROKEN_MODELS[select.value]!;
    const model = broken.build();
    const data = digits(train, 0, 512);
    const validation = digits(train, 512, 256);
    try {
      const result = await diagnose(model, data, {
        steps,
        batchSize: 64,
        remedies,
        loss: 'categoricalCrossentropy',
        optimizer: broken.optimizer,
        validation,
        packages: { initializers, normalization, clipping, optim },
        onProgress: (line) => (status.textContent = line),
      });
      const verdict = document.createElement('p');
      verdict.id = 'diagnose-verdict';
      verdict.textContent = `verdict: ${result.verdict}${result.summary.layer ? ` at ${result.summary.layer}` : ''} — ${result.summary.evidence ?? ''}`;
      output.append(verdict, renderTable(result));
      const notes = document.createElement('ul');
      for (const skipped of result.skipped.filter((entry) => !entry.reason.startsWith('beyond'))) {
        const item = document.createElement('li');
        item.textContent = `not tried: ${skipped.remedy.action} — ${skipped.reason}`;
        notes.append(item);
      }
      output.append(notes);
      status.textContent = result.best
        ? `best: ${result.best.call} — loss ${number(result.baseline.lossAfter)} → ${number(result.best.lossAfter)} after ${steps} steps`
        : 'none of the remedies tried trains clearly better';
      status.dataset.state = 'done';
    } catch (error) {
      status.textContent = `error: ${(error as Error).message}`;
      status.dataset.state = 'error';
    } finally {
      model.dispose();
      tf.dispose([data.xs, data.ys, validation.xs, validation.ys]);
      button.disabled = false;
    }
  };
  button.addEventListener('click', () => void run());
  button.disabled = false;
  return parameters.get('diagnoseAutostart') === '1' ? run() : undefined;
}
