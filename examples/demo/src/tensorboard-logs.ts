// Node only: the demo's TensorBoard logs, one run directory per configuration.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MonitorSink } from '@gs/monitor';
import { tensorBoardSink } from '@gs/monitor/node';
import type { RunConfiguration } from './configuration.js';

/** The report's sub-folder that holds the TensorBoard runs (`tensorboard --logdir report/tensorboard`). */
export const TENSORBOARD_FOLDER = 'tensorboard';

/**
 * The monitor sinks that write `configuration`'s TensorBoard run to
 * `<reportDirectory>/tensorboard/<configuration id>/` (none without a report directory). The run's
 * folder is emptied first: TensorBoard would show an earlier demo's files as part of the same run.
 */
export function tensorBoardSinks(reportDirectory: string | undefined, configuration: RunConfiguration): MonitorSink[] {
  if (!reportDirectory) return [];
  const run = join(reportDirectory, TENSORBOARD_FOLDER, configuration.id);
  rmSync(run, { recursive: true, force: true });
  return [tensorBoardSink(run)];
}
