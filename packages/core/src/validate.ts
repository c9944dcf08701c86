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
  checkCallSite('invalidOption', where, option);
  if (typeof expected !== 'string' || expected.length === 0) {
    invalidOption('invalidOption', 'expected', 'a non-empty string describing what is accepted', expected);
  }
  throw new RangeError(`${where}: ${option} must be ${expected}, got ${describeValue(value)}`);
}

/** Checks the `where` and `option` arguments every helper here takes (a helper used wrongly says so). */
export function checkCallSite(helper: string, where: unknown, option: unknown): void {
  if (typeof where !== 'string' || where.length === 0) {
    throw new RangeError(`${helper}: where must be a non-empty string naming the function, got ${describeValue(where)}`);
  }
  if (typeof option !== 'string' || option.length === 0) {
    throw new RangeError(`${helper}: option must be a non-empty string naming the option, got ${describeValue(option)}`);
  }
}

/** A finite number (not NaN, not ±Infinity). */
export function requireFinite(where: string, option: string, value: unknown): number {
  checkCallSite('requireFinite', where, option);
  if (typeof value !== 'number' || !Number.isFinite(value)) invalidOption(where, option, 'a finite number', value);
  return value;
}

/** A finite number > 0. */
export function requirePositive(where: string, option: string, value: unknown): number {
  checkCallSite('requirePositive', where, option);
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    invalidOption(where, option, 'a finite number > 0', value);
  }
  return value;
}

/** A finite number ≥ 0. */
export function requireNonNegative(where: string, option: string, value: unknown): number {
  checkCallSite('requireNonNegative', where, option);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalidOption(where, option, 'a finite number ≥ 0', value);
  }
  return value;
}

/** An integer ≥ `min` (default 1). */
export function requireInteger(where: string, option: string, value: unknown, min = 1): number {
  checkCallSite('requireInteger', where, option);
  if (typeof min !== 'number' || !Number.isInteger(min)) invalidOption('requireInteger', 'min', 'an integer', min);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalidOption(where, option, `an integer ≥ ${min}`, value);
  }
  return value;
}

/** A number in a range; `lowOpen`/`highOpen` exclude the ends; `low = -Infinity` or `high = Infinity` leaves that side open. */
export function requireInRange(
  where: string,
  option: string,
  value: unknown,
  low: number,
  high: number,
  ends: { lowOpen?: boolean; highOpen?: boolean } = {},
): number {
  checkCallSite('requireInRange', where, option);
  if (typeof low !== 'number' || Number.isNaN(low)) invalidOption('requireInRange', 'low', 'a number', low);
  if (typeof high !== 'number' || Number.isNaN(high) || high < low) invalidOption('requireInRange', 'high', `a number ≥ low (${low})`, high);
  const checked = requireOptions<{ lowOpen: boolean; highOpen: boolean }>('requireInRange', ends, ['lowOpen', 'highOpen'], 'ends');
  const lowOpen = requireBoolean('requireInRange', 'lowOpen', checked.lowOpen ?? false);
  const highOpen = requireBoolean('requireInRange', 'highOpen', checked.highOpen ?? false);
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
  checkCallSite('requireOneOf', where, option);
  if (!Array.isArray(allowed) || allowed.length === 0) invalidOption('requireOneOf', 'allowed', 'a non-empty array of the accepted values', allowed);
  if (!allowed.includes(value as T)) {
    invalidOption(where, option, `one of ${allowed.map((item) => describeValue(item)).join(', ')}`, value);
  }
  return value as T;
}

/** A real boolean: `true` or `false` (the string `'false'` is not false). */
export function requireBoolean(where: string, option: string, value: unknown): boolean {
  checkCallSite('requireBoolean', where, option);
  if (typeof value !== 'boolean') invalidOption(where, option, 'true or false', value);
  return value;
}

/** A non-empty string. */
export function requireString(where: string, option: string, value: unknown): string {
  checkCallSite('requireString', where, option);
  if (typeof value !== 'string' || value.length === 0) invalidOption(where, option, 'a non-empty string', value);
  return value;
}

/**
 * A function (a callback such as a logger or a predicate).
 *
 * @typeParam F - The function type the caller expects (not checked: only `typeof value === 'function'` is).
 */
