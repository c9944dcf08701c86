import type * as tf from '@tensorflow/tfjs';
import type { StabilityPlugin } from '@gs/core';

/**
 * The parts of this project's other packages that `diagnose()` calls to apply remedies. The
 * monitor imports none of them statically (it depends on `@gs/core` only); `diagnose` loads each
 * one when a remedy needs it — from `options.packages` when given (the way to pass them in a
 * bundled browser app), else with a dynamic `import()` (Node, or browsers with an import map).
 */
export interface RemedyPackages {
  /** `@gs/initializers`. */
  initializers?: {
    /** Re-initializes the model's kernels (gain from each layer's activation) and zeroes its biases. */
    initialize(model: tf.LayersModel, scheme: 'he' | 'xavier' | 'orthogonal', options?: { seed?: number }): unknown;
  };
  /** `@gs/normalization`. */
  normalization?: {
    /** A copy of the model with a normalization layer after every Dense/Conv layer. */
    insertNormalization(model: tf.LayersModel, options: { kind: 'batch' | 'layer' }): tf.LayersModel;
  };
  /** `@gs/clipping`. */
  clipping?: {
    /** Clips the global gradient norm at `threshold`. */
    clipByGlobalNorm(threshold: number): StabilityPlugin;
    /** Adaptive gradient clipping (AGC). */
    adaptiveClip(): StabilityPlugin;
    /** Skips steps with NaN/Inf gradients. */
    nonFinite(options: { policy: 'skip'; maxConsecutive: number }): StabilityPlugin;
  };
  /** `@gs/optim`. */
  optim?: {
    /** Warms the learning rate up over `steps` updates. */
    warmup(options: { steps: number }): StabilityPlugin;
  };
}

/** The npm package behind each entry of `RemedyPackages`. */
export const REMEDY_PACKAGE_NAMES: Readonly<Record<keyof RemedyPackages, string>> = {
  initializers: '@gs/initializers',
  normalization: '@gs/normalization',
  clipping: '@gs/clipping',
  optim: '@gs/optim',
};

/**
 * Loads one optional package: the module given in `packages`, else `import(name)`. The specifier
 * is a variable so bundlers leave it alone (a missing optional package must not break a build).
 * Returns the module, or a sentence saying how to make it available.
 */
export async function loadRemedyPackage<K extends keyof RemedyPackages>(
  key: K,
  packages: RemedyPackages,
): Promise<NonNullable<RemedyPackages[K]> | string> {
  const given = packages[key];
  if (given) return given as NonNullable<RemedyPackages[K]>;
  const name = REMEDY_PACKAGE_NAMES[key];
  try {
    return (await import(/* @vite-ignore */ name)) as NonNullable<RemedyPackages[K]>;
  } catch {
    return `${name} is not installed or cannot be loaded here (npm install ${name}, or pass diagnose(..., { packages: { ${key}: await import('${name}') } }))`;
  }
}
