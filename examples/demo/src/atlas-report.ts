import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AtlasResult } from './atlas.js';
import { atlasSpec } from './atlas-chart.js';
import { renderSvg } from './charts.js';
import { formatNumber } from './report-writer.js';

/** The atlas cells as a Markdown table (σ_w² columns, depth rows): measured / predicted ratio, ✓/✗. */
export function atlasTable(result: AtlasResult): string {
  const columns = [...result.plan.sigmaW2].sort((a, b) => a - b);
  const header = `| depth \\ σ_w² | ${columns.map((value) => value.toString()).join(' | ')} |\n|---|${columns.map(() => '---').join('|')}|`;
  const rows = [...result.plan.depths].sort((a, b) => a - b).map((depth) => {
    const cells = columns.map((sigmaW2) => {
      const cell = result.cells.find((candidate) => candidate.depth === depth && candidate.sigmaW2 === sigmaW2);
      return cell ? `${formatNumber(cell.gradientRatio)} (${formatNumber(cell.predictedRatio)}) ${cell.trained ? '✓' : '✗'} ${(cell.testAccuracy * 100).toFixed(0)} %` : '—';
    });
    return `| ${depth} | ${cells.join(' | ')} |`;
  });
  return [header, ...rows].join('\n');
}

/** Writes `atlas.json`, `atlas.svg` and `atlas.md` into `directory`. */
export async function writeAtlasReport(directory: string, result: AtlasResult, budget: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'atlas.json'), JSON.stringify(result, null, 1));
  await writeFile(join(directory, 'atlas.svg'), await renderSvg(atlasSpec(result)));
  const { plan, critical } = result;
  const markdown = `# The vanishing/exploding phase diagram (atlas)

Tanh MLPs (width ${plan.width}) with i.i.d. N(0, σ_w²/fan-in) weights and N(0, σ_b² = ${plan.sigmaB2}) biases on the
standardized digits, over σ_w² × depth. Each cell: at init, the ratio of the mean squared gradient
reaching the first hidden layer to that reaching the last (\`signalPropagation\` from \`@gs/monitor\`;
mean-field theory predicts χ₁^(depth−1), in brackets, from \`meanFieldPropagation\` in
\`@gs/initializers\`); then ${plan.steps} steps of SGD with momentum 0.9 (learning rate ${plan.learningRate},
batch ${plan.batchSize}): ✓ when the test accuracy reached ${plan.trainedAccuracy * 100} %. Budget: ${budget}; ${result.backend}, ${result.seconds.toFixed(0)} s.

Critical point (χ₁ = 1): σ_w² = ${critical.sigmaW2.toFixed(4)} at σ_b² = ${critical.sigmaB2}. Left of it (ordered phase)
gradients vanish geometrically with depth, right of it (chaotic phase) they explode; the black curve
is 6·ξ_c, the depth up to which Schoenholz et al. (2017) found such nets trainable.

![](atlas.svg)

Measured ratio (mean-field prediction) ✓/✗ test accuracy:

${atlasTable(result)}
`;
  await writeFile(join(directory, 'atlas.md'), markdown);
}
