import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// The three report sections end to end at a tiny size (the full runs are by hand, see the README):
// the CLI runs them in two worker processes and writes the JSON contracts and Markdown reports.
it('--only atlas,depth,sequence writes atlas.json, depth.json and sequence.json with the documented fields', async () => {
  const out = mkdtempSync(join(tmpdir(), 'gs-demo-sections-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, '--backend', 'wasm', '--jobs', '2', '--only', 'atlas,depth,sequence', '--depth', '4', '--width', '8', '--steps', '2', '--batch-size', '8', '--out', out],
      { env: { ...process.env, INIT_CWD: '' }, timeout: 400_000 },
    );
    expect(stdout).toContain('Atlas: 12 cells');
    const atlas = JSON.parse(readFileSync(join(out, 'atlas.json'), 'utf8')) as {
      critical: { sigmaW2: number; sigmaB2: number };
      cells: Array<{ sigmaW2: number; depth: number; gradientRatio: number; trained: boolean; finalLoss: number }>;
    };
    expect(atlas.critical.sigmaB2).toBe(0.05);
    expect(atlas.critical.sigmaW2).toBeCloseTo(1.76095, 4);
    expect(atlas.cells).toHaveLength(12);
    for (const cell of atlas.cells) {
      expect(Object.keys(cell)).toEqual(expect.arrayContaining(['sigmaW2', 'depth', 'gradientRatio', 'trained', 'finalLoss']));
      expect(cell.gradientRatio).toBeGreaterThan(0);
    }
    // Ordered vs chaotic even at depth 4: the gradient ratio grows with σ_w².
    const deep = atlas.cells.filter((cell) => cell.depth === 4).sort((a, b) => a.sigmaW2 - b.sigmaW2);
    expect(deep[0]!.gradientRatio).toBeLessThan(deep[deep.length - 1]!.gradientRatio);
    expect(readFileSync(join(out, 'atlas.svg'), 'utf8')).toContain('<svg');
    const depth = JSON.parse(readFileSync(join(out, 'depth.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(depth.map((record) => `${record.residual ? 'residual' : 'plain'}-${String(record.scheme)}`)).toEqual([
      'plain-critical', 'plain-default', 'residual-reZero', 'residual-skipInit', 'residual-fixup', 'residual-deepNorm',
    ]);
    for (const record of depth) {
      expect(Object.keys(record)).toEqual(expect.arrayContaining(['depth', 'scheme', 'residual', 'testAccuracy', 'steps', 'backend', 'seconds']));
      expect(record.backend).toBe('wasm');
      expect(record.depth).toBe(4);
    }
    expect(readFileSync(join(out, 'depth.md'), 'utf8')).toContain('| depth | net | width | test accuracy');
    const sequence = JSON.parse(readFileSync(join(out, 'sequence.json'), 'utf8')) as { runs: Array<{ scheme: string; timestepGradientNorms: number[] }> };
    expect(sequence.runs.map((run) => run.scheme)).toEqual(['normal', 'chaotic', 'chaotic-clip', 'orthogonal', 'identity-relu', 'lstm', 'lstm-chrono']);
    for (const run of sequence.runs) expect(run.timestepGradientNorms).toHaveLength(100);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 420_000);
