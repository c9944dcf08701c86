import * as tf from '@tensorflow/tfjs';
import { describeValue } from './validate.js';

/**
 * The optimizer names `model.compile({ optimizer })` accepts in tfjs-layers 4.22, each in its
 * lower-case and its class-name spelling.
 */
export const OPTIMIZER_NAMES = [
  'sgd', 'SGD', 'adam', 'Adam', 'adagrad', 'Adagrad', 'adadelta', 'Adadelta', 'adamax', 'Adamax', 'rmsprop', 'RMSProp',
] as const;

/** An optimizer name `model.compile` accepts, e.g. `'adam'`. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * Creates the optimizer `model.compile({ optimizer: name })` would create, with tfjs-layers'
 * defaults for that name (ε is the backend's epsilon, 1e-7 in float32):
 *
 * | name | optimizer |
 * |---|---|
 * | `sgd` / `SGD` | `tf.train.sgd(0.01)` |
 * | `adam` / `Adam` | `tf.train.adam(0.001, 0.9, 0.999, ε)` |
 * | `adagrad` / `Adagrad` | `tf.train.adagrad(0.01)` |
 * | `adadelta` / `Adadelta` | `tf.train.adadelta(1, 0.95, ε)` |
 * | `adamax` / `Adamax` | `tf.train.adamax(0.002, 0.9, 0.999, ε, 0)` |
 * | `rmsprop` / `RMSProp` | `tf.train.rmsprop(0.001, 0.9, 0, ε)` |
 *
 * Source: tfjs-layers `getOptimizer` (src/optimizers.ts), which `LayersModel.compile` calls for a
 * string. Unknown names throw an error listing the known ones (tfjs-layers has no `'momentum'`:
 * use `tf.train.momentum(lr, m)`).
 *
 * @example
 * stabilize(optimizerByName('adam'), [clipByGlobalNorm(1)]); // same as stabilize('adam', [...])
 */
export function optimizerByName(name: OptimizerName): tf.Optimizer {
  return createNamedOptimizer('optimizerByName', 'name', name);
}

/**
 * `optimizer` as given to `stabilize`/`createTrainer`: a name becomes the optimizer
 * `model.compile` would create for it; anything else is returned as it is, for the caller to check.
 */
export function resolveOptimizer(where: string, optimizer: unknown): unknown {
  return typeof optimizer === 'string' ? createNamedOptimizer(where, 'optimizer', optimizer) : optimizer;
}

function createNamedOptimizer(where: string, option: string, name: unknown): tf.Optimizer {
  const epsilon = tf.backend().epsilon();
  switch (name) {
    case 'sgd':
    case 'SGD':
      return tf.train.sgd(0.01);
    case 'adam':
    case 'Adam':
      return tf.train.adam(0.001, 0.9, 0.999, epsilon);
    case 'adagrad':
    case 'Adagrad':
      return tf.train.adagrad(0.01);
    case 'adadelta':
    case 'Adadelta':
      return tf.train.adadelta(1, 0.95, epsilon);
    case 'adamax':
    case 'Adamax':
      return tf.train.adamax(0.002, 0.9, 0.999, epsilon, 0);
    case 'rmsprop':
    case 'RMSProp':
      return tf.train.rmsprop(0.001, 0.9, 0, epsilon);
    default:
      throw new RangeError(
        `${where}: ${option} must be ${option === 'optimizer' ? 'a tf.Optimizer such as tf.train.adam(1e-3) or ' : ''}one of the optimizer names model.compile accepts (${OPTIMIZER_NAMES.map((known) => `'${known}'`).join(', ')}; for momentum use tf.train.momentum(learningRate, momentum)), got ${describeValue(name)}`,
      );
  }
}
