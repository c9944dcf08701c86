import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireInteger, requireOptions } from '@gs/core';
import {
  HostInitializer,
  type Initializer,
  type InitializerConfig,
  initializerFrom,
  serializeInitializer,
} from './host-initializer.js';
import { heNormal } from './variance-scaling-presets.js';

/** Options of `icnr`. */
export interface IcnrOptions {
  /** Upscaling factor of the following `depthToSpace` (block size); integer ≥ 2. Default 2. */
  scale?: number;
  /**
   * Initializer of the sub-kernel `[...kernel, in, out / scale²]`, one of this package's
   * initializers (or its saved `{className, config}`). Default `heNormal()`.
   */
  initializer?: Initializer | InitializerConfig;
}

/**
 * ICNR ("initialized to convolution NN resize") for the convolution before a sub-pixel
 * `tf.depthToSpace(x, scale)`: a sub-kernel `W₀` of shape `[...kernel, in, out/scale²]` is drawn
 * with `initializer`, and output channel `j` of the kernel is `W₀[..., j mod (out/scale²)]` — the
 * order tfjs's `depthToSpace` (channels-last, block offset major) reads channels in. Every
 * `scale × scale` output block then starts equal, i.e. nearest-neighbour upsampling of `W₀`'s
 * output, which removes the checkerboard artefacts of sub-pixel convolution at initialization (the
 * seed's super-resolution heuristic). Requires `out` divisible by `scale²`.
 *
 * Defaults: scale 2, initializer `heNormal()`. Serialized as `GsIcnr`, with the inner initializer
 * nested.
 *
 * @example
 * const conv = tf.layers.conv2d({ filters: 3 * 4, kernelSize: 3, padding: 'same', kernelInitializer: icnr({ scale: 2 }) });
 * // then tf.depthToSpace(conv output, 2)
 * Source: Aitken et al. 2017, "Checkerboard artifact free sub-pixel convolution"; Shi et al. 2016
 * (sub-pixel convolution).
 */
export class Icnr extends HostInitializer {
  /** Name in the tfjs serialization registry and in saved models. */
  static className = 'GsIcnr';
  /** Upscaling factor (block size) of the following `depthToSpace`; integer ≥ 2. Default 2. */
  readonly scale: number;
  /** Initializer of the sub-kernel `[...kernel, in, out / scale²]`. Default `heNormal()`. */
  readonly initializer: HostInitializer;

  constructor(options: IcnrOptions = {}) {
    const opts = requireOptions<IcnrOptions>('icnr', options, ['scale', 'initializer']);
    super(null);
    this.scale = opts.scale === undefined ? 2 : requireInteger('icnr', 'scale', opts.scale, 2);
    const inner = opts.initializer === undefined ? heNormal() : initializerFrom('icnr', 'initializer', opts.initializer);
    if (!(inner instanceof HostInitializer)) {
      invalidOption('icnr', 'initializer', "one of @gs/initializers' initializers (computed on the host)", inner.getClassName());
    }
    this.initializer = inner;
  }

  protected generate(shape: readonly number[]): Float32Array {
    const blocks = this.scale * this.scale;
    const outChannels = shape[shape.length - 1]!;
    if (shape.length < 3 || outChannels % blocks !== 0) {
      throw new RangeError(
        `icnr: shape must be a conv kernel [...kernel, in, out] with out divisible by scale² = ${blocks}, got [${shape.join(', ')}]`,
      );
    }
    const subChannels = outChannels / blocks;
    const sub = this.initializer.values([...shape.slice(0, -1), subChannels]);
    const values = new Float32Array(tf.util.sizeFromShape([...shape]));
    const positions = values.length / outChannels;
    for (let p = 0; p < positions; p++) {
      for (let j = 0; j < outChannels; j++) values[p * outChannels + j] = sub[p * subChannels + (j % subChannels)]!;
    }
    return values;
  }

  /** Options to rebuild this initializer with (`{scale, initializer}`, the inner one as `{className, config}`); tfjs saves them with the model. */
  override getConfig(): InitializerConfig {
    return { scale: this.scale, initializer: serializeInitializer(this.initializer) };
  }
}
tf.serialization.registerClass(Icnr);

/**
 * ICNR initializer for sub-pixel convolution (see `Icnr`). Defaults: scale 2, `heNormal()`.
 * @example tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', kernelInitializer: icnr({ scale: 2, initializer: glorotUniform({ seed: 1 }) }) });
 * Source: Aitken et al. 2017.
 */
export function icnr(options: IcnrOptions = {}): Icnr {
  return new Icnr(options);
}
