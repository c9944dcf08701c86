import * as tf from '@tensorflow/tfjs';
import type { RecordedValue } from './plugin.js';

interface RecordedEntry {
  key: string;
  flat: tf.Tensor1D;
  scalar: boolean;
}

/**
 * Collects the values recorded during one step and reads them back with a single async
 * `data()` call on one packed tensor.
 */
export class StepRecorder {
  private readonly entries: RecordedEntry[] = [];
  private readonly keys = new Set<string>();

  constructor(readonly active: boolean) {}

  /** Keeps a flattened float32 copy of `value` under `key` (a no-op when not active). */
  record(key: string, value: tf.Tensor | number): void {
    if (!this.active) return;
    if (this.keys.has(key)) {
      throw new Error(`record: '${key}' was recorded twice in one step; give each value its own name`);
    }
    if (typeof value === 'number') {
      this.keys.add(key);
      this.entries.push({ key, flat: tf.keep(tf.tensor1d([value])), scalar: true });
      return;
    }
    if (!(value instanceof tf.Tensor)) {
      throw new TypeError(`record('${key}', value): value must be a tf.Tensor or a number, got ${typeof value}`);
    }
    this.keys.add(key);
    const flat = tf.tidy(() => tf.cast(tf.reshape(value, [-1]), 'float32') as tf.Tensor1D);
    this.entries.push({ key, flat: tf.keep(flat), scalar: value.rank === 0 });
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * Packs everything recorded into one tensor, frees the pieces, and starts the single async
   * readback. Returns undefined when nothing was recorded.
   */
  readBack(): Promise<Record<string, RecordedValue>> | undefined {
    if (this.entries.length === 0) return undefined;
    const layout = this.entries.map(({ key, flat, scalar }) => ({ key, size: flat.size, scalar }));
    // Kept: the step may run inside the caller's tidy (fit does), which would free the packed
    // tensor while its read is still pending on an asynchronous backend.
    const packed = tf.keep(
      tf.tidy(() => tf.concat(this.entries.map((entry) => entry.flat))),
    );
    for (const entry of this.entries) entry.flat.dispose();
    this.entries.length = 0;
    return packed.data().then(
      (data) => {
        packed.dispose();
        const values: Record<string, RecordedValue> = {};
        let offset = 0;
        for (const { key, size, scalar } of layout) {
          values[key] = scalar ? data[offset]! : Array.from(data.subarray(offset, offset + size));
          offset += size;
        }
        return values;
      },
      (error: unknown) => {
        packed.dispose();
        throw error;
      },
    );
  }

  /** Frees whatever was recorded without reading it (used when a step fails). */
  discard(): void {
    for (const entry of this.entries) entry.flat.dispose();
    this.entries.length = 0;
  }
}
