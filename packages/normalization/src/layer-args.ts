import type * as tf from '@tensorflow/tfjs';

/** The options every tfjs layer accepts (name, inputShape, trainable, …), as tfjs's `LayerArgs`. */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Names of the `BaseLayerArgs` options, for `rejectUnknownOptions`. */
export const BASE_LAYER_ARG_NAMES = [
  'inputShape',
  'batchInputShape',
  'batchSize',
  'dtype',
  'name',
  'trainable',
  'weights',
  'inputDType',
  // Added by tfjs when it re-creates a layer from a saved config (tf.loadLayersModel).
  'customObjects',
] as const;

/** The tfjs call-time keyword arguments (`{training: true}` during `fit`). */
export type CallKwargs = Record<string, unknown>;