export function requireFunction<F extends (...args: never[]) => unknown>(where: string, option: string, value: unknown): F {
  checkCallSite('requireFunction', where, option);
  if (typeof value !== 'function') invalidOption(where, option, 'a function', value);
  return value as F;
}

/** A `tf.Tensor`, optionally of a given rank. */
export function requireTensor(where: string, option: string, value: unknown, rank?: number): tf.Tensor {
  checkCallSite('requireTensor', where, option);
  if (rank !== undefined) requireInteger('requireTensor', 'rank', rank, 0);
  if (!(value instanceof tf.Tensor) || value.isDisposed || (rank !== undefined && value.rank !== rank)) {
    invalidOption(where, option, rank === undefined ? 'a tf.Tensor' : `a tf.Tensor of rank ${rank}`, value);
  }
  return value;
}

/** A `tf.LayersModel` (Sequential or functional). */
export function requireModel(where: string, option: string, value: unknown): tf.LayersModel {
  checkCallSite('requireModel', where, option);
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
  checkCallSite('rejectUnknownOptions', where, 'options');
  if (options === null || typeof options !== 'object') invalidOption('rejectUnknownOptions', 'options', 'an object', options);
  checkKnownNames('rejectUnknownOptions', known);
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

function checkKnownNames(where: string, known: unknown): void {
  if (!Array.isArray(known) || !known.every((name) => typeof name === 'string')) {
    invalidOption(where, 'known', 'an array of option names', known);
  }
}

/** How `requireOptions` reads its argument. */
export interface RequireOptionsSettings<T> {
  /** The argument's name in messages. Default `'options'`. */
  argument?: string;
  /** Options that may be `null` (e.g. a seed). Every other option given as `null` is an error. */
  nullable?: readonly (keyof T & string)[];
}

/**
 * Checks an options argument: `undefined` becomes `{}`; a plain object is checked for unknown
 * names (with a typo hint) and for options set to `null` (an error unless listed in `nullable`:
 * omit an option to get its default) and returned; anything else (null, a number, a string, an
 * array, a function, a tensor, a model) is an error naming the function and what it got. The
 * fourth argument is the argument's name (`'options'` by default) or settings.
 *
 * @example
 * const opts = requireOptions<ClipOptions>('clipByNorm', options, ['eps']);
 * const seeded = requireOptions<SeedOptions>('orthogonal', options, ['gain', 'seed'], { nullable: ['seed'] });
 */
export function requireOptions<T extends object>(
  where: string,
  options: unknown,
  known: readonly (keyof T & string)[],
  settings: string | RequireOptionsSettings<T> = {},
): Partial<T> {
  checkCallSite('requireOptions', where, 'options');
  checkKnownNames('requireOptions', known);
  const { argument = 'options', nullable = [] } =
    typeof settings === 'string'
      ? { argument: settings }
      : requireOptions<RequireOptionsSettings<T>>('requireOptions', settings, ['argument', 'nullable'], 'settings');
  requireString('requireOptions', 'argument', argument);
  checkKnownNames('requireOptions', nullable);
  if (options === undefined) return {};
  const prototype = options !== null && typeof options === 'object' ? (Object.getPrototypeOf(options) as unknown) : undefined;
  if (options === null || typeof options !== 'object' || (prototype !== Object.prototype && prototype !== null)) {
    const expected = known.length ? `an object such as {${known.slice(0, 3).join(', ')}${known.length > 3 ? ', …' : ''}}` : 'an object';
    invalidOption(where, argument, `${expected} or omitted`, options);
  }
  rejectUnknownOptions(where, options, known);
  for (const [key, value] of Object.entries(options)) {
    if (value === null && !(nullable as readonly string[]).includes(key)) {
      invalidOption(where, key, 'given a value or omitted (for its default)', null);
    }
  }
  return options as Partial<T>;
}

/** A `tf.Optimizer` (checked without tfjs's `instanceof`, which fails on `null`). */
export function requireOptimizer(where: string, option: string, value: unknown): tf.Optimizer {
  checkCallSite('requireOptimizer', where, option);
  if (value === null || typeof value !== 'object' || !(value instanceof tf.Optimizer)) {
    invalidOption(where, option, 'a tf.Optimizer such as tf.train.adam(1e-3)', value);
  }
  return value;
}

/** A tfjs layer (`tf.layers.Layer`, e.g. `tf.layers.dense({units: 8})`). */
export function requireLayer(where: string, option: string, value: unknown): tf.layers.Layer {
  checkCallSite('requireLayer', where, option);
  if (!(value instanceof tf.layers.Layer)) invalidOption(where, option, 'a tf.layers.Layer such as tf.layers.dense({units: 8})', value);
  return value;
}

/**
 * An array, each item checked by `item(value, label)` (label: `option[i]`); returns the checked
 * items. Without `item`, any items.
 *
 * @example
 * const extras = requireArray(where, 'extras', options.extras, (name, label) => requireString(where, label, name));
 */
export function requireArray<T = unknown>(
  where: string,
  option: string,
  value: unknown,
  item?: (value: unknown, label: string) => T,
  settings: { minLength?: number } = {},
): T[] {
  checkCallSite('requireArray', where, option);
  if (item !== undefined) requireFunction('requireArray', 'item', item);
  const { minLength = 0 } = requireOptions<{ minLength: number }>('requireArray', settings, ['minLength'], 'settings');
  requireInteger('requireArray', 'minLength', minLength, 0);
  if (!Array.isArray(value) || value.length < minLength) {
    invalidOption(where, option, minLength > 0 ? `an array of at least ${minLength} item${minLength > 1 ? 's' : ''}` : 'an array', value);
  }
  return item ? value.map((entry, index) => item(entry, `${option}[${index}]`)) : (value as T[]);
}

/** A shape: a non-empty array of positive integers, e.g. `[28, 28, 1]`. */
export function requireShape(where: string, option: string, value: unknown): number[] {
  checkCallSite('requireShape', where, option);
  if (!Array.isArray(value) || value.length === 0 || !value.every((size) => Number.isInteger(size) && size > 0)) {
    invalidOption(where, option, 'a shape: a non-empty array of positive integers such as [28, 28, 1]', value);
  }
  return value as number[];
}

/**
 * A batch for `model`: a tensor (a list of tensors for a model with several inputs) whose shape
 * matches the model's input shape after the batch axis. Catches a wrong batch before tfjs does.
 */
export function requireBatch(where: string, option: string, value: unknown, model: tf.LayersModel): tf.Tensor | tf.Tensor[] {
  checkCallSite('requireBatch', where, option);
  requireModel('requireBatch', 'model', model);
  const inputs = model.inputs;
  const tensors = Array.isArray(value) ? value : [value];
  const expected =
    inputs.length === 1
      ? `a tf.Tensor of shape [batch, ${inputs[0]!.shape.slice(1).map((size) => size ?? 'any').join(', ')}] (the model's input)`
      : `a list of ${inputs.length} tf.Tensors, one per model input`;
  if ((inputs.length > 1 && !Array.isArray(value)) || tensors.length !== inputs.length) invalidOption(where, option, expected, value);
  tensors.forEach((tensor, index) => {
    const shape = inputs[index]!.shape;
    const ok =
      tensor instanceof tf.Tensor &&
      !tensor.isDisposed &&
      tensor.rank === shape.length &&
      tensor.shape.every((size: number, axis: number) => axis === 0 || shape[axis] == null || shape[axis] === size);
    if (!ok) invalidOption(where, inputs.length === 1 ? option : `${option}[${index}]`, expected, tensor);
  });
  return value as tf.Tensor | tf.Tensor[];
}

/**
 * Throws a one-line error when a plugin or detector factory was passed instead of what it makes
 * (`[clipByGlobalNorm]` instead of `[clipByGlobalNorm(1)]`).
 */
export function rejectFactory(where: string, option: string, value: unknown): void {
  checkCallSite('rejectFactory', where, option);
  if (typeof value === 'function') {
    const name = value.name || 'factory';
    throw new TypeError(`${where}: ${option} is ${value.name ? `${name}, a factory` : 'a factory'}: call it, e.g. ${name}()`);
  }
}
