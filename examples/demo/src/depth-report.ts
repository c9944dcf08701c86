import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSvg } from './charts.js';
import { groupedBarsSpec, overlayCurvesSpec } from './comparison-charts.js';
import type { DepthRecord } from './depth-records.js';
import { formatNumber } from './report-writer.js';

const SCHEME_TITLES: Record<DepthRecord['scheme'], string> = {
  critical: 'plain tanh, orthogonal at criticality (initialize(model, "critical"))',
  default: "plain tanh, tfjs's default init (glorotNormal)",
  reZero: 'residual ReLU, ReZero gate',
  skipInit: 'residual ReLU, SkipInit gate',
  fixup: 'residual ReLU, Fixup',
  deepNorm: 'residual ReLU, DeepNorm',
};

/** The depth-record table in Markdown. */
export function depthTable(records: readonly DepthRecord[]): string {
  const rows = records.map((record) =>
    [
      record.depth,
      SCHEME_TITLES[record.scheme],
      record.width,
      `${(record.testAccuracy * 100).toFixed(1)} %`,
      formatNumber(record.finalLoss),
      `${record.optimizer} ${record.learningRate}${record.schedule === 'cosine' ? ', cosine decay to 0' : ''}`,
      `${record.steps} × ${record.batchSize}`,
      `${formatNumber(record.jacobian.meanSquaredSingularValue)} / ${formatNumber(record.jacobian.squaredSingularValueVariance)}`,
      `${record.backend}, ${record.seconds.toFixed(0)} s`,
    ].join(' | '),
  );
  return [
    '| depth | net | width | test accuracy | final loss | optimizer, learning rate, schedule | steps × batch | Jacobian at init: mean s² / Var(s²) | backend, time |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** Options of `writeDepthReport`. */
export interface DepthReportOptions {
  /** Which budgets the numbers came from, for the report's header (each row also states its steps × batch). */
  budget: string;
  /** Where the learning rates came from. */
  learningRates: string;
  criticalSigmaW2: number;
  sigmaB2: number;
}

/** Writes `depth.json` (the array of records), `depth.md` (table and charts) and its SVGs into `directory`. */
export async function writeDepthReport(directory: string, records: readonly DepthRecord[], options: DepthReportOptions): Promise<void> {
  await mkdir(join(directory, 'charts'), { recursive: true });
  await writeFile(join(directory, 'depth.json'), JSON.stringify(records, null, 1));
  const accuracy = groupedBarsSpec(
    records.map((record) => ({ group: `${record.residual ? 'residual' : 'plain'} ${record.depth}`, bar: SCHEME_TITLES[record.scheme], value: record.testAccuracy })),
    { title: 'Test accuracy by depth (digits; chance = 10 %)', groupTitle: 'net and depth (Dense layers)', valueTitle: 'test accuracy', ruleAt: 0.9, ruleLabel: 'goal 90 %' },
  );
  await writeFile(join(directory, 'charts', 'depth-accuracy.svg'), await renderSvg(accuracy));
  const losses = overlayCurvesSpec(
    records.map((record) => ({ name: `${record.depth}: ${SCHEME_TITLES[record.scheme]}`, points: record.losses.map((point) => ({ x: point.step, y: point.loss })) })),
    { title: 'Training loss of the depth records', xTitle: 'step', yTitle: 'loss (log)', yScale: 'log', width: 560, height: 300, legendColumns: 1 },
  );
  await writeFile(join(directory, 'charts', 'depth-loss.svg'), await renderSvg(losses));
  const accuracies = overlayCurvesSpec(
    records.map((record) => ({
      name: `${record.depth}: ${SCHEME_TITLES[record.scheme]}`,
      points: [{ x: 0, y: 0.1 }, ...(record.accuracies ?? []).map((point) => ({ x: point.step, y: point.accuracy }))],
    })),
    { title: 'Test accuracy during training', subtitle: 'at step 0 every net is at chance (10 %)', xTitle: 'step', yTitle: 'test accuracy', width: 560, height: 300, legendColumns: 1 },
  );
  await writeFile(join(directory, 'charts', 'depth-test-accuracy.svg'), await renderSvg(accuracies));
  const markdown = `# Depth records

Plain tanh MLPs (no shortcuts, no normalization) and residual ReLU MLPs
(\`residualMlp\`, 2 Dense layers per block) trained on the digits (pixels standardized to mean 0,
variance 1). "Depth" counts the hidden Dense layers. ${options.budget} Learning rates: ${options.learningRates}.

Critical init: \`initialize(model, 'critical', { sigmaB2: ${options.sigmaB2} })\` — orthogonal kernels with
gain² = σ_w*² = ${options.criticalSigmaW2.toFixed(4)} (χ₁ = 1 for tanh at σ_b² = ${options.sigmaB2}, so q* ≈ 0.046: the
pre-activations stay in tanh's linear range and the orthogonal chain is close to dynamically isometric,
Pennington et al. 2017). tfjs's default (glorotNormal, variance ≈ 0.77/64 per weight in tfjs 4.22 ×
64 inputs) gives χ₁ ≈ 0.77: the gradient shrinks ~0.77× per layer, 10⁻²³ over 200 layers.

"Jacobian at init" is \`jacobianSpectrum\` from \`@gs/monitor\` on 4 test digits: the mean squared
singular value of ∂logits/∂pixels and its variance (dynamical isometry: both stay O(1) with depth).

${depthTable(records)}

![](charts/depth-accuracy.svg)

![](charts/depth-test-accuracy.svg)

![](charts/depth-loss.svg)
`;
  await writeFile(join(directory, 'depth.md'), markdown);
}
