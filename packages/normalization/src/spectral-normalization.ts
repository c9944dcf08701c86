import * as tf from '@tensorflow/tfjs';
import { requireInteger, requireLayer, requireLayerArgs, requirePositive } from '@gs/core';
import { KernelWrapper, type KernelWrapperArgs } from './kernel-wrapper.js';
import { type BaseLayerArgs } from './layer-args.js';

/** Options of `spectralNormalization`. */
export interface SpectralNormalizationOptions extends BaseLayerArgs {
  /** Power-iteration steps per training call. Default 1. */
  powerIterations?: number;
  /** Floor of the norms when normalizing u and v: `x / max(‖x‖, eps)`. Default 1e-12. */
  eps?: number;
  /** Seed of the random start vectors (for reproducible runs). Default: unseeded. */
  seed?: number;
}

/** This wrapper's own options (besides `layer` and tfjs's layer options). */
const OWN_OPTIONS = ['powerIterations', 'eps', 'seed'];
const WHERE = 'spectralNormalization';
/** Power-iteration steps run once when the layer is built, as PyTorch's parametrization does. */
const INITIAL_POWER_ITERATIONS = 15;

/**
 * Spectral normalization: divides the wrapped layer's kernel by an estimate of its largest
 * singular value σ, so the layer is (about) 1-Lipschitz.
 *
 * With the kernel reshaped to a matrix `K` of shape `[fanIn, units]` (tfjs layout; PyTorch's
 * `W_mat = Kᵀ`), one power-iteration step is `v ← normalize(K·u)`, `u ← normalize(Kᵀ·v)`, and
 * `σ = vᵀ·K·u`; the layer uses `K / σ`. u (`[units]`) and v (`[fanIn]`) live in non-trainable
 * weights and advance `powerIterations` steps only when called with `training: true` (`fit`);
 * inference reuses the stored u, v. Gradients flow through σ with u, v held constant.
 *
 * Follows the PyTorch convention (`torch.nn.utils.parametrizations.spectral_norm`: the original
 * kernel is kept and trained, W/σ is recomputed each call, 15 power iterations at creation,
 * eps 1e-12), not Keras's `SpectralNormalization`, which overwrites the kernel with W/σ in
 * training and does not back-propagate through σ.
 * Serialized as `className: 'GsSpectralNormalization'`. Weights: kernel, bias, u, v.
 *
 * Source: Miyato et al., "Spectral Normalization for Generative Adversarial Networks", ICLR 2018.
 *
 * @example
 * model.add(spectralNormalization(tf.layers.dense({units: 128, activation: 'relu'})));
 */
export class SpectralNormalization extends KernelWrapper {
  /** Name under which the class is registered for serialization. */
  static className = 'GsSpectralNormalization';
  /** Power-iteration steps per training call. */
  readonly powerIterations: number;
  /** Floor of the norms when normalizing u and v. */
  readonly eps: number;
  /** Seed of the random start vectors, if any. */
  readonly seed: number | undefined;
  private u!: tf.LayerVariable;
  private v!: tf.LayerVariable;

  constructor(args: KernelWrapperArgs & SpectralNormalizationOptions) {
    super(WHERE, args, OWN_OPTIONS);
    this.powerIterations = requireInteger(WHERE, 'powerIterations', args.powerIterations ?? 1, 1);
    this.eps = requirePositive(WHERE, 'eps', args.eps ?? 1e-12);
    this.seed = args.seed == null ? undefined : requireInteger(WHERE, 'seed', args.seed, 0);
  }

  /** `x / max(‖x‖, eps)` (PyTorch `F.normalize`). */
  private normalize(x: tf.Tensor): tf.Tensor {
    return tf.div(x, tf.maximum(tf.norm(x), this.eps));
  }

  /** Runs `steps` power-iteration steps on `matrix` from the stored u and writes u, v back. */
  private advance(matrix: tf.Tensor2D, steps: number): void {
    tf.tidy(() => {
      let u = this.u.read().reshape([-1, 1]) as tf.Tensor2D;
      let v = this.v.read().reshape([-1, 1]) as tf.Tensor2D;
      for (let i = 0; i < steps; i++) {
        v = this.normalize(tf.matMul(matrix, u)) as tf.Tensor2D;
        u = this.normalize(tf.matMul(matrix, v, true, false)) as tf.Tensor2D;
      }
      this.u.write(u.reshape([-1]));
      this.v.write(v.reshape([-1]));
    });
  }

  private asMatrix(kernel: tf.Tensor): tf.Tensor2D {
    return kernel.reshape([-1, kernel.shape[kernel.rank - 1]!]) as tf.Tensor2D;
  }

  protected buildWrapperWeights(kernelShape: number[]): void {
    const units = kernelShape[kernelShape.length - 1]!;
    const fanIn = kernelShape.slice(0, -1).reduce((a, b) => a * b, 1);
    const start = (seed: number | undefined) => tf.initializers.randomNormal({ mean: 0, stddev: 1, ...(seed == null ? {} : { seed }) });
    this.u = this.addWeight('u', [units], 'float32', start(this.seed), undefined, false);
    this.v = this.addWeight('v', [fanIn], 'float32', start(this.seed == null ? undefined : this.seed + 1), undefined, false);
    tf.tidy(() => {
      this.u.write(this.normalize(this.u.read()));
      this.advance(this.asMatrix(this.kernel.read()), INITIAL_POWER_ITERATIONS);
    });
  }

  protected effectiveKernel(kernel: tf.Tensor, training: boolean): tf.Tensor {
    const matrix = this.asMatrix(kernel);
    // The power iteration writes u and v; reading them back afterwards gives σ the stored
    // (constant) vectors, so the gradient flows through K only, as in PyTorch.
    if (training) this.advance(matrix, this.powerIterations);
    const u = this.u.read().reshape([-1, 1]) as tf.Tensor2D;
    const v = this.v.read().reshape([1, -1]) as tf.Tensor2D;
    const sigma = tf.matMul(tf.matMul(v, matrix), u).reshape([]);
    return tf.div(kernel, sigma);
  }

  /** The current estimate σ = vᵀ·K·u of the kernel's largest singular value (a scalar tensor). */
  sigma(): tf.Scalar {
    return tf.tidy(() => {
      const matrix = this.asMatrix(this.kernel.read());
      return tf.matMul(tf.matMul(this.v.read().reshape([1, -1]), matrix), this.u.read().reshape([-1, 1])).reshape([]) as tf.Scalar;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      powerIterations: this.powerIterations,
      eps: this.eps,
      ...(this.seed == null ? {} : { seed: this.seed }),
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({ ...config, layer: KernelWrapper.wrappedLayerFromConfig(config) });
  }
}
tf.serialization.registerClass(SpectralNormalization);

/**
 * Wraps a Dense/Conv1D/Conv2D layer in spectral normalization (see `SpectralNormalization`):
 * kernel `W / σ(W)`, σ by power iteration advanced only in training. Defaults: powerIterations 1,
 * eps 1e-12.
 *
 * @example
 * const critic = spectralNormalization(tf.layers.conv2d({filters: 64, kernelSize: 3}));
 */
export function spectralNormalization(layer: tf.layers.Layer, options: SpectralNormalizationOptions = {}): SpectralNormalization {
  requireLayer(WHERE, 'layer', layer);
  return new SpectralNormalization({ ...requireLayerArgs<SpectralNormalizationOptions>(WHERE, options, OWN_OPTIONS), layer });
}
