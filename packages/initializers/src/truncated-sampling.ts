import type { SeededRandom } from './random.js';

/**
 * One draw from the standard normal truncated to `[low, high]` (`low < high`, either may be
 * infinite), exact for any interval, by rejection with a proposal chosen for the interval
 * (C. P. Robert, "Simulation of truncated normal variables", Statistics and Computing 5, 1995):
 * - an interval around 0 at least 1 wide: draw N(0, 1) until it falls inside;
 * - a narrow interval: uniform proposal, accepted with `exp((m² − z²)/2)`, `m` the point nearest 0;
 * - a wide interval in one tail: shifted exponential proposal with rate `α = (a + √(a² + 4))/2`,
 *   accepted with `exp(−(z − α)²/2)` (`a` the bound nearest 0).
 */
export function truncatedStandardNormal(random: SeededRandom, low: number, high: number): number {
  if (high <= 0) return -truncatedStandardNormal(random, -high, -low);
  const width = high - low;
  if (low < 0) {
    if (width >= 1) {
      for (;;) {
        const z = random.normal();
        if (z >= low && z <= high) return z;
      }
    }
    for (;;) {
      const z = low + width * random.uniform();
      if (random.uniform() <= Math.exp((-z * z) / 2)) return z;
    }
  }
  // 0 ≤ low < high
  if (width * (low + width / 2) <= 1) {
    for (;;) {
      const z = low + width * random.uniform();
      if (random.uniform() <= Math.exp((low * low - z * z) / 2)) return z;
    }
  }
  const rate = (low + Math.sqrt(low * low + 4)) / 2;
  for (;;) {
    const z = low - Math.log(random.uniform()) / rate;
    if (z <= high && random.uniform() <= Math.exp(-((z - rate) * (z - rate)) / 2)) return z;
  }
}
