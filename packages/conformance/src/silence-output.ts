/**
 * Silences what the functions under test print (detectors' warnings, tfjs-vis's console errors,
 * gs-monitor's usage text on the streams), so a run shows the counts. Call `restore()` after.
 */
export function silenceOutput(): { restore(): void } {
  const saved = { warn: console.warn, log: console.log, info: console.info, error: console.error };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  console.warn = console.log = console.info = console.error = () => {};
  process.stdout.write = process.stderr.write = (() => true) as typeof process.stdout.write;
  return {
    restore() {
      Object.assign(console, saved);
      process.stdout.write = writes.stdout;
      process.stderr.write = writes.stderr;
    },
  };
}
