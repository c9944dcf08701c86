import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Fixtures } from './fixtures.js';
import type { PublicCallable, Shape, Slot } from './public-api.js';

/** One generated call with one bad argument or option. */
export interface BadInputCase {
  callable: PublicCallable;
  /** Where the bad value goes: `max`, `options`, `options.history.maxRecords`, … */
  slot: string;
  /** Names the error must mention for this slot (any one of them). */
  slotNames: readonly string[];
  /** The bad value, described. */
  label: string;
  /** Builds the call's arguments (fresh values each time). */
  args: () => unknown[];
  /** A wrong-shaped tensor or an unrecognised string: accepting it is fine when the function takes any. */
  mayBeAccepted: boolean;
}

/** How a call with a bad value ended. */
export type Outcome =
  | 'clear' // an error from our code naming the function and the slot
  | 'unclear' // an error from our code that does not name both
  | 'foreign' // an error thrown inside tfjs (or another dependency), or a non-Error
  | 'accepted' // no error
  | 'notApplicable'; // a wrong-shaped tensor or an unrecognised string accepted by a function that takes any

/** A function's valid arguments, found from its signature and repaired from its own error messages. */
export interface ValidCall {
  args: () => unknown[];
}

type Candidate = [label: string, make: () => unknown];

/** The bad values tried for every slot whose type does not allow them. */
const CANDIDATES: readonly Candidate[] = [
  ['null', () => null],
  ['42', () => 42],
  ['"bogus"', () => 'bogus'],
  ['"false"', () => 'false'],
  ['true', () => true],
  ['[1, 2]', () => [1, 2]],
  ['{}', () => ({})],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['-Infinity', () => Number.NEGATIVE_INFINITY],
  ['a function', () => () => 1],
  ['a tensor of shape [2,3,5]', () => tf.zeros([2, 3, 5])],
  ['a tf.LayersModel', () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] })],
];

const includesKind = (shape: Shape, kind: Shape['kind']): boolean =>
  shape.kind === kind || (shape.kind === 'union' && shape.members.some((member) => includesKind(member, kind)));

const isPlainObject = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/** Whether `value` is allowed by `shape` (so it is not a bad value for it). */
export function conforms(shape: Shape, value: unknown, fixtures: Fixtures): boolean {
  switch (shape.kind) {
    case 'unknown':
      return true;
    case 'null':
      return value === null;
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value) && (shape.infinity || Number.isFinite(value));
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'literal':
      return shape.values.includes(value as string);
    case 'function':
      return typeof value === 'function';
    case 'array':
      return Array.isArray(value) && value.every((item) => conforms(shape.element, item, fixtures));
    case 'options':
      return isPlainObject(value) && shape.properties.every((property) => property.optional || property.name in (value as object));
    case 'named': {
      const known = fixtures.isA(shape.name, value);
      if (known !== undefined) return known;
      return !shape.required; // a plain object for a record type with only optional fields
    }
    case 'union':
      return shape.members.some((member) => conforms(member, value, fixtures));
  }
}

/** A typo of an option name, the kind a user makes: the last letter dropped (`maxRecord` for `maxRecords`). */
function typoOf(name: string, known: readonly string[]): string | undefined {
  const typo = name.length > 3 ? name.slice(0, -1) : `${name}s`;
  return known.includes(typo) ? undefined : typo;
}

let fileCounter = 0;

