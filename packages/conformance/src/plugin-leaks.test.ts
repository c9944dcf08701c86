import { rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { createTrainer, stabilize, type StabilityPlugin } from '@gs/core';
import { describeBackends, testBackends } from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { invoke } from './bad-inputs.js';
import { createFixtures, INPUT_FEATURES, type Fixtures } from './fixtures.js';
import { publicEntries, readPublicApi, type PublicCallable } from './public-api.js';
import { silenceOutput } from './silence-output.js';
import { findValidCall } from './valid-call.js';

// Every public factory whose call returns a plugin (found from the declarations and a valid call,
// so new plugins are covered without editing this file) runs a few steps through createTrainer
// and through bare minimize, then is disposed: tf.memory().numTensors must be back where it was
// before the optimizer and the plugin were made.

const backends = await testBackends();
const api = readPublicApi();
const modules = new Map<string, Record<string, unknown>>();
for (const { entry } of publicEntries()) modules.set(entry, (await import(entry)) as Record<string, unknown>);

/** A plugin has a name and at least one of these hooks (`dispose` alone does not make one: models have it too). */
const HOOKS = ['setup', 'transformGradients', 'afterUpdate', 'onReport'] as const;
const STEPS = 3;

function isPlugin(value: unknown): value is StabilityPlugin {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate['name'] === 'string' && HOOKS.some((hook) => typeof candidate[hook] === 'function');
}

/** Runs `body` with the output of the functions under test silenced. */
async function quietly(body: () => Promise<void>): Promise<void> {
  const quiet = silenceOutput();
  try {
    await body();
  } finally {
    quiet.restore();
  }
}

/** A plugin factory found among the exports, and how to make a fresh plugin with it. */
type PluginFactory = { callable: PublicCallable; make: () => Promise<StabilityPlugin> };

describeBackends('every plugin frees what it allocates', backends, () => {
  let fixtures: Fixtures;
  let factories: PluginFactory[];
  /** Exports whose declared return type is a plugin but whose call could not be made to return one. */
  let unconfirmed: string[];
  let xs: tf.Tensor;
  let ys: tf.Tensor;
  beforeAll(async () => {
    fixtures = await createFixtures();
    factories = [];
    unconfirmed = [];
    await quietly(collectFactories);
    xs = tf.randomNormal([8, INPUT_FEATURES], 0, 1, 'float32', 5);
    ys = tf.randomNormal([8, 1], 0, 1, 'float32', 6);
  });

  async function collectFactories() {
    // Candidates by their declared return type; a valid call then confirms each one.
    const candidates = api.filter(
      (callable) => callable.returnProperties.includes('name') && HOOKS.some((hook) => callable.returnProperties.includes(hook)),
    );
    for (const callable of candidates) {
      const target = modules.get(callable.entry)![callable.name] as (...args: unknown[]) => unknown;
      const valid = await findValidCall(callable, target, fixtures);
      if ('problem' in valid) {
        unconfirmed.push(`${callable.name}: ${valid.problem}`);
        continue;
      }
      const result = await invoke(target, callable.isClass, valid.args());
      if (result.threw || !isPlugin(result.value)) {
        unconfirmed.push(`${callable.name}: its valid call ${result.threw ? `threw ${String(result.error)}` : 'returned no plugin'}`);
        continue;
      }
      result.value.dispose?.();
      factories.push({
        callable,
        make: async () => {
          const made = await invoke(target, callable.isClass, valid.args());
          if (made.threw) throw made.error;
          return made.value as StabilityPlugin;
        },
      });
    }
  }

  afterAll(() => {
    tf.dispose([xs, ys]);
    rmSync(fixtures.folder, { recursive: true, force: true });
  });

  const loss = () => tf.losses.meanSquaredError(ys, fixtures.model.predict(xs) as tf.Tensor) as tf.Scalar;
  it('finds the plugin factories of every package', () => {
    const names = factories.map((factory) => factory.callable.name);
    expect(unconfirmed).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['clipByGlobalNorm', 'nonFinite', 'monitor', 'initializePlugin', 'warmup']));
    console.log(`plugin factories: ${names.join(', ')}`);
  });

  it('createTrainer: steps, then trainer.dispose() → numTensors back to the baseline', async () => {
    const leaks: string[] = [];
    await quietly(async () => {
      for (const { callable, make } of factories) {
        const before = tf.memory().numTensors;
        const trainer = createTrainer({ optimizer: tf.train.adam(1e-3), plugins: [await make()], model: fixtures.model });
        for (let step = 0; step < STEPS; step++) await trainer.step(loss);
        trainer.dispose();
        const after = tf.memory().numTensors;
        if (after !== before) leaks.push(`${callable.name}: ${after - before} tensors`);
      }
    });
    expect(leaks).toEqual([]);
  });

  it('bare minimize: steps, flush, then optimizer.dispose() → numTensors back to the baseline', async () => {
    const leaks: string[] = [];
    const variables = () => fixtures.model.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val);
    await quietly(async () => {
      for (const { callable, make } of factories) {
        const before = tf.memory().numTensors;
        const optimizer = stabilize(tf.train.sgd(0.01), [await make()], { model: fixtures.model });
        for (let step = 0; step < STEPS; step++) optimizer.minimize(loss, false, variables());
        await optimizer.flush();
        optimizer.dispose();
        const after = tf.memory().numTensors;
        if (after !== before) leaks.push(`${callable.name}: ${after - before} tensors`);
      }
    });
    expect(leaks).toEqual([]);
  });
});
