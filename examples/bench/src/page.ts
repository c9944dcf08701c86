// The bench page: the same stack benchmark as the Node bench, in the browser (WebGPU when the
// browser gives an adapter, else wasm). scripts/browser-bench.js drives it in headless Chromium.
import { setupBackend } from '@gs/backends';
import { reluMlp } from './models.js';
import { benchVariants, formatTable, type BenchTable } from './stack-bench.js';
import { modelTable, stackTable } from './stack-variants.js';

declare global {
  interface Window {
    /** The finished table (read by scripts/browser-bench.js), or the error message. */
    benchResult?: { table?: BenchTable; text?: string; error?: string };
  }
}

const byId = (id: string) => document.getElementById(id)!;

function positiveIntegerParameter(parameters: URLSearchParams, name: string, fallback: number): number {
  const raw = parameters.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`URL parameter ${name} must be a positive integer, got '${raw}'`);
  return value;
}

async function run(): Promise<void> {
  const parameters = new URLSearchParams(location.search);
  const rounds = positiveIntegerParameter(parameters, 'rounds', 3);
  const depth = positiveIntegerParameter(parameters, 'depth', 20);
  const width = positiveIntegerParameter(parameters, 'width', 256);
  const which = parameters.get('variants') ?? 'stack';
  if (which !== 'stack' && which !== 'all') throw new Error(`URL parameter variants must be 'stack' or 'all', got '${which}'`);
  const choice = await setupBackend('auto');
  byId('backend').textContent = `${choice.backend} — ${choice.reason}`;
  document.body.dataset.backend = choice.backend;
  const table = await benchVariants(reluMlp({ depth, width }), which === 'all' ? stackTable : modelTable, { rounds });
  const text = formatTable(table);
  byId('table').textContent = text;
  byId('status').textContent = `done: median of ${rounds} rounds × 10 steps per variant, each between two runs of the bare step`;
  window.benchResult = { table, text };
}

run().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  byId('status').textContent = `failed: ${message}`;
  window.benchResult = { error: message };
});
