import { adaptiveClip, clipByGlobalNorm, excludeOutputLayer, nonFinite } from '@gs/clipping';
import type { StabilityPlugin } from '@gs/core';
import type { ClippingName, RunConfiguration } from './configuration.js';

/** Global-norm clipping threshold of the demo. */
export const CLIP_NORM = 1;
/** AGC's clipping factor λ (NFNets use 0.01–0.16; 0.01 is `@gs/clipping`'s default). */
export const AGC_CLIPPING = 0.01;

function clippingPlugin(name: ClippingName): StabilityPlugin {
  switch (name) {
    case 'globalNorm':
      return clipByGlobalNorm(CLIP_NORM);
    case 'adaptive':
      return adaptiveClip({ clipping: AGC_CLIPPING, exclude: excludeOutputLayer });
    case 'nonFiniteSkip':
      return nonFinite({ policy: 'skip', maxConsecutive: 1_000_000 });
  }
}

/** The gradient transforms (`@gs/clipping`) of a configuration, in order. */
export function remedyPlugins(configuration: RunConfiguration): StabilityPlugin[] {
  return configuration.clipping.map(clippingPlugin);
}
