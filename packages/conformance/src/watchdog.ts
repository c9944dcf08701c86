import { Worker } from 'node:worker_threads';

/**
 * Ends the process with a message naming the current case when a call makes no progress for
 * `limitMs` (a synchronous endless loop blocks the event loop, so a test timeout cannot fire).
 * The case label and a heartbeat counter live in shared memory; a worker thread watches them.
 */
export function startWatchdog(limitMs: number): { beat(label: string): void; stop(): void } {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const label = new Uint8Array(new SharedArrayBuffer(1024));
  const code = `
    const { workerData } = require('node:worker_threads');
    const { counter, label, limitMs } = workerData;
    let last = -1;
    let since = Date.now();
    setInterval(() => {
      const now = Atomics.load(counter, 0);
      if (now !== last) { last = now; since = Date.now(); return; }
      if (Date.now() - since < limitMs) return;
      const end = label.indexOf(0);
      const text = new TextDecoder().decode(label.slice(0, end < 0 ? label.length : end));
      // Straight to the file descriptor: the suite silences the streams while it runs.
      require('node:fs').writeSync(2, 'conformance watchdog: no progress for ' + limitMs + ' ms in: ' + text + '\\n');
      process.kill(process.pid, 'SIGKILL');
    }, 500);
  `;
  const worker = new Worker(code, { eval: true, workerData: { counter, label, limitMs } });
  worker.unref();
  const encoder = new TextEncoder();
  return {
    beat(text) {
      label.fill(0);
      label.set(encoder.encode(text).slice(0, label.length - 1));
      Atomics.add(counter, 0, 1);
    },
    stop() {
      void worker.terminate();
    },
  };
}
