import type { RunConfiguration } from './configuration.js';
import { formatNumber } from './report-writer.js';

/** One configuration's sweep: the loss each candidate learning rate reached, and the chosen one. */
export interface SweepEntry {
  optimizer: RunConfiguration['optimizer'];
  candidates: Array<{ learningRate: number; finalLoss: number }>;
  chosen: number;
}

/** A sweep result file (`examples/demo/sweeps/learning-rates.json`, written by `--sweep`). */
export interface LearningRateSweep {
  /** ISO date of the run. */
  generatedAt: string;
  backend: string;
  /** Training steps per candidate, batch size, depth and width of the sweep runs. */
  steps: number;
  batchSize: number;
  depth: number;
  width: number;
  entries: Record<string, SweepEntry>;
}

/** Candidate learning rates per optimizer (a factor ~3 apart around each optimizer's usual range). */
export const SWEEP_CANDIDATES: Record<RunConfiguration['optimizer'], number[]> = {
  sgd: [0.01, 0.03, 0.1, 0.3],
  adam: [1e-4, 3e-4, 1e-3, 3e-3],
};

/**
 * Whether a configuration's learning rate is swept: every one except those that are about a too
 * high learning rate (their rate is the point of the row).
 */
export function isSwept(configuration: RunConfiguration): boolean {
  return !configuration.id.includes('high-lr');
}

/** The sweep runs of a set of configurations: one copy per candidate rate, id `<id>@<rate>`. */
export function sweepRuns(configurations: readonly RunConfiguration[]): RunConfiguration[] {
  return configurations.filter(isSwept).flatMap((configuration) =>
    SWEEP_CANDIDATES[configuration.optimizer].map((learningRate) => ({ ...configuration, id: `${configuration.id}@${learningRate}`, learningRate })),
  );
}

/**
 * Picks each configuration's rate: the candidate with the lowest mean training loss over the last
 * 10 % of its steps (a diverged run — NaN — counts as the worst).
 */
export function chooseLearningRates(
  configurations: readonly RunConfiguration[],
  results: ReadonlyArray<{ configuration: RunConfiguration; finalLoss: number }>,
): Record<string, SweepEntry> {
  const entries: Record<string, SweepEntry> = {};
  for (const configuration of configurations.filter(isSwept)) {
    const candidates = results
      .filter((result) => result.configuration.id.startsWith(`${configuration.id}@`))
      .map((result) => ({ learningRate: result.configuration.learningRate, finalLoss: result.finalLoss }));
    const score = (loss: number | null) => (loss !== null && Number.isFinite(loss) ? loss : Number.POSITIVE_INFINITY);
    const best = candidates.reduce((a, b) => (score(b.finalLoss) < score(a.finalLoss) ? b : a), candidates[0]!);
    entries[configuration.id] = { optimizer: configuration.optimizer, candidates, chosen: best.learningRate };
  }
  return entries;
}

/** The configurations with the sweep's chosen rates (configurations the sweep has no entry for keep theirs). */
export function applyLearningRates(configurations: readonly RunConfiguration[], sweep: LearningRateSweep | undefined): RunConfiguration[] {
  return configurations.map((configuration) => {
    const entry = sweep?.entries[configuration.id];
    return entry && entry.optimizer === configuration.optimizer ? { ...configuration, learningRate: entry.chosen } : configuration;
  });
}

/** The sweep as a Markdown table, with where its numbers came from. */
export function sweepSection(sweep: LearningRateSweep | undefined, titles: ReadonlyMap<string, string>): string {
  if (!sweep) {
    return '## Learning rates\n\nNo sweep file: every configuration used its default learning rate (run `npm run demo -- --sweep` to sweep).\n';
  }
  const rows = Object.entries(sweep.entries).map(([id, entry]) => {
    const candidates = entry.candidates
      // JSON stores NaN (a diverged candidate) as null.
      .map((candidate) => `${candidate.learningRate}: ${formatNumber(candidate.finalLoss ?? Number.NaN)}${candidate.learningRate === entry.chosen ? ' ✔' : ''}`)
      .join(', ');
    return `| ${titles.get(id) ?? id} | ${entry.optimizer} | **${entry.chosen}** | ${candidates} |`;
  });
  return `## Learning rates (fair remedies)

Every configuration except the deliberately too-high-rate ones trains with the learning rate that won
a small sweep: each candidate trained ${sweep.steps} steps of batch ${sweep.batchSize} (depth ${sweep.depth}, width ${sweep.width},
${sweep.backend}, ${sweep.generatedAt.slice(0, 10)}; \`npm run demo -- --sweep\` re-runs it and rewrites
\`examples/demo/sweeps/learning-rates.json\`), and the lowest mean training loss over its last 10 % of
steps won (NaN = worst). The table above comes from this run's budget with those rates.

| configuration | optimizer | chosen | candidates: final training loss |
|---|---|---|---|
${rows.join('\n')}
`;
}
