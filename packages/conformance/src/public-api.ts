import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * What a parameter or an option accepts, read from the published type declarations. Types that
 * are values of their own (tensors, models, layers, class instances, records such as
 * `MonitorRecord`) are `named`: the suite takes valid ones from fixtures and never looks inside.
 */
export type Shape =
  | { kind: 'number'; infinity: boolean }
  | { kind: 'boolean' }
  | { kind: 'string' }
  | { kind: 'literal'; values: readonly (string | number | boolean)[] }
  | { kind: 'null' }
  | { kind: 'unknown' }
  | { kind: 'function'; returns: Shape }
  | { kind: 'array'; element: Shape }
  | { kind: 'options'; name: string; properties: readonly Slot[]; open: boolean }
  | { kind: 'named'; name: string; required: boolean }
  | { kind: 'union'; members: readonly Shape[] };

/** A parameter of a function, or a property of an options object. */
export interface Slot {
  name: string;
  shape: Shape;
  optional: boolean;
}

/** One exported function or class of a public entry point. */
export interface PublicCallable {
  /** The import specifier, e.g. `@gs/monitor/node`. */
  entry: string;
  /** The export's name. */
  name: string;
  /** Called with `new`. */
  isClass: boolean;
  /** The parameters of its (widest) signature. */
  params: readonly Slot[];
  /** The name of the class its calls return, when they return a class instance. */
  returns?: string;
  /** Its calls always throw (return type `never`). */
  alwaysThrows: boolean;
  /** The names of the properties of what its calls return (for finding plugin factories). */
  returnProperties: readonly string[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's packages folder. */
export const packagesDir = resolve(here, '..', '..');

interface PackageManifest {
  name: string;
  private?: boolean;
  exports?: Record<string, string | { types?: string }>;
}

/** Every public entry point (`exports` of each non-private package): its specifier and .d.ts file. */
export function publicEntries(): { entry: string; declarations: string }[] {
  const entries: { entry: string; declarations: string }[] = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageManifest;
    if (manifest.private) continue;
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target !== 'object' || !target.types) continue;
      entries.push({ entry: manifest.name + subpath.slice(1), declarations: join(packagesDir, folder, target.types) });
    }
  }
  return entries;
}

/** Names under which tfjs and DOM types reach our signatures; each gets a fixture. */
const EXTERNAL_NAMES = new Set(['Element', 'TopLevelSpec', 'Container']);

