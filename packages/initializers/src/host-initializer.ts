import * as tf from '@tensorflow/tfjs';
import { freshSeed, SeededRandom } from './random.js';

/** The tfjs `Initializer` type (tfjs exports instances, not the class). */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** The type of the tfjs `Initializer` base class: constructed without arguments. */
export interface InitializerConstructor {
  /** Creates an initializer; the base class itself is abstract, only subclasses are constructed. */
  new (): Initializer;
}

/**
 * The tfjs `Initializer` base class, reached through an instance because tfjs does not export it.
 * tfjs layers check `instanceof` it, so our initializers must be true subclasses.
 */
export const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as InitializerConstructor;

/** Plain-object config of an initializer, as `getConfig` returns it. */
export type InitializerConfig = tf.serialization.ConfigDict;

/**
 * Base of every initializer in this package: values are computed on the host in float64 by
 * `generate` from a seeded generator, rounded to float32 and uploaded with `tf.tensor`. So
 * `apply` is synchronous (as tfjs requires), works on every backend, and the same seed gives the
 * same float32 values on cpu, wasm and webgpu.
 *
 * Seeding: with a `seed`, every `apply` call starts the generator from that seed, so the same
 * initializer object gives the same values for the same shape (Keras 3 behaviour: give each layer
 * its own seed). Without one, every call draws a fresh seed.
 *
 * Initializers run when a layer is built, never in a training step, so host computation is allowed.
 */
export abstract class HostInitializer extends InitializerBase {
  /** The seed, or `null` for a fresh random seed per call. */
  readonly seed: number | null;

  constructor(seed: number | null | undefined) {
    super();
    this.seed = seed ?? null;
  }

  /** Values for `shape`, row-major, computed with `random`. */
  protected abstract generate(shape: readonly number[], random: SeededRandom): Float64Array | Float32Array;

  /** tfjs entry point: a float32 tensor of `shape`. */
  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    if (dtype !== undefined && dtype !== 'float32') {
      throw new TypeError(`${this.getClassName()}: only float32 weights are supported, got dtype ${dtype}`);
    }
    return tf.tensor(this.values(shape), shape, 'float32');
  }

  /** The float32 values `apply` uploads for `shape`, row-major, computed on the host. */
  values(shape: readonly number[]): Float32Array {
    const values = this.generate(shape, new SeededRandom(this.seed ?? freshSeed()));
    return values instanceof Float32Array ? values : Float32Array.from(values);
  }

  /** Options to rebuild this initializer with; subclasses add their own (tfjs saves them with the model). */
  override getConfig(): InitializerConfig {
    return { seed: this.seed };
  }

  /** Builds from a saved config; drops the `customObjects` entry tfjs adds when loading a model. */
  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects: _ignored, ...options } = config;
    return new cls(options);
  }
}

/**
 * Rebuilds an initializer from `{className, config}` (as `getConfig` nests them) with the tfjs
 * serialization registry, or returns an initializer instance unchanged.
 */
export function initializerFrom(where: string, option: string, value: unknown): Initializer {
  if (value instanceof InitializerBase) return value as Initializer;
  const entry = value as { className?: unknown; config?: unknown } | null;
  if (entry && typeof entry === 'object' && typeof entry.className === 'string') {
    const registered = tf.serialization.SerializationMap.getMap().classNameMap[entry.className];
    if (!registered) throw new RangeError(`${where}: ${option} names an unregistered initializer class '${entry.className}'`);
    const [cls, fromConfig] = registered;
    const created = fromConfig(cls, (entry.config ?? {}) as tf.serialization.ConfigDict);
    if (created instanceof InitializerBase) return created as Initializer;
  }
  throw new RangeError(`${where}: ${option} must be an initializer or its {className, config}, got ${JSON.stringify(value)}`);
}

/** `{className, config}` of an initializer, the form tfjs saves nested initializers in. */
export function serializeInitializer(initializer: Initializer): InitializerConfig {
  return { className: initializer.getClassName(), config: initializer.getConfig() };
}

/** Product of the entries (1 for an empty list). */
export function product(values: readonly number[]): number {
  return values.reduce((total, value) => total * value, 1);
}
