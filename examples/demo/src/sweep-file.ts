import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LearningRateSweep } from './learning-rate-sweep.js';

/** The committed sweep result the default run reads (`--sweep` rewrites it). */
export const SWEEP_FILE = fileURLToPath(new URL('../sweeps/learning-rates.json', import.meta.url));

/** Reads the sweep file; undefined when there is none. */
export function readSweep(file = SWEEP_FILE): LearningRateSweep | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LearningRateSweep) : undefined;
}

/** Writes a sweep file (pretty-printed, so its diff is readable in review). */
export async function writeSweep(sweep: LearningRateSweep, file = SWEEP_FILE): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(sweep, null, 1)}\n`);
}
