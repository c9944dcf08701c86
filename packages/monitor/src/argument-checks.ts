import { invalidOption } from '@gs/core';

/** An array (of parameters, records, events, …); `what` describes it in the error. */
export function requireArray<T>(where: string, option: string, value: unknown, what: string): readonly T[] {
  if (!Array.isArray(value)) invalidOption(where, option, what, value);
  return value as readonly T[];
}

/** A plain object with the given properties (a record, an event, a layer); `what` describes it in the error. */
export function requireObject<T extends object>(where: string, option: string, value: unknown, what: string, keys: readonly string[] = []): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || keys.some((key) => !(key in value))) {
    invalidOption(where, option, what, value);
  }
  return value as T;
}
