import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// Runs the built CLI (npm test builds first) with two worker processes on a tiny size, and checks
// that every configuration ran, in the order asked for, and the report was written.
it('the CLI trains configurations in worker processes (--jobs 2) and writes the report', async () => {
  const out = mkdtempSync(join(tmpdir(), 'gs-demo-cli-'));
  try {
    const only = ['sigmoid-baseline', 'sigmoid-rezero', 'relu-normal-baseline'];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, '--backend', 'wasm', '--jobs', '2', '--only', only.join(','), '--depth', '3', '--width', '8', '--steps', '4', '--batch-size', '16', '--out', out, '--no-progress', '--no-warmup-case'],
      { env: { ...process.env, INIT_CWD: '' }, timeout: 240_000 },
    );
    expect(stdout).toContain('Backend: wasm');
    expect(stdout).toContain('Training in 2 processes');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { runs: Array<{ configuration: { id: string }; history: unknown[] }> };
    expect(results.runs.map((run) => run.configuration.id)).toEqual(only);
    for (const run of results.runs) expect(run.history).toHaveLength(4);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('sigmoid + ReZero residual');
    // The warmup case (6 blocks × 512, run after the others) was skipped as asked.
    expect(existsSync(join(out, 'warmup-case.json'))).toBe(false);
    // One TensorBoard run per configuration, written by the worker processes, and how to open them.
    for (const id of only) expect(readdirSync(join(out, 'tensorboard', id))).toEqual([expect.stringMatching(/^events\.out\.tfevents\./)]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('tensorboard --logdir tensorboard');
    expect(stdout).toContain(`tensorboard --logdir ${out}/tensorboard`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