/** A valid value of `shape` (several when it is a union, most natural first). */
export function validValues(shape: Shape, slotName: string, fixtures: Fixtures): (() => unknown)[] {
  switch (shape.kind) {
    case 'unknown':
      // Anything goes: offer values of every kind, so a checker of unknown values finds one it accepts.
      return [
        () => 1,
        () => 'x',
        () => true,
        () => [4],
        () => () => 1,
        () => ({}),
        () => fixtures.model,
        () => fixtures.make('Tensor'),
        () => fixtures.make('Optimizer'),
        () => fixtures.make('ParamInfo'),
        () => [fixtures.make('ParamInfo')],
      ];
    case 'null':
      return [() => null];
    case 'number':
      return [() => 1];
    case 'boolean':
      return [() => true];
    case 'string': {
      const named = fixtures.stringsFor(slotName).map((value) => () => value);
      if (/path|file/i.test(slotName)) return [() => join(fixtures.folder, `file-${fileCounter++}.out`), ...named];
      if (/dir/i.test(slotName)) return [() => join(fixtures.folder, `folder-${fileCounter++}`), ...named];
      return named.length > 0 ? named : [() => 'x'];
    }
    case 'literal':
      return [() => shape.values[0]];
    case 'function':
      return [functionReturning(shape.returns, fixtures)];
    case 'array':
      return validValues(shape.element, slotName, fixtures).flatMap((make) => [() => [make()], () => [make(), make()]]);
    case 'options':
      return [() => requiredOptions(shape, fixtures)];
    case 'named': {
      const makers = fixtures.alternatives(shape.name);
      if (makers.length === 0) throw new MissingFixture(shape.name);
      return makers;
    }
    case 'union': {
      const order: Shape['kind'][] = ['literal', 'number', 'string', 'boolean', 'named', 'array', 'options', 'function', 'null', 'unknown'];
      const members = [...shape.members].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
      const values: (() => unknown)[] = [];
      for (const member of members) {
        try {
          values.push(...validValues(member, slotName, fixtures));
        } catch (error) {
          if (!(error instanceof MissingFixture)) throw error;
        }
      }
      if (values.length === 0) throw new MissingFixture(describeShape(shape));
      return values;
    }
  }
}

/** Thrown when a signature needs a type the fixtures cannot make. */
export class MissingFixture extends Error {
  constructor(readonly typeName: string) {
    super(`no fixture for type '${typeName}'`);
  }
}

function functionReturning(returns: Shape, fixtures: Fixtures): () => unknown {
  if (returns.kind === 'named' && returns.name === 'SymbolicTensor') {
    return () => (input: tf.SymbolicTensor) => tf.layers.dense({ units: input.shape[input.shape.length - 1] ?? 1 }).apply(input);
  }
  if (includesKind(returns, 'named') && returns.kind === 'named' && returns.name === 'Layer') {
    return () => () => fixtures.make('Layer');
  }
  if (includesKind(returns, 'number')) return () => () => 1;
  if (includesKind(returns, 'boolean')) return () => () => false;
  if (includesKind(returns, 'null')) return () => () => null;
  return () => () => undefined;
}

function requiredOptions(shape: Extract<Shape, { kind: 'options' }>, fixtures: Fixtures): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const property of shape.properties) {
    if (!property.optional) options[property.name] = validValues(property.shape, property.name, fixtures)[0]!();
  }
  return options;
}

/** A short description of a shape, for messages. */
export function describeShape(shape: Shape): string {
  switch (shape.kind) {
    case 'literal':
      return shape.values.map((value) => JSON.stringify(value)).join(' | ');
    case 'array':
      return `${describeShape(shape.element)}[]`;
    case 'options':
    case 'named':
      return shape.name;
    case 'union':
      return shape.members.map(describeShape).join(' | ');
    case 'function':
      return 'function';
    default:
      return shape.kind;
  }
}

/** The bad candidates for a shape: those its type does not allow. */
function badCandidates(shape: Shape, fixtures: Fixtures): Candidate[] {
  const numeric = includesKind(shape, 'number');
  const boolean = includesKind(shape, 'boolean') || (shape.kind === 'literal' && shape.values.some((v) => typeof v === 'boolean'));
  return CANDIDATES.filter(([label, make]) => {
    if (label === '"false"' && !boolean) return false;
    if ((label === 'NaN' || label.endsWith('Infinity')) && !numeric) return false;
    if (label === 'a tf.LayersModel' && shape.kind !== 'options' && !includesKind(shape, 'named')) return false;
    const value = make();
    const bad = !conforms(shape, value, fixtures);
    if (value instanceof tf.Tensor) value.dispose();
    return bad;
  });
}

