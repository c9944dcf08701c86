import type * as tf from '@tensorflow/tfjs';

/** The options every tfjs layer accepts (name, inputShape, trainable, …), as tfjs's `LayerArgs`. */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** The tfjs call-time keyword arguments (`{training: true}` during `fit`). */
export type CallKwargs = Record<string, unknown>;
