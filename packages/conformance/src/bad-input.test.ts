import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesOf, invoke, judge, type Outcome } from './bad-inputs.js';
import { createFixtures, type Fixtures } from './fixtures.js';
import { packagesDir, publicEntries, readPublicApi, type PublicCallable } from './public-api.js';
import { findValidCall } from './valid-call.js';
import { silenceOutput } from './silence-output.js';
import { startWatchdog } from './watchdog.js';

// Every exported function and class of every public entry point (read from the published
// declarations, so new exports are covered without editing this file) is called with generated
// bad values for each parameter and option: null, numbers, strings, booleans, arrays, NaN,
// ±Infinity, functions, tensors and models where they do not belong, missing required values,
// unknown and mistyped option names, and wrong-shaped tensors. Each call must throw an error
// from our code that names the function and the parameter or option.

const api = readPublicApi();
const modules = new Map<string, Record<string, unknown>>();
for (const { entry } of publicEntries()) modules.set(entry, (await import(entry)) as Record<string, unknown>);

/** A callable's names an error may use: its own; for a class also its factories' names. */
function functionNames(callable: PublicCallable): string[] {
  if (!callable.isClass) return [callable.name];
  const factories = api.filter((other) => !other.isClass && other.entry === callable.entry && other.returns === callable.name);
  const lowerFirst = callable.name[0]!.toLowerCase() + callable.name.slice(1);
  return [callable.name, lowerFirst, ...factories.map((factory) => factory.name)];
}

interface Finding {
  callable: PublicCallable;
  slot: string;
  label: string;
  outcome: Outcome;
  message: string;
}

describe('bad input gets a clear error from every public function and class', () => {
  it('depends on every published package, so that turbo builds them before this suite runs', () => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, 'conformance', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const published = new Set(publicEntries().map(({ entry }) => entry.split('/').slice(0, 2).join('/')));
    expect([...published].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  let fixtures: Fixtures;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    fixtures = await createFixtures();
  });
  afterAll(() => rmSync(fixtures.folder, { recursive: true, force: true }));

  it('walks every export with generated bad values and prints the counts', async () => {
    const counts = new Map<string, Record<Outcome, number>>();
    const findings: Finding[] = [];
    const uncovered: string[] = [];
    const quiet = silenceOutput();
    const watchdog = startWatchdog(30_000);
    try {
      for (const callable of api) {
        const target = modules.get(callable.entry)![callable.name] as (...args: unknown[]) => unknown;
        const valid = await findValidCall(callable, target, fixtures);
        if ('problem' in valid) {
          uncovered.push(`${callable.entry} ${callable.name}: ${valid.problem}`);
          continue;
        }
        const names = functionNames(callable);
        // Validation helpers (`requireX(where, option, value)`) name their caller and its option.
        const validArgs = valid.args();
        const whereIndex = callable.params.findIndex((param) => param.name === 'where');
        const optionIndex = callable.params.findIndex((param) => param.name === 'option');
        if (whereIndex >= 0) names.push(String(validArgs[whereIndex]));
        const callerOption = optionIndex >= 0 ? [String(validArgs[optionIndex])] : [];
        const tally = counts.get(callable.entry) ?? { clear: 0, unclear: 0, foreign: 0, accepted: 0, notApplicable: 0 };
        counts.set(callable.entry, tally);
        for (const badCase of casesOf(callable, valid, fixtures)) {
          watchdog.beat(`${callable.isClass ? 'new ' : ''}${callable.name}  ${badCase.slot} = ${badCase.label}`);
          tf.engine().startScope();
          const result = await invoke(target, callable.isClass, badCase.args());
          tf.engine().endScope();
          const outcome = judge(result, names, [...badCase.slotNames, ...callerOption], badCase.mayBeAccepted);
          tally[outcome]++;
          if (outcome !== 'clear' && outcome !== 'notApplicable') {
            const message = result.threw ? (result.error instanceof Error ? result.error.message : String(result.error)) : '';
            findings.push({ callable, slot: badCase.slot, label: badCase.label, outcome, message: message.split('\n')[0]!.slice(0, 160) });
          }
        }
      }
    } finally {
      watchdog.stop();
      quiet.restore();
    }

    const total = { clear: 0, unclear: 0, foreign: 0, accepted: 0, notApplicable: 0 };
    const lines = ['entry                     cases  clear  unclear  tfjs-crash  accepted  n/a'];
    for (const [entry, tally] of counts) {
      for (const key of Object.keys(total) as Outcome[]) total[key] += tally[key];
      lines.push(row(entry, tally));
    }
    lines.push(row('total', total));
    const judged = total.clear + total.unclear + total.foreign + total.accepted;
    const callables = api.length - uncovered.length;
    lines.push(
      `${callables} public functions and classes, ${judged} bad inputs judged: ${total.clear} clear (${((100 * total.clear) / judged).toFixed(1)} %), ` +
        `${total.unclear} unclear, ${total.foreign} thrown inside tfjs, ${total.accepted} silently accepted; ` +
        `${total.notApplicable} wrong-shaped tensors or unrecognised strings accepted by functions that take any`,
    );
    for (const finding of findings) {
      lines.push(
        `  ${finding.outcome.padEnd(8)} ${finding.callable.isClass ? 'new ' : ''}${finding.callable.name}  ${finding.slot} = ${finding.label}` +
          (finding.message ? `  → ${finding.message}` : ''),
      );
    }
    for (const problem of uncovered) lines.push(`  uncovered ${problem}`);
    console.log(lines.join('\n'));

    expect(uncovered).toEqual([]);
    expect(total.accepted).toBe(0);
    expect(total.foreign).toBe(0);
    expect(total.clear / judged).toBeGreaterThanOrEqual(0.99);
  });
});

function row(entry: string, tally: Record<Outcome, number>): string {
  const cases = tally.clear + tally.unclear + tally.foreign + tally.accepted + tally.notApplicable;
  return `${entry.padEnd(25)} ${String(cases).padStart(5)}  ${String(tally.clear).padStart(5)}  ${String(tally.unclear).padStart(7)}  ${String(tally.foreign).padStart(10)}  ${String(tally.accepted).padStart(8)}  ${String(tally.notApplicable).padStart(3)}`;
}
