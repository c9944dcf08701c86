import { type AtlasCell, type AtlasPlan, runAtlasCell } from './atlas.js';
import type { DigitTensors } from './classifier-training.js';
import { type DepthConfiguration, type DepthRecord, runDepthRecord } from './depth-records.js';
import { type RecurrentScheme, type SequencePlan, type SequenceRun, runSequenceCase } from './sequence-case.js';

/** A unit of work of the atlas, depth-record, sequence or sweep sections (runs in a worker process). */
export type SectionTask =
  | { kind: 'depth'; configuration: DepthConfiguration }
  | { kind: 'atlas'; cell: { sigmaW2: number; depth: number }; plan: AtlasPlan }
  | { kind: 'sequence'; scheme: RecurrentScheme; plan: SequencePlan };

/** What a task produced. */
export type SectionTaskResult =
  | { kind: 'depth'; record: DepthRecord }
  | { kind: 'atlas'; cell: AtlasCell }
  | { kind: 'sequence'; run: SequenceRun };

/** Runs one task in this process (the worker's body; also used with --jobs 1). */
export async function runSectionTask(
  task: SectionTask,
  data: DigitTensors,
  onLoss?: (step: number, loss: number) => void,
): Promise<SectionTaskResult> {
  switch (task.kind) {
    case 'depth':
      return { kind: 'depth', record: await runDepthRecord(task.configuration, data, onLoss) };
    case 'atlas':
      return { kind: 'atlas', cell: await runAtlasCell(task.cell, task.plan, data) };
    case 'sequence':
      return { kind: 'sequence', run: await runSequenceCase(task.scheme, task.plan, onLoss) };
  }
}
