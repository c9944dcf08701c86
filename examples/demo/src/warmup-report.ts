import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './charts.js';
import { formatNumber } from './report-writer.js';
import type { WarmupCaseResult } from './warmup-case.js';

/** Training loss per step of the warmup case's runs (non-finite losses are left out). */
export function warmupLossChart(result: WarmupCaseResult): TopLevelSpec {
  const values = result.runs.flatMap((run) =>
    run.losses.map((loss, step) => ({ step, loss: Number.isFinite(loss) ? Math.min(loss, 1e6) : null, run: run.title })).filter((point) => point.loss !== null),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Post-norm residual MLP (${result.size.depth} blocks × ${result.size.width}): training loss`,
      subtitle: 'same seed, same batches; the only difference is the warmup plugin',
    },
    width: 480,
    height: 260,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'loss', type: 'quantitative', scale: { type: 'symlog' }, title: 'training loss (symlog)' },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 360 } },
    },
  };
}

/** The learning rate each step of the warmup case's runs used. */
export function warmupRateChart(result: WarmupCaseResult): TopLevelSpec {
  const values = result.runs.flatMap((run) => run.learningRates.map((rate, step) => ({ step, rate, run: run.title })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Learning rate per step', subtitle: 'as recorded by warmup() (warmup/learningRate)' },
    width: 480,
    height: 160,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'rate', type: 'quantitative', title: 'learning rate', axis: { format: '.0e' } },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 360 } },
    },
  };
}

/** The warmup case's results as a Markdown table. */
export function warmupTable(result: WarmupCaseResult): string {
  const rows = result.runs.map(
    (run) =>
      `| ${run.title} | ${formatNumber(run.losses[0]!)} | ${formatNumber(run.maxLoss)} | ${formatNumber(run.finalLoss)} | ${(run.testAccuracy * 100).toFixed(1)} % | ${run.seconds.toFixed(0)} s |`,
  );
  return ['| run | first loss | max loss | final loss | test accuracy | time |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/**
 * Writes the warmup case's charts into `directory/charts`, its numbers to
 * `directory/warmup-case.json`, and appends its section to `directory/report.md`.
 */
export async function writeWarmupSection(directory: string, result: WarmupCaseResult): Promise<string[]> {
  const charts = join(directory, 'charts');
  await mkdir(charts, { recursive: true });
  await writeFile(join(charts, 'warmup-loss.svg'), await renderSvg(warmupLossChart(result)));
  await writeFile(join(charts, 'warmup-learning-rate.svg'), await renderSvg(warmupRateChart(result)));
  await writeFile(join(directory, 'warmup-case.json'), JSON.stringify(result, null, 1));
  const { size } = result;
  const section = `
## Warmup: a post-norm network that Adam breaks at a common learning rate

A residual MLP in the original Transformer's post-norm layout, \`x ← LayerNorm(x + W₂·relu(W₁·x))\`,
${size.depth} blocks of ${size.width} units, on standardized digits: Adam at ${size.learningRate}, ${size.steps} steps of batch
${size.batchSize}. The second run adds one plugin, \`warmup({ steps: ${size.warmupSteps} })\` from \`@gs/optim\`, which ramps
Adam's own rate linearly from 0 over the first ${size.warmupSteps} updates (the rate is set from the host step
count; nothing is read back). Adam moves every weight by about the learning rate from its very
first step, whatever the gradient's size; a ${size.width}-wide layer adds up hundreds of such moves, and
the LayerNorm after each residual sum passes the jump on to every later block — so the early
steps wreck the network. Warmup keeps the first steps small while Adam's second-moment estimates
settle (Liu et al. 2020, RAdam; Xiong et al. 2020, on post-LN Transformers).

${warmupTable(result)}

![](charts/warmup-loss.svg)

![](charts/warmup-learning-rate.svg)
`;
  await appendFile(join(directory, 'report.md'), section);
  return ['charts/warmup-loss.svg', 'charts/warmup-learning-rate.svg', 'warmup-case.json'];
}
