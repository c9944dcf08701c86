import { invalidOption, requireFinite } from '@gs/core';

/** Nonlinearities `calculateGain` knows (tfjs activation names; `conv*D` are linear too). */
export const NONLINEARITIES = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'selu',
] as const;

/** A nonlinearity `calculateGain` knows. */
export type Nonlinearity = (typeof NONLINEARITIES)[number];

/**
 * The recommended gain for weights feeding a nonlinearity, so the forward signal keeps its
 * variance (PyTorch `torch.nn.init.calculate_gain`):
 *
 * | nonlinearity | gain |
 * |---|---|
 * | linear, conv1d/2d/3d, sigmoid | 1 |
 * | tanh | 5/3 |
 * | relu | √2 |
 * | leakyRelu | √(2 / (1 + slope²)), slope = `param`, default 0.01 |
 * | selu | 3/4 |
 *
 * @param nonlinearity a name from the table (tfjs activation spelling; `'leaky_relu'` is accepted).
 * @param param the negative slope for `leakyRelu`.
 * @throws RangeError for an unknown name, listing the known ones.
 * @example
 * calculateGain('relu'); // 1.4142135623730951
 * calculateGain('leakyRelu', 0.2); // √(2 / 1.04)
 * Source: PyTorch `calculate_gain`; He et al. 2015 (ReLU), Klambauer et al. 2017 (SELU: 3/4 is
 * PyTorch's choice for the SELU gain).
 */
export function calculateGain(nonlinearity: Nonlinearity | string, param?: number): number {
  return Math.sqrt(squaredGain('calculateGain', nonlinearity, param));
}

/**
 * The square of `calculateGain` computed exactly (2 for relu, 25/9 for tanh, 2/(1 + slope²) for
 * leakyRelu), the `scale` a variance-scaling initializer needs for that nonlinearity.
 *
 * @example
 * heNormal({ nonlinearity: 'tanh' }).scale === gainSquared('tanh'); // 25/9
 */
export function gainSquared(nonlinearity: Nonlinearity | string, param?: number): number {
  return squaredGain('gainSquared', nonlinearity, param);
}

/**
 * `gainSquared` with the caller's name in errors; `paramName` is what the caller calls the
 * leaky-ReLU slope (`param`, or `a` in the He presets).
 */
export function squaredGain(where: string, nonlinearity: unknown, param: unknown, paramName = 'param'): number {
  const name = nonlinearity === 'leaky_relu' ? 'leakyRelu' : nonlinearity;
  if (param !== undefined) requireFinite(where, paramName, param);
  switch (name) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 25 / 9;
    case 'relu':
      return 2;
    case 'leakyRelu': {
      const slope = param === undefined ? 0.01 : (param as number);
      return 2 / (1 + slope * slope);
    }
    case 'selu':
      return 9 / 16;
    default:
      return invalidOption(where, 'nonlinearity', `one of ${NONLINEARITIES.map((known) => JSON.stringify(known)).join(', ')}`, nonlinearity);
  }
}