/** The valid value of an option when it is a tensor (the given one, else the first valid value of its type); disposed by the caller's scope. */
function tensorSample(shape: Shape, given: unknown, fixtures: Fixtures): unknown {
  if (given !== undefined) return given;
  if (shape.kind !== 'named') return undefined;
  const value = fixtures.make(shape.name);
  return value instanceof tf.Tensor ? value : undefined;
}

/**
 * An unrecognised string for a slot typed as any string: the function may accept it (a name, a
 * message), but when it refuses it (an activation name, a loss name) the error must be clear, not
 * tfjs's. Not for paths: they would be created in the working directory.
 */
function unrecognisedStrings(shape: Shape, slotName: string): Candidate[] {
  if (!includesKind(shape, 'string') || /path|file|dir|folder/i.test(slotName)) return [];
  return [['an unrecognised string "swishy"', () => 'swishy']];
}

/** Tensors of the wrong rank and size, for slots that take a tensor. */
function wrongShapes(valid: unknown): Candidate[] {
  if (!(valid instanceof tf.Tensor) || valid.rank === 0) return [];
  const shape = valid.shape;
  const widened = [...shape.slice(0, -1), shape[shape.length - 1]! + 1];
  return [
    [`a tensor of shape [${widened}] (valid: [${shape}])`, () => tf.zeros(widened)],
    [`a tensor of shape [${[...shape, 1]}] (valid: [${shape}])`, () => tf.zeros([...shape, 1])],
  ];
}

/** Every bad-input case of one callable, around its valid call. */
export function casesOf(callable: PublicCallable, valid: ValidCall, fixtures: Fixtures): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const baseline = () => valid.args();
  const add = (
    slot: string,
    slotNames: readonly string[],
    label: string,
    args: () => unknown[],
    mayBeAccepted = false,
  ) => cases.push({ callable, slot, slotNames, label, args, mayBeAccepted });

  callable.params.forEach((param, index) => {
    const withArg = (make: () => unknown) => () => {
      const args = baseline();
      while (args.length <= index) args.push(undefined);
      args[index] = make();
      return args;
    };
    const validArg = () => baseline()[index];
    const optionsShape = param.shape.kind === 'options' ? param.shape : undefined;

    // An options object may be refused for a missing required option: naming that option is clear.
    const required = optionsShape ? optionsShape.properties.filter((property) => !property.optional).map((property) => property.name) : [];
    const slotNames = optionsShape ? [param.name, 'options', ...required] : [param.name];
    if (!param.optional && param.shape.kind !== 'unknown') add(param.name, slotNames, 'undefined (missing)', withArg(() => undefined));
    for (const [label, make] of badCandidates(param.shape, fixtures)) add(param.name, slotNames, label, withArg(make));
    const sample = validArg();
    for (const [label, make] of wrongShapes(sample)) add(param.name, [param.name], label, withArg(make), true);
    for (const [label, make] of unrecognisedStrings(param.shape, param.name)) add(param.name, [param.name], label, withArg(make), true);
    if (sample instanceof tf.Tensor) sample.dispose();

    if (optionsShape) {
      const optionsValue = () => ({ ...((validArg() as Record<string, unknown> | undefined) ?? {}) });
      addOptionCases(optionsShape, param.name, optionsValue, (make) => withArg(make), add, fixtures);
    }
  });
  return cases;
}

