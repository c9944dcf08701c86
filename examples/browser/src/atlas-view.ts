import { type AtlasCell, type AtlasPlan, BROWSER_ATLAS_PLAN, type DigitTensors, atlasCells, atlasSpec, atlasTheory, renderSvg, runAtlasCell } from '@gs/example-demo';

/**
 * The live phase diagram: measures the atlas cell by cell on the current backend (WebGPU in the
 * page) and redraws the heat-map after each one, so it fills in as you watch.
 */
export async function runAtlasView(data: DigitTensors, element: HTMLElement, status: HTMLElement, plan: AtlasPlan = BROWSER_ATLAS_PLAN): Promise<AtlasCell[]> {
  const theory = atlasTheory(plan);
  const cells: AtlasCell[] = [];
  const spec = () => atlasSpec({ ...theory, cells, plan }, { width: 460, height: 280 });
  const todo = atlasCells(plan);
  for (const [index, cell] of todo.entries()) {
    status.textContent = `atlas: cell ${index + 1}/${todo.length} (σ_w² ${cell.sigmaW2}, depth ${cell.depth})…`;
    cells.push(await runAtlasCell(cell, plan, data));
    element.innerHTML = await renderSvg(spec());
    element.dataset.cells = String(cells.length);
  }
  status.textContent = `atlas: ${cells.length} cells, critical σ_w² = ${theory.critical.sigmaW2.toFixed(3)} at σ_b² = ${plan.sigmaB2}; ${cells.filter((cell) => cell.trained).length} trained`;
  status.dataset.state = 'done';
  return cells;
}