/** Reads every exported function and class of the public entry points from their declarations. */
export function readPublicApi(): PublicCallable[] {
  const entries = publicEntries();
  const program = ts.createProgram(
    entries.map((entry) => entry.declarations),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
  );
  const checker = program.getTypeChecker();

  const docOf = (symbol: ts.Symbol | undefined): string =>
    symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)) : '';

  const shapeOf = (type: ts.Type, doc: string, depth: number): Shape => {
    const alias = type.aliasSymbol?.name;
    if (alias && EXTERNAL_NAMES.has(alias)) return { kind: 'named', name: alias, required: true };
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.NonPrimitive)) {
      return { kind: 'unknown' };
    }
    if (type.flags & (ts.TypeFlags.Never | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return { kind: 'unknown' };
    if (type.flags & ts.TypeFlags.Null) return { kind: 'null' };
    if (type.flags & ts.TypeFlags.NumberLike && !(type.flags & ts.TypeFlags.NumberLiteral)) {
      return { kind: 'number', infinity: /Infinity|∞/.test(doc) };
    }
    if (type.flags & ts.TypeFlags.StringLike && !(type.flags & ts.TypeFlags.StringLiteral)) return { kind: 'string' };
    if (type.flags & ts.TypeFlags.BooleanLike && !(type.flags & ts.TypeFlags.BooleanLiteral)) return { kind: 'boolean' };
    if (type.isNumberLiteral() || type.isStringLiteral()) return { kind: 'literal', values: [type.value] };
    if (type.flags & ts.TypeFlags.BooleanLiteral) return { kind: 'literal', values: [checker.typeToString(type) === 'true'] };
    if (type.isIntersection()) {
      // `keyof T & string` and the like: the primitive part says what is accepted.
      const primitive = type.types.find((part) => part.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike));
      if (primitive) return shapeOf(primitive, doc, depth);
    }
    if (type.isUnion()) {
      // A named union of records (JsonLinesEntry, ChartSource) is a value of its own.
      const isRecord = (member: ts.Type) =>
        (member.flags & ts.TypeFlags.Object || member.isIntersection()) &&
        !checker.isArrayType(member) &&
        member.getCallSignatures().length === 0;
      if (alias && type.types.every(isRecord)) {
        return { kind: 'named', name: alias, required: true };
      }
      const members = type.types.filter((member) => !(member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
      const shapes = members.map((member) => shapeOf(member, doc, depth));
      return simplifyUnion(shapes);
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      return { kind: 'array', element: element ? shapeOf(element, doc, depth + 1) : { kind: 'unknown' } };
    }
    const parts = type.isIntersection() ? type.types : [type];
    const name = alias ?? parts.map((part) => part.aliasSymbol?.name ?? part.getSymbol()?.name ?? '').join(' & ');
    const declarations =
      type.aliasSymbol?.declarations ?? parts.flatMap((part) => part.getSymbol()?.declarations ?? part.aliasSymbol?.declarations ?? []);
    const declaredIn = declarations[0]?.getSourceFile().fileName ?? '';
    if (type.getCallSignatures().length > 0 && type.getProperties().length === 0) {
      const returns = type.getCallSignatures()[0]!.getReturnType();
      return { kind: 'function', returns: depth > 3 ? { kind: 'unknown' } : shapeOf(returns, '', depth + 1) };
    }
    if (type.getConstructSignatures().length > 0) return { kind: 'function', returns: { kind: 'unknown' } };
    // tfjs and DOM types, and class instances, are values of their own.
    const fromUs = declaredIn.includes(`${packagesDir}/`) && !declaredIn.includes('node_modules');
    const isClass = !!((type.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class);
    const isOptions = parts.every((part) => {
      const partName = (parts.length === 1 ? alias : undefined) ?? part.aliasSymbol?.name ?? part.getSymbol()?.name ?? '';
      return /(Options|Args|Config)$/.test(partName) || partName === '__type' || partName === '__object';
    });
    if (!fromUs || isClass || !isOptions || depth > 3) {
      const required = type.getProperties().some((property) => !(property.flags & ts.SymbolFlags.Optional));
      return { kind: 'named', name: name === '__type' ? 'object' : name, required };
    }
    const properties = checker.getPropertiesOfType(type).map((property): Slot => {
      const propertyType = checker.getTypeOfSymbol(property);
      return {
        name: property.name,
        shape: shapeOf(propertyType, docOf(property), depth + 1),
        optional: !!(property.flags & ts.SymbolFlags.Optional),
      };
    });
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    const open = !!index && !(index.type.flags & ts.TypeFlags.Never);
    return { kind: 'options', name, properties, open };
  };

  const callables: PublicCallable[] = [];
  for (const { entry, declarations } of entries) {
    const source = program.getSourceFile(declarations);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`conformance: cannot read the declarations of ${entry} (${declarations}); build the package first`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const typeOnly = exported.declarations?.some(
        (declaration) => ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly),
      );
      if (typeOnly) continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const isClass = !!(symbol.flags & ts.SymbolFlags.Class);
      if (!isClass && !(symbol.flags & ts.SymbolFlags.Function)) continue;
      // Abstract base classes are reached through their subclasses.
      const abstract = symbol.declarations?.some((declaration) =>
        ts.getCombinedModifierFlags(declaration as ts.Declaration) & ts.ModifierFlags.Abstract,
      );
      if (abstract) continue;
      const type = checker.getTypeOfSymbol(symbol);
      const signatures = isClass ? type.getConstructSignatures() : type.getCallSignatures();
      if (signatures.length === 0) continue;
      // Overloads: the last of those with the most parameters (TypeScript's convention: the widest last).
      const signature = signatures.reduce((widest, candidate) =>
        candidate.getParameters().length >= widest.getParameters().length ? candidate : widest,
      );
      const functionDoc = docOf(symbol);
      const slotsOf = (candidate: ts.Signature) => candidate.getParameters().map((parameter): Slot => {
        const declaration = parameter.valueDeclaration as ts.ParameterDeclaration | undefined;
        const parameterType = checker.getTypeOfSymbol(parameter);
        const acceptsUndefined = parameterType.isUnion() && parameterType.types.some((member) => member.flags & ts.TypeFlags.Undefined);
        const optional = acceptsUndefined || !!(declaration && (declaration.questionToken || declaration.initializer || declaration.dotDotDotToken));
        return { name: parameter.name, shape: shapeOf(parameterType, functionDoc, 0), optional };
      });
      const params = mergeOverloads(slotsOf(signature), signatures.filter((other) => other !== signature).map(slotsOf));
      const returnType = signature.getReturnType();
      const returnSymbol = returnType.getSymbol();
      callables.push({
        entry,
        name: exported.name,
        isClass,
        params,
        returns: returnSymbol && returnSymbol.flags & ts.SymbolFlags.Class ? returnSymbol.name : undefined,
        alwaysThrows: !!(returnType.flags & ts.TypeFlags.Never),
        returnProperties: returnType.getProperties().map((property) => property.name),
      });
    }
  }
  return callables;
}

function simplifyUnion(shapes: Shape[]): Shape {
  const literals = shapes.filter((shape): shape is Extract<Shape, { kind: 'literal' }> => shape.kind === 'literal');
  const values = literals.flatMap((shape) => shape.values);
  const rest = shapes.filter((shape) => shape.kind !== 'literal');
  const merged: Shape[] = [...rest];
  if (values.includes(true) && values.includes(false)) {
    merged.push({ kind: 'boolean' });
    const others = values.filter((value) => typeof value !== 'boolean');
    if (others.length) merged.push({ kind: 'literal', values: others });
  } else if (values.length) {
    merged.push({ kind: 'literal', values });
  }
  return merged.length === 1 ? merged[0]! : { kind: 'union', members: merged };
}

/**
 * The widest overload's parameters, with an option marked optional when another overload lets it
 * be left out (`deepNorm({encoderLayers})` or `deepNorm({decoderLayers})`).
 */
function mergeOverloads(widest: Slot[], others: Slot[][]): Slot[] {
  return widest.map((param, index) => {
    if (param.shape.kind !== 'options') return param;
    const properties = param.shape.properties.map((property) => {
      const omittable = others.some((slots) => {
        const other = slots[index]?.shape;
        if (other?.kind !== 'options') return true;
        const match = other.properties.find((candidate) => candidate.name === property.name);
        return !match || match.optional || match.shape.kind === 'unknown';
      });
      return omittable ? { ...property, optional: true } : property;
    });
    return { ...param, shape: { ...param.shape, properties } };
  });
}

