import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSvg } from './charts.js';
import { overlayCurvesSpec } from './comparison-charts.js';
import { formatNumber } from './report-writer.js';
import type { SequencePlan, SequenceRun } from './sequence-case.js';

/** The sequence-case table in Markdown. */
export function sequenceTable(runs: readonly SequenceRun[]): string {
  const rows = runs.map((run) => {
    const first = run.timestepGradientNorms[0]!;
    const last = run.timestepGradientNorms[run.timestepGradientNorms.length - 1]!;
    const norms = run.gradientNorms.map((point) => point.norm).filter((norm) => !Number.isNaN(norm));
    return [
      run.title,
      formatNumber(first),
      formatNumber(last),
      formatNumber(norms.length ? Math.max(...norms) : Number.NaN),
      formatNumber(run.testMse),
      run.nonFinite ? 'yes' : 'no',
      `${run.steps} steps, ${run.seconds.toFixed(0)} s`,
    ].join(' | ');
  });
  return [
    '| net | ‖∂L/∂h₁‖ at init | ‖∂L/∂h_T‖ at init | max ‖g‖ in training (before clipping) | test MSE (mean predictor: 0.167) | NaN/Inf | budget |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** Writes `sequence.json`, `sequence.md` and its charts into `directory`. */
export async function writeSequenceReport(directory: string, runs: readonly SequenceRun[], plan: SequencePlan, budget: string, backend: string): Promise<void> {
  await mkdir(join(directory, 'charts'), { recursive: true });
  await writeFile(join(directory, 'sequence.json'), JSON.stringify({ plan, backend, runs }, null, 1));
  const perTimestep = overlayCurvesSpec(
    runs.map((run) => ({ name: run.title, points: run.timestepGradientNorms.map((norm, t) => ({ x: t + 1, y: norm })) })),
    {
      title: 'Gradient reaching each timestep at init (the unrolled net\'s per-layer picture)',
      subtitle: '‖∂L/∂h_t‖ on one batch of the adding problem; Infinity (float32 overflow) is not drawn',
      xTitle: 'timestep t (1 = first input)',
      yTitle: '‖∂L/∂h_t‖ (log)',
      yScale: 'log',
      width: 560,
    },
  );
  await writeFile(join(directory, 'charts', 'sequence-timestep-gradients.svg'), await renderSvg(perTimestep));
  const losses = overlayCurvesSpec(
    runs.map((run) => ({ name: run.title, points: run.losses.map((point) => ({ x: point.step, y: point.loss })) })),
    { title: 'Adding problem: training MSE', subtitle: 'the mean predictor scores 0.167', xTitle: 'step', yTitle: 'MSE (log)', yScale: 'log', width: 560 },
  );
  await writeFile(join(directory, 'charts', 'sequence-loss.svg'), await renderSvg(losses));
  const norms = overlayCurvesSpec(
    runs.map((run) => ({ name: run.title, points: run.gradientNorms.map((point) => ({ x: point.step, y: point.norm })) })),
    { title: 'Global gradient norm during training (before clipping)', xTitle: 'step', yTitle: '‖g‖ (log)', yScale: 'log', width: 560 },
  );
  await writeFile(join(directory, 'charts', 'sequence-gradient-norms.svg'), await renderSvg(norms));
  const markdown = `# The sequence case: exploding gradients in a recurrent net (Pascanu et al. 2013)

The adding problem over T = ${plan.timesteps} timesteps: two input channels (a value in [0, 1) and a marker
set at two steps, one in each half); the target is the sum of the two marked values. Recurrent nets
with H = ${plan.units} units, unrolled by hand so the gradient reaching every timestep can be measured; Adam
(learning rate ${plan.learningRate}), batches of ${plan.batchSize} fresh sequences. Budget: ${budget}; ${backend}.

A recurrent net is a deep net with one weight matrix shared by every layer (timestep): with N(0, 1)
entries the recurrent matrix has σ_w² = H = ${plan.units} in mean-field terms, far in the chaotic phase,
and the gradient grows by orders of magnitude per timestep until float32 overflows. Clipping the
global norm (\`clipGradsByGlobalNorm\` from \`@gs/clipping\`) bounds each update, but it needs a finite
norm to scale by. An orthogonal recurrent matrix (\`orthogonal()\`), the identity with ReLU (IRNN,
\`identity()\`, Le et al. 2015) and the LSTM's additive cell keep the signal's norm instead.

${sequenceTable(runs)}

![](charts/sequence-timestep-gradients.svg)

![](charts/sequence-gradient-norms.svg)

![](charts/sequence-loss.svg)
`;
  await writeFile(join(directory, 'sequence.md'), markdown);
}
