import * as tf from '@tensorflow/tfjs';
import { invoke, MissingFixture, validValues, type ValidCall } from './bad-inputs.js';
import type { Fixtures } from './fixtures.js';
import type { PublicCallable } from './public-api.js';

/** A repair learned from an error: put `make()` at `path` (`0`, `1.steps`, …). */
interface Repair {
  path: string;
  make: () => unknown;
}

const MAX_REPAIRS = 8;
const MAX_COMBINATIONS = 16;

/**
 * Finds arguments a callable accepts: valid values of each required parameter's type (trying the
 * members of a union in turn), then repaired from the callable's own errors, which follow the
 * core helpers' form `<function>: <option> must be <expected>, got <value>`.
 */
export async function findValidCall(
  callable: PublicCallable,
  target: (...args: unknown[]) => unknown,
  fixtures: Fixtures,
): Promise<ValidCall | { problem: string }> {
  let alternatives: (() => unknown)[][];
  try {
    alternatives = callable.params.map((param) =>
      param.optional ? [() => undefined] : validValues(param.shape, param.name, fixtures).slice(0, MAX_COMBINATIONS),
    );
  } catch (error) {
    if (error instanceof MissingFixture) return { problem: error.message };
    throw error;
  }
  let lastProblem = 'no combination tried';
  for (const combination of product(alternatives).slice(0, MAX_COMBINATIONS)) {
    const repairs: Repair[] = [];
    const build = () => applyRepairs(combination.map((make) => make()), repairs);
    for (let attempt = 0; attempt <= MAX_REPAIRS; attempt++) {
      tf.engine().startScope();
      const result = await invoke(target, callable.isClass, build());
      tf.engine().endScope();
      if (!result.threw || callable.alwaysThrows) return { args: build };
      lastProblem = result.error instanceof Error ? result.error.message : String(result.error);
      const repair = repairFrom(lastProblem, callable, fixtures, build());
      if (!repair || repairs.some((known) => known.path === repair.path)) break;
      repairs.push(repair);
    }
  }
  return { problem: `no valid call found; last error: ${lastProblem}` };
}

function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((combinations, list) => combinations.flatMap((prefix) => list.map((item) => [...prefix, item])), [[]]);
}

function applyRepairs(args: unknown[], repairs: readonly Repair[]): unknown[] {
  for (const { path, make } of repairs) {
    const [index, ...keys] = path.split('.');
    const position = Number(index);
    while (args.length <= position) args.push(undefined);
    if (keys.length === 0) {
      args[position] = make();
      continue;
    }
    let object = (args[position] = { ...((args[position] as Record<string, unknown> | undefined) ?? {}) });
    for (const key of keys.slice(0, -1)) object = object[key] = { ...((object[key] as Record<string, unknown> | undefined) ?? {}) };
    object[keys[keys.length - 1]!] = make();
  }
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  return args;
}

/** Reads `<where>: <option> must be <expected>, got …` and proposes a value for that slot. */
function repairFrom(message: string, callable: PublicCallable, fixtures: Fixtures, args: readonly unknown[]): Repair | undefined {
  const match = /: ([\w$.[\]]+) must be (.+?), got /.exec(message);
  if (!match) return undefined;
  const option = match[1]!.split('.').pop()!;
  // A validation helper, requireX(where, option, value): the error names the option it was given.
  const optionIndex = callable.params.findIndex((param) => param.name === 'option');
  const valueIndex = callable.params.findIndex((param) => param.name === 'value');
  const helperValue = optionIndex >= 0 && valueIndex >= 0 && args[optionIndex] === option ? String(valueIndex) : undefined;
  const path = helperValue ?? pathOf(option, callable);
  const make = valueFor(match[2]!, fixtures);
  return path && make ? { path, make } : undefined;
}

function pathOf(option: string, callable: PublicCallable): string | undefined {
  for (const [index, param] of callable.params.entries()) {
    if (param.name === option) return String(index);
    if (param.shape.kind !== 'options') continue;
    for (const property of param.shape.properties) {
      if (property.name === option) return `${index}.${option}`;
      if (property.shape.kind !== 'options') continue;
      if (property.shape.properties.some((nested) => nested.name === option)) return `${index}.${property.name}.${option}`;
    }
  }
  return undefined;
}

function valueFor(expected: string, fixtures: Fixtures): (() => unknown) | undefined {
  let match: RegExpExecArray | null;
  if ((match = /^one of (.+)$/.exec(expected))) {
    const first = match[1]!.split(', ')[0]!;
    let value: unknown;
    try {
      value = JSON.parse(first);
    } catch {
      value = first.replace(/^['"]|['"]$/g, '');
    }
    return () => value;
  }
  if ((match = /^\[(\w+(?:, \w+)*)\]$/.exec(expected))) {
    // A list of named sizes, e.g. `[height, width, channels]`.
    const length = match[1]!.split(', ').length;
    return () => Array.from({ length }, () => 4);
  }
  if ((match = /integer ≥ (-?\d+)/.exec(expected))) {
    const low = Math.max(Number(match[1]), 1);
    return () => low;
  }
  if ((match = /in [[(](-?[\d.e+-]+), (-?[\d.e+-]+|Infinity)[\])]/.exec(expected))) {
    const [low, high] = [Number(match[1]), Number(match[2])];
    const value = Number.isFinite(high) ? (low + high) / 2 : low + 1;
    return () => value;
  }
  if ((match = /tf\.Tensor of rank (\d)/.exec(expected))) {
    const rank = Number(match[1]);
    return () => tf.zeros(Array.from({ length: rank }, () => 4));
  }
  if (/tf\.LayersModel/.test(expected)) return () => fixtures.model;
  if (/number/.test(expected)) return () => 1;
  if (/string/.test(expected)) return () => 'x';
  return undefined;
}
