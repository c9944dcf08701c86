import * as tf from '@tensorflow/tfjs';
import { useHostKernels } from './host-kernels.js';
import { SELECT_MANY } from './kernel-names.js';
import { invalidOption, requireTensor } from './validate.js';

/**
 * `condition ? whenTrue : whenFalse` for whole tensors, with a scalar (or one-element) boolean or
 * 0/1 `condition` decided on the device: no host sync, bit-exact (each entry is copied from one
 * side, so NaN, ±Infinity and −0 pass unchanged). `whenTrue` and `whenFalse` have the same shape.
 *
 * On wasm and cpu one kernel that returns the chosen tensor itself (nothing is copied); on WebGPU
 * one `Select` kernel, whose select program reads a one-element condition per row. Elsewhere the
 * condition is first broadcast to the full shape with element-wise kernels, and `Select` runs on
 * that; `tf.where` is avoided because its broadcast goes through `Tile` and copies both sides.
 *
 * @example
 * variable.assign(selectIf(skip, before, variable)); // undo an update when `skip` holds
 */
export function selectIf(condition: tf.Tensor, whenTrue: tf.Tensor, whenFalse: tf.Tensor): tf.Tensor {
  requireTensor('selectIf', 'condition', condition);
  if (condition.size !== 1) invalidOption('selectIf', 'condition', 'a tf.Tensor of rank 0 (or any one-element tensor)', condition);
  requireTensor('selectIf', 'whenTrue', whenTrue);
  requireTensor('selectIf', 'whenFalse', whenFalse);
  return tf.tidy(() => new ConditionalSelect().select(condition, whenTrue, whenFalse));
}

/**
 * `selectIf` for many tensors under the same conditions: where a condition must be broadcast
 * (not on wasm, cpu or WebGPU), once per shape, and zeros are made once per shape. The caller keeps the
 * tensors it makes alive (run it inside one `tf.tidy`, or `keep` and dispose them).
 */
export class ConditionalSelect {
  /** Broadcast conditions by the condition's data (a reshaped condition shares it) and shape. */
  private readonly broadcasts = new Map<object, Map<string, tf.Tensor>>();
  private readonly zeroTensors = new Map<string, tf.Tensor>();

  constructor(private readonly keep: <T extends tf.Tensor>(tensor: T) => T = (tensor) => tensor) {}

  /** `condition ? whenTrue : whenFalse`, see `selectIf`. */
  select(condition: tf.Tensor, whenTrue: tf.Tensor, whenFalse: tf.Tensor): tf.Tensor {
    if (condition.size !== 1) throw new Error(`selectIf: condition must have one element, got shape [${condition.shape}]`);
    if (!tf.util.arraysEqual(whenTrue.shape, whenFalse.shape)) {
      throw new Error(`selectIf: whenTrue [${whenTrue.shape}] and whenFalse [${whenFalse.shape}] must have the same shape`);
    }
    if (useHostKernels()) {
      return (tf.engine().runKernel(SELECT_MANY, { condition, t0: whenTrue, e0: whenFalse }) as tf.Tensor[])[0]!;
    }
    if (tf.getBackend() === 'webgpu') {
      return tf.tidy(() => {
        const flag = condition.dtype === 'bool' ? condition : tf.notEqual(condition, 0);
        const selected = tf.engine().runKernel('Select', {
          condition: tf.reshape(flag, [1]),
          t: tf.reshape(whenTrue, [1, -1]),
          e: tf.reshape(whenFalse, [1, -1]),
        }) as tf.Tensor;
        return tf.reshape(selected, whenTrue.shape);
      });
    }
    return tf.engine().runKernel('Select', {
      condition: this.broadcast(condition, whenTrue.shape),
      t: whenTrue,
      e: whenFalse,
    }) as tf.Tensor;
  }

  /** Zeros of `shape` (float32), one tensor per shape. */
  zeros(shape: readonly number[]): tf.Tensor {
    const key = shape.join(',');
    let zeros = this.zeroTensors.get(key);
    if (!zeros) {
      zeros = this.keep(tf.zeros([...shape]));
      this.zeroTensors.set(key, zeros);
    }
    return zeros;
  }

  /** `condition` as a boolean tensor of `shape`: zeros + condition ≠ 0 (element-wise kernels, no Tile). */
  private broadcast(condition: tf.Tensor, shape: readonly number[]): tf.Tensor {
    let byShape = this.broadcasts.get(condition.dataId);
    if (!byShape) {
      byShape = new Map();
      this.broadcasts.set(condition.dataId, byShape);
    }
    const key = shape.join(',');
    let full = byShape.get(key);
    if (!full) {
      const value = condition.dtype === 'float32' ? tf.reshape(condition, []) : tf.cast(tf.reshape(condition, []), 'float32');
      full = this.keep(tf.notEqual(tf.add(this.zeros(shape), value), 0));
      byShape.set(key, full);
    }
    return full;
  }
}
