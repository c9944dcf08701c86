import { PIXELS, type DigitSet } from '@gs/example-demo';

/** Digits kept back for the test set. */
export const TEST_IMAGES = 500;

/** Loads public/digits.bin (bytes 0–255, then labels) into a train and a test set. */
export async function loadDigits(): Promise<{ train: DigitSet; test: DigitSet }> {
  const bytes = new Uint8Array(await (await fetch(`${import.meta.env.BASE_URL}digits.bin`)).arrayBuffer());
  const count = bytes.length / (PIXELS + 1);
  const toSet = (start: number, end: number): DigitSet => ({
    images: Float32Array.from(bytes.subarray(start * PIXELS, end * PIXELS), (value) => value / 255),
    labels: Int32Array.from(bytes.subarray(count * PIXELS + start, count * PIXELS + end)),
    count: end - start,
  });
  if (!Number.isInteger(count) || count <= TEST_IMAGES) throw new Error(`digits.bin has an unexpected size (${bytes.length} bytes)`);
  return { train: toSet(0, count - TEST_IMAGES), test: toSet(count - TEST_IMAGES, count) };
}