function addOptionCases(
  shape: Extract<Shape, { kind: 'options' }>,
  path: string,
  validObject: () => Record<string, unknown>,
  withObject: (make: () => unknown) => () => unknown[],
  add: (slot: string, names: readonly string[], label: string, args: () => unknown[], mayBeAccepted?: boolean) => void,
  fixtures: Fixtures,
): void {
  const known = shape.properties.map((property) => property.name);
  const withProperty = (name: string, make: () => unknown) =>
    withObject(() => {
      const object = validObject();
      const value = make();
      if (value === undefined) delete object[name];
      else object[name] = value;
      return object;
    });
  if (!shape.open) {
    add(`${path} (unknown option)`, ['bogusOption'], '{ bogusOption: 1 }', withProperty('bogusOption', () => 1));
    for (const property of shape.properties) {
      const typo = typoOf(property.name, known);
      if (!typo) continue;
      // The value under a mistyped name does not matter: a fixture when there is one, else 1.
      let sample: () => unknown = () => 1;
      try {
        sample = validValues(property.shape, property.name, fixtures)[0]!;
      } catch (error) {
        if (!(error instanceof MissingFixture)) throw error;
      }
      add(`${path} (typo of ${property.name})`, [typo], `{ ${typo}: … }`, withProperty(typo, sample));
    }
  }
  for (const property of shape.properties as readonly Slot[]) {
    const slot = `${path}.${property.name}`;
    if (!property.optional) add(slot, [property.name], 'undefined (missing)', withProperty(property.name, () => undefined));
    for (const [label, make] of badCandidates(property.shape, fixtures)) add(slot, [property.name], label, withProperty(property.name, make));
    const maybeAccepted = [
      ...wrongShapes(tensorSample(property.shape, validObject()[property.name], fixtures)),
      ...unrecognisedStrings(property.shape, property.name),
    ];
    for (const [label, make] of maybeAccepted) add(slot, [property.name], label, withProperty(property.name, make), true);
    const nested = property.shape.kind === 'options' ? property.shape : undefined;
    if (nested) {
      const nestedValid = () => {
        const current = validObject()[property.name];
        return { ...((current as Record<string, unknown> | undefined) ?? {}) };
      };
      addOptionCases(
        nested,
        slot,
        nestedValid,
        (make) => withProperty(property.name, make),
        add,
        fixtures,
      );
    }
  }
}

/** Where a thrown error came from: the first stack frame with a file. */
function thrownInDependency(error: Error): boolean {
  const frame = error.stack?.split('\n').find((line) => /^\s+at .*[/\\]/.test(line));
  return !!frame && /node_modules/.test(frame);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a message names `name` as a name (not as a word inside another word). */
function mentions(message: string, name: string): boolean {
  const word = new RegExp(`(^|[^A-Za-z0-9_$])${escape(name)}([^A-Za-z0-9_$]|$)`);
  if (!word.test(message)) return false;
  if (name.length > 2) return true;
  // Short names such as `a` also occur as English words: require them in a name position.
  return new RegExp(`(${escape(name)} must|'${escape(name)}'|\\.${escape(name)}\\b|\\b${escape(name)}:|\\b${escape(name)} =)`).test(message);
}

/** Judges how a call with a bad value ended. */
export function judge(
  result: { threw: false } | { threw: true; error: unknown },
  functionNames: readonly string[],
  slotNames: readonly string[],
  mayBeAccepted: boolean,
): Outcome {
  if (!result.threw) return mayBeAccepted ? 'notApplicable' : 'accepted';
  const { error } = result;
  if (!(error instanceof Error) || thrownInDependency(error)) return 'foreign';
  const namesFunction = functionNames.some((name) => mentions(error.message, name));
  const namesSlot = slotNames.some((name) => mentions(error.message, name));
  return namesFunction && namesSlot ? 'clear' : 'unclear';
}

/** Calls a public callable with arguments; awaits a returned promise (with a time limit). */
export async function invoke(
  target: (...args: unknown[]) => unknown,
  isClass: boolean,
  args: unknown[],
  timeoutMs = 10_000,
): Promise<{ threw: false; value: unknown } | { threw: true; error: unknown }> {
  try {
    const value = isClass ? new (target as unknown as new (...a: unknown[]) => unknown)(...args) : target(...args);
    if (value && typeof (value as Promise<unknown>).then === 'function') {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const settled = await Promise.race([(value as Promise<unknown>).then((result) => ({ result })), timeout]).finally(() =>
        clearTimeout(timer),
      );
      return { threw: false, value: settled === 'timeout' ? undefined : settled.result };
    }
    return { threw: false, value };
  } catch (error) {
    return { threw: true, error };
  }
}
