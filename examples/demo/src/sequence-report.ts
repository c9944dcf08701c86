import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSvg } from './charts.js';
import { overlayCurvesSpec } from './comparison-charts.js';
import { formatNumber } from './report-writer.js';
import { CHAOTIC_SIGMA_W2, SEQUENCE_CLIP_NORM, type SequencePlan, type SequenceRun } from './sequence-case.js';

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
      `${run.optimizer} ${run.learningRate}`,
      `${run.steps} steps, ${run.seconds.toFixed(0)} s`,
    ].join(' | ');
  });
  return [
    '| net | ‖∂L/∂h₁‖ at init | ‖∂L/∂h_T‖ at init | max ‖g‖ in training (before clipping) | test MSE (mean predictor: 0.167) | NaN/Inf | optimizer, learning rate | budget |',
    '|---|---|---|---|---|---|---|---|',
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
      subtitle: '‖∂L/∂h_t‖ on one batch of the adding problem (N(0, 8/H) with and without clipping: the same net at init, one line)',
      xTitle: 'timestep t (1 = first input)',
      yTitle: '‖∂L/∂h_t‖ (log)',
      yScale: 'log',
      width: 560,
      legendColumns: 1,
    },
  );
  await writeFile(join(directory, 'charts', 'sequence-timestep-gradients.svg'), await renderSvg(perTimestep));
  const losses = overlayCurvesSpec(
    runs.map((run) => ({ name: run.title, points: run.losses.map((point) => ({ x: point.step, y: point.loss })) })),
    {
      title: 'Adding problem: training MSE',
      subtitle: 'the mean predictor scores 0.167; a diverged run leaves the plot at the top',
      xTitle: 'step',
      yTitle: 'MSE (log)',
      yScale: 'log',
      width: 560,
      yDomain: [1e-4, 10],
      legendColumns: 1,
    },
  );
  await writeFile(join(directory, 'charts', 'sequence-loss.svg'), await renderSvg(losses));
  const norms = overlayCurvesSpec(
    runs.map((run) => ({ name: run.title, points: run.gradientNorms.map((point) => ({ x: point.step, y: point.norm })) })),
    { title: 'Global gradient norm during training (before clipping)', xTitle: 'step', yTitle: '‖g‖ (log)', yScale: 'log', width: 560, legendColumns: 1 },
  );
  await writeFile(join(directory, 'charts', 'sequence-gradient-norms.svg'), await renderSvg(norms));
  const markdown = `# The sequence case: exploding gradients in a recurrent net (Pascanu et al. 2013)

The adding problem over T = ${plan.timesteps} timesteps: two input channels (a value in [0, 1) and a marker
set at two steps, one in each half); the target is the sum of the two marked values. Recurrent nets
with H = ${plan.units} units, unrolled by hand so the gradient reaching every timestep can be measured;
${plan.steps} steps of ${plan.batchSize} fresh sequences each, optimizer per row. Budget: ${budget}; ${backend}.

A recurrent net is a deep net with one weight matrix shared by every layer (timestep), so the
vanishing/exploding picture of the MLPs holds along time. With N(0, 1) entries the recurrent matrix
has σ_w² = H = ${plan.units} in mean-field terms, far in the chaotic phase: the gradient reaching the first
timestep is ~1e20 times the one at the last. Its entries are still finite, but their squares overflow
float32, so the global norm a clip divides by is Infinity and \`clipGradsByGlobalNorm\` scales the
step to 0 (PyTorch's \`clip_grad_norm_\` in float32 does the same); the norms here are computed
scaled by the largest entry to stay finite. That net trains with Adam, which divides the scale out.
With N(0, ${CHAOTIC_SIGMA_W2}/H) entries (spectral radius ≈ ${Math.sqrt(CHAOTIC_SIGMA_W2).toFixed(1)}) the gradient still explodes towards the first
timesteps but stays finite — the regime of Pascanu et al. 2013. That pair trains with plain SGD,
whose step is proportional to the gradient: without clipping the exploding gradient is an
exploding step; \`clipGradsByGlobalNorm\` (\`@gs/clipping\`, threshold ${SEQUENCE_CLIP_NORM}) bounds it. Clipping fixes
the step, not the memory: a chaotic recurrent matrix still forgets the first marked value.
An orthogonal recurrent matrix (\`orthogonal()\`), the identity with ReLU (IRNN, \`identity()\`,
Le et al. 2015) and the LSTM's additive cell keep the signal's norm instead; the LSTM's forget
gate decides how long: with forget bias 1 it keeps σ(1)ⁿ ≈ 0.73ⁿ of a value after n steps
(10⁻¹⁰ over 75 steps) until training raises it, while chrono initialization (Tallec & Ollivier
2018) starts the forget gates with time constants spread over 1 … T.

${sequenceTable(runs)}

![](charts/sequence-timestep-gradients.svg)

![](charts/sequence-gradient-norms.svg)

![](charts/sequence-loss.svg)
`;
  await writeFile(join(directory, 'sequence.md'), markdown);
}
