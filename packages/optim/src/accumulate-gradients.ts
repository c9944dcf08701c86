import * as tf from '@tensorflow/tfjs';
import { requireBoolean, requireInteger, requireOptions, type GradientMap, type StabilityPlugin } from '@gs/core';
import { ranBefore } from './plugin-order.js';

/** Options for `accumulateGradients`. */
export interface AccumulateGradientsOptions {
  /** Micro-batches per update (Optax `every_k_schedule`, Keras `gradient_accumulation_steps`). Required, ≥ 1. */
  steps: number;
  /** Average the micro-batch gradients (default `true`, Optax `use_grad_mean`) or sum them (`false`). */
  average?: boolean;
}

/** An `accumulateGradients` plugin: a `StabilityPlugin` that also tells where in the window it is. */
export interface AccumulateGradientsPlugin extends StabilityPlugin {
  /** Micro-batches already held for the next update (0 right after an update). */
  readonly pending: number;
}

/** @gs/optim plugins that must see the whole batch's gradient, so they belong after the accumulation. */
export const WHOLE_BATCH_PLUGINS = ['trustRatio'] as const;

/**
 * Gradient accumulation: one update of the wrapped optimizer per `steps` micro-batches, with the
 * mean of their gradients `g = (g₁ + … + g_steps) / steps` — the update of one batch `steps` times
 * larger (for a mean loss over equal micro-batches) at the memory of one micro-batch. On the other
 * steps the gradient is added to an on-device buffer and the update is deferred
 * (`ctx.deferUpdate()`, a host decision from the step count): the wrapped optimizer is not called,
 * so Adam's moments, its bias correction and `iterations` advance once per update, as with the big
 * batch; the plugins after this one and every `afterUpdate` run only on update steps. Memory: one
 * buffer the size of the parameters, reused.
 *
 * Order: plugins before it see every micro-batch (clipping or `nonFinite` per micro-batch — a
 * micro-batch they zero contributes zero, and the mean still divides by `steps`; a skip requested
 * on the last micro-batch of a window undoes that window's update); plugins after it
 * see the accumulated gradient. `trustRatio` must come after it (it needs the whole batch's
 * gradient): the other order is an error. Schedules may go anywhere (they count updates).
 * The buffer is not saved by `model.save`: a window cut by save/load starts over.
 *
 * Records (on reporting steps) `update` (1 on the step that updates, else 0).
 * Anchors: Optax `MultiSteps(opt, every_k_schedule=steps)`, Keras 3 optimizer
 * `gradient_accumulation_steps`.
 *
 * @example
 * // Batches of 32, updates as with batches of 128.
 * const optimizer = stabilize(tf.train.adam(1e-3), [accumulateGradients({ steps: 4 })], { model });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 * await model.fit(xs, ys, { batchSize: 32, epochs: 5 });
 */
export function accumulateGradients(options: AccumulateGradientsOptions): AccumulateGradientsPlugin {
  const where = 'accumulateGradients';
  const opts = requireOptions<AccumulateGradientsOptions>(where, options, ['steps', 'average']);
  const steps = requireInteger(where, 'steps', opts.steps);
  const average = requireBoolean(where, 'average', opts.average ?? true);
  let buffers = new Map<string, tf.Variable>();
  let pending = 0;
  /** Variables with a gradient held in the current window. */
  const held = new Set<string>();

  const disposeBuffers = () => {
    tf.dispose([...buffers.values()]);
    buffers = new Map();
  };
  const bufferFor = (name: string, like: tf.Tensor): tf.Variable => {
    let buffer = buffers.get(name);
    if (!buffer || !tf.util.arraysEqual(buffer.shape, like.shape)) {
      buffer?.dispose();
      buffer = tf.variable(tf.zerosLike(like), false);
      buffers.set(name, buffer);
    }
    return buffer;
  };

  return {
    name: where,
    get pending() {
      return pending;
    },
    setup() {
      // A new parameter list (or a re-attached plugin) starts a fresh window.
      disposeBuffers();
      pending = 0;
      held.clear();
    },
    transformGradients(grads, ctx) {
      const misplaced = ranBefore(ctx, WHOLE_BATCH_PLUGINS);
      if (misplaced.length > 0) {
        throw new Error(
          `${where}: ${misplaced.join(', ')} runs before ${where} in the plugin list, so it would act on each micro-batch's gradient ` +
            `instead of the accumulated one; put ${where} before ${misplaced.join(', ')}`,
        );
      }
      if (ctx.reporting) ctx.record('update', pending === steps - 1 ? 1 : 0);
      if (steps === 1) return;
      if (pending < steps - 1) {
        for (const [name, g] of Object.entries(grads)) {
          const buffer = bufferFor(name, g);
          // The first gradient of a window overwrites the buffer, so nothing is reset after an update.
          buffer.assign(held.has(name) ? tf.add(buffer, g) : g);
          held.add(name);
        }
        pending++;
        ctx.deferUpdate();
        return;
      }
      const scale = average ? 1 / steps : 1;
      const result: GradientMap = {};
      for (const [name, g] of Object.entries(grads)) {
        const sum = held.has(name) ? tf.add(buffers.get(name)!, g) : g;
        result[name] = scale === 1 ? sum : tf.mul(sum, scale);
      }
      // (A variable with gradients in earlier micro-batches but none in this one gets no update:
      // the gradient list of this step has no entry to carry it.)
      pending = 0;
      held.clear();
      return result;
    },
    dispose() {
      disposeBuffers();
      pending = 0;
      held.clear();
    },
  };
}
