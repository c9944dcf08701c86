import * as tf from '@tensorflow/tfjs';
import { checkCallSite, invalidOption, requireArray, requireBoolean, requireInteger, requireOneOf, requireOptions, requireString } from './validate.js';

/** The options every tfjs layer takes (tfjs's `LayerArgs`), as names. */
export const LAYER_ARGUMENT_NAMES = [
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

const DTYPES = ['float32', 'int32', 'bool', 'complex64', 'string'] as const;
/** tfjs's rule for layer and weight names (`Not a valid tensor name` otherwise). */
const VALID_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

function requireInputShape(where: string, option: string, value: unknown): void {
  const ok = Array.isArray(value) && value.every((size) => size === null || (Number.isInteger(size) && size > 0));
  if (!ok) invalidOption(where, option, 'an array of positive integers (null for any size)', value);
}

/**
 * Checks a custom layer's options before tfjs sees them (call it in `super(…)`): `undefined`
 * becomes `{}`; unknown names (besides `own` and `LAYER_ARGUMENT_NAMES`) and `null` values are
 * refused as in `requireOptions`; tfjs's own options are checked (`name` a valid tensor name,
 * `trainable` a boolean, `inputShape`/`batchInputShape` arrays of sizes, `batchSize`, `dtype`,
 * `weights`), which tfjs itself accepts silently or rejects deep inside. Returns the options.
 *
 * @example
 * constructor(args: MyLayerArgs = {}) {
 *   super(requireLayerArgs('myLayer', args, ['units']));
 * }
 */
export function requireLayerArgs<T extends object>(
  where: string,
  args: unknown,
  own: readonly string[],
  settings: { nullable?: readonly string[]; argument?: string } = {},
): Partial<T> {
  checkCallSite('requireLayerArgs', where, 'options');
  requireArray('requireLayerArgs', 'own', own, (name, label) => requireString('requireLayerArgs', label, name));
  const { nullable = [], argument = 'options' } = requireOptions<{ nullable: string[]; argument: string }>(
    'requireLayerArgs',
    settings,
    ['nullable', 'argument'],
    'settings',
  );
  requireArray('requireLayerArgs', 'nullable', nullable, (name, label) => requireString('requireLayerArgs', label, name));
  requireString('requireLayerArgs', 'argument', argument);
  const checked = requireOptions<Record<string, unknown>>(where, args, [...own, ...LAYER_ARGUMENT_NAMES], {
    argument,
    nullable,
  });
  const { name, trainable, inputShape, batchInputShape, batchSize, dtype, inputDType, weights } = checked;
  if (name !== undefined && !VALID_NAME.test(requireString(where, 'name', name))) {
    invalidOption(where, 'name', 'a valid tfjs name (letters, digits, and - . _ / after the first character)', name);
  }
  if (trainable !== undefined) requireBoolean(where, 'trainable', trainable);
  if (inputShape !== undefined) requireInputShape(where, 'inputShape', inputShape);
  if (batchInputShape !== undefined) requireInputShape(where, 'batchInputShape', batchInputShape);
  if (batchSize !== undefined) requireInteger(where, 'batchSize', batchSize);
  if (dtype !== undefined) requireOneOf(where, 'dtype', dtype, DTYPES);
  if (inputDType !== undefined) requireOneOf(where, 'inputDType', inputDType, DTYPES);
  if (weights !== undefined) {
    requireArray(where, 'weights', weights, (weight, label) => {
      if (!(weight instanceof tf.Tensor)) invalidOption(where, label, 'a tf.Tensor', weight);
      return weight;
    });
  }
  return checked as Partial<T>;
}

/** The activation names tfjs-layers 4.22 accepts (`ActivationIdentifier`). */
export const ACTIVATION_NAMES = [
  'elu',
  'hardSigmoid',
  'linear',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
] as const;

/**
 * A tfjs activation name such as `'relu'`, checked up front (tfjs would say "Unknown activation"
 * only when the layer is built, without naming the option).
 */
export function requireActivation(where: string, option: string, value: unknown): (typeof ACTIVATION_NAMES)[number] {
  checkCallSite('requireActivation', where, option);
  return requireOneOf(where, option, value, ACTIVATION_NAMES);
}

