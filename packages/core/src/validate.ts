/**
 * Validation helpers for plain options, shared by every plugin so that bad input always gets the
 * same kind of error: it names the function, the option and the value it got.
 */

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws `RangeError: <where>: <option> must be …, got <value>`. */
export function invalidOption(where: string, option: string, expected: string, value: unknown): never {
  throw new RangeError(`${where}: ${option} must be ${expected}, got ${show(value)}`);
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
  if (!allowed.includes(value as T)) invalidOption(where, option, `one of ${allowed.map(show).join(', ')}`, value);
  return value as T;
}

/** Rejects option names the function does not know (catches typos such as `{clipNorm: 1}`). */
export function rejectUnknownOptions(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new RangeError(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
    }
  }
}
