import * as tf from '@tensorflow/tfjs';

/**
 * Validation helpers for plain options, shared by every plugin so that bad input always gets the
 * same kind of error: it names the function, the option and the value it got.
 *
 * The usual shape of a factory:
 *
 * @example
 * export function myPlugin(options: MyOptions = {}): StabilityPlugin {
 *   const where = 'myPlugin';
 *   const opts = requireOptions<MyOptions>(where, options, ['rate', 'verbose']);
 *   const rate = requirePositive(where, 'rate', opts.rate ?? 0.1);
 *   const verbose = requireBoolean(where, 'verbose', opts.verbose ?? false);
 *   …
 * }
 */

/**
 * A short, readable description of any value for an error message: numbers and strings as
 * written, tensors by shape and dtype, models and layers by class and name, functions by name,
 * plain objects and arrays as (truncated) JSON.
 *
 * @example
 * describeValue(tf.zeros([2, 3])); // 'a float32 tensor of shape [2,3]'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (value instanceof tf.Tensor) return `a ${value.dtype} tensor of shape [${value.shape.join(',')}]`;
  if (value instanceof tf.LayersModel) return `a tf.LayersModel ('${value.name}')`;
  if (value instanceof tf.layers.Layer) return `a ${value.getClassName()} layer ('${value.name}')`;
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (!Array.isArray(value) && prototype !== null && prototype !== Object.prototype) {
    const name = (prototype.constructor as { name?: string } | undefined)?.name;
    if (name) return `a ${name}`;
  }
  try {
    const json = JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'number' && !Number.isFinite(item) ? String(item) : item,
    );
    if (json === undefined) return String(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return String(value);
  }
}

/** Throws `RangeError: <where>: <option> must be …, got <value>`. */
export function invalidOption(where: string, option: string, expected: string, value: unknown): never {
  throw new RangeError(`${where}: ${option} must be ${expected}, got ${describeValue(value)}`);
}

/** A finite number (not NaN, not ±Infinity). */
export function requireFinite(where: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalidOption(where, option, 'a finite number', value);
  return value;
}

/** A finite number > 0. */
export function requirePositive(where: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    invalidOption(where, option, 'a finite number > 0', value);
  }
  return value;
}

/** A finite number ≥ 0. */
export function requireNonNegative(where: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalidOption(where, option, 'a finite number ≥ 0', value);
  }
  return value;
}

/** An integer ≥ `min` (default 1). */
export function requireInteger(where: string, option: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalidOption(where, option, `an integer ≥ ${min}`, value);
  }
  return value;
}

/** A number in a range; `lowOpen`/`highOpen` exclude the ends. */
export function requireInRange(
  where: string,
  option: string,
  value: unknown,
  low: number,
  high: number,
  { lowOpen = false, highOpen = false }: { lowOpen?: boolean; highOpen?: boolean } = {},
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (lowOpen ? value > low : value >= low) &&
    (highOpen ? value < high : value <= high);
  if (!ok) invalidOption(where, option, `in ${lowOpen ? '(' : '['}${low}, ${high}${highOpen ? ')' : ']'}`, value);
  return value as number;
}

/** One of a fixed list of values. */
export function requireOneOf<T>(where: string, option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    invalidOption(where, option, `one of ${allowed.map((item) => describeValue(item)).join(', ')}`, value);
  }
  return value as T;
}

/** A real boolean: `true` or `false` (the string `'false'` is not false). */
export function requireBoolean(where: string, option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalidOption(where, option, 'true or false', value);
  return value;
}

/** A non-empty string. */
export function requireString(where: string, option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) invalidOption(where, option, 'a non-empty string', value);
  return value;
}

/**
 * A function (a callback such as a logger or a predicate).
 *
 * @typeParam F - The function type the caller expects (not checked: only `typeof value === 'function'` is).
 */
export function requireFunction<F extends (...args: never[]) => unknown>(where: string, option: string, value: unknown): F {
  if (typeof value !== 'function') invalidOption(where, option, 'a function', value);
  return value as F;
}

/** A `tf.Tensor`, optionally of a given rank. */
export function requireTensor(where: string, option: string, value: unknown, rank?: number): tf.Tensor {
  if (!(value instanceof tf.Tensor) || value.isDisposed || (rank !== undefined && value.rank !== rank)) {
    invalidOption(where, option, rank === undefined ? 'a tf.Tensor' : `a tf.Tensor of rank ${rank}`, value);
  }
  return value;
}

/** A `tf.LayersModel` (Sequential or functional). */
export function requireModel(where: string, option: string, value: unknown): tf.LayersModel {
  if (!(value instanceof tf.LayersModel)) invalidOption(where, option, 'a tf.LayersModel (Sequential or functional)', value);
  return value;
}

/** Edit distance between two short names, to suggest the option a typo meant. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const substitution = diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1);
      row[j] = Math.min(above + 1, row[j - 1]! + 1, substitution);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Rejects option names the function does not know (catches typos such as `{clipNorm: 1}`). */
export function rejectUnknownOptions(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const closest = known
      .map((name) => ({ name, distance: editDistance(key, name) }))
      .sort((a, b) => a.distance - b.distance)[0];
    const hint = closest && closest.distance <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean '${closest.name}'?)` : '';
    throw new RangeError(
      `${where}: unknown option '${key}'${hint}; known: ${known.length ? known.join(', ') : 'none'}`,
    );
  }
}

/**
 * Checks an options argument: `undefined` becomes `{}`; a plain object is checked for unknown
 * names and returned; anything else (null, a number, a string, an array, a function, a tensor, a
 * model) is an error naming the function and what it got.
 *
 * @example
 * const opts = requireOptions<ClipOptions>('clipByNorm', options, ['eps']);
 */
export function requireOptions<T extends object>(
  where: string,
  options: unknown,
  known: readonly (keyof T & string)[],
  argument = 'options',
): Partial<T> {
  if (options === undefined) return {};
  const prototype = options !== null && typeof options === 'object' ? (Object.getPrototypeOf(options) as unknown) : undefined;
  if (options === null || typeof options !== 'object' || (prototype !== Object.prototype && prototype !== null)) {
    const expected = known.length ? `an object such as {${known.slice(0, 3).join(', ')}${known.length > 3 ? ', …' : ''}}` : 'an object';
    invalidOption(where, argument, `${expected} or omitted`, options);
  }
  rejectUnknownOptions(where, options, known);
  return options as Partial<T>;
}

/**
 * Throws a one-line error when a plugin or detector factory was passed instead of what it makes
 * (`[clipByGlobalNorm]` instead of `[clipByGlobalNorm(1)]`).
 */
export function rejectFactory(where: string, option: string, value: unknown): void {
  if (typeof value === 'function') {
    const name = value.name || 'factory';
    throw new TypeError(`${where}: ${option} is ${value.name ? `${name}, a factory` : 'a factory'}: call it, e.g. ${name}()`);
  }
}
