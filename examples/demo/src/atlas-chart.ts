import type { TopLevelSpec } from 'vega-lite';
import type { AtlasCell, AtlasPlan, AtlasResult } from './atlas.js';

/** log10 of the gradient ratio is clipped to ±this in the colours. */
const COLOUR_LIMIT = 12;

/** Edges halfway between neighbouring grid values (geometric for a log axis). */
function edges(values: readonly number[], geometric: boolean): Array<[number, number]> {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (a: number, b: number) => (geometric ? Math.sqrt(a * b) : (a + b) / 2);
  return sorted.map((value, i) => {
    const low = i > 0 ? middle(sorted[i - 1]!, value) : geometric ? value / Math.sqrt(sorted[1]! / value || 2) : value - (sorted[1]! - value) / 2;
    const high = i < sorted.length - 1 ? middle(value, sorted[i + 1]!) : geometric ? value * Math.sqrt(value / sorted[i - 1]! || 2) : value + (value - sorted[i - 1]!) / 2;
    return [low, high];
  });
}

/**
 * The phase diagram as a Vega-Lite spec: one rectangle per (σ_w², depth) cell coloured by log10 of
 * the measured gradient ratio (first/last hidden layer; blue = vanishing, red = exploding), a ✓ or ✗
 * for whether it trained in the budget, the critical σ_w² as a dashed rule and Schoenholz et al.'s
 * trainable depth 6·ξ_c as a curve. Cells not measured yet are left out (the browser fills it in).
 */
export function atlasSpec(result: Pick<AtlasResult, 'critical' | 'theory' | 'cells'> & { plan: AtlasPlan }, options: { width?: number; height?: number } = {}): TopLevelSpec {
  const { plan } = result;
  const sorted = [...plan.sigmaW2].sort((a, b) => a - b);
  const xEdges = new Map(sorted.map((value, i) => [value, edges(sorted, false)[i]!]));
  const depths = [...plan.depths].sort((a, b) => a - b);
  const yEdges = new Map(depths.map((value, i) => [value, edges(depths, true)[i]!]));
  const xDomain = [xEdges.get(sorted[0]!)![0], xEdges.get(sorted[sorted.length - 1]!)![1]];
  const yDomain = [yEdges.get(depths[0]!)![0], yEdges.get(depths[depths.length - 1]!)![1]];
  const cells = result.cells.map((cell: AtlasCell) => {
    const log = cell.gradientRatio > 0 && Number.isFinite(cell.gradientRatio) ? Math.log10(cell.gradientRatio) : null;
    return {
      sigmaW2: cell.sigmaW2,
      depth: cell.depth,
      x: xEdges.get(cell.sigmaW2)![0],
      x2: xEdges.get(cell.sigmaW2)![1],
      y: yEdges.get(cell.depth)![0],
      y2: yEdges.get(cell.depth)![1],
      log10Ratio: log === null ? null : Math.max(-COLOUR_LIMIT, Math.min(COLOUR_LIMIT, log)),
      measured: log === null ? 'underflow/overflow' : cell.gradientRatio.toExponential(1),
      predicted: cell.predictedRatio.toExponential(1),
      accuracy: `${(cell.testAccuracy * 100).toFixed(0)} %`,
      mark: cell.trained ? '✓' : '✗',
      labelY: cell.depth,
    };
  });
  const band = result.theory
    .filter((point) => Number.isFinite(point.trainableDepth))
    .map((point) => ({ sigmaW2: point.sigmaW2, depth: Math.min(Math.max(point.trainableDepth, yDomain[0]!), yDomain[1]!) }));
  const x = { field: 'x', type: 'quantitative' as const, title: 'σ_w² (weight variance)', scale: { domain: xDomain, nice: false } };
  const y = { field: 'y', type: 'quantitative' as const, title: 'depth (hidden tanh layers, log)', scale: { type: 'log' as const, domain: yDomain, nice: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Order ↔ chaos: gradient ratio first/last layer at init, tanh, σ_b² = ${plan.sigmaB2}`,
      subtitle: `blue: vanishing, red: exploding · ✓ trained (≥ ${plan.trainedAccuracy * 100} % test accuracy in ${plan.steps} steps) · dashed: critical σ_w² = ${result.critical.sigmaW2.toFixed(3)} · black: 6·ξ_c`,
    },
    width: options.width ?? 520,
    height: options.height ?? 320,
    background: 'white',
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          x,
          x2: { field: 'x2' },
          y,
          y2: { field: 'y2' },
          color: {
            field: 'log10Ratio',
            type: 'quantitative',
            title: 'log10 ratio',
            scale: { scheme: 'redblue', reverse: true, domain: [-COLOUR_LIMIT, COLOUR_LIMIT], domainMid: 0 },
          },
          tooltip: [
            { field: 'sigmaW2', title: 'σ_w²' },
            { field: 'depth' },
            { field: 'measured', title: 'measured ratio' },
            { field: 'predicted', title: 'χ₁^(depth−1)' },
            { field: 'accuracy', title: 'test accuracy' },
          ],
        },
      },
      {
        data: { values: cells },
        mark: { type: 'text', fontSize: 14, fontWeight: 'bold' },
        encoding: {
          x: { field: 'sigmaW2', type: 'quantitative', scale: { domain: xDomain, nice: false } },
          y: { field: 'labelY', type: 'quantitative', scale: { type: 'log', domain: yDomain, nice: false } },
          text: { field: 'mark' },
          color: { value: '#222' },
        },
      },
      {
        data: { values: band },
        mark: { type: 'line', color: 'black', strokeWidth: 2, clip: true },
        encoding: {
          x: { field: 'sigmaW2', type: 'quantitative', scale: { domain: xDomain, nice: false } },
          y: { field: 'depth', type: 'quantitative', scale: { type: 'log', domain: yDomain, nice: false } },
        },
      },
      {
        data: { values: [{ sigmaW2: result.critical.sigmaW2 }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: 'black', strokeWidth: 2 },
        encoding: { x: { field: 'sigmaW2', type: 'quantitative', scale: { domain: xDomain, nice: false } } },
      },
    ],
  };
}
