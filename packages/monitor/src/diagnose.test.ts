import * as tf from '@tensorflow/tfjs';
import { describeBackends, readWeights, testBackends } from '@gs/testing';
import { describe, expect, it, vi } from 'vitest';
import { diagnose } from './diagnose.js';
import { copyModel, replaceActivation } from './rebuild-model.js';
import { loadRemedyPackage } from './remedy-packages.js';

/** A 10-layer sigmoid MLP (vanishing gradients) on a small regression set. */
function sigmoidMlp(
  hidden: (i: number) => tf.layers.Layer = (i) =>
    tf.layers.dense({ units: 16, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: i + 1 }), name: `d${i}` }),
) {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [8] }));
  for (let i = 0; i < 10; i++) model.add(hidden(i));
  model.add(tf.layers.dense({ units: 1, name: 'head' }));
  return model;
}

function data() {
  return tf.tidy(() => {
    const xs = tf.randomUniform([32, 8], -1, 1, 'float32', 3);
    return { xs, ys: tf.sum(tf.sin(tf.mul(xs, 3)), 1, true) };
  });
}

/** A Dense-like layer that is not registered for serialization: diagnose cannot rebuild it. */
class UnregisteredDense extends tf.layers.Layer {
  private kernel: tf.LayerVariable | null = null;
  constructor(private readonly units: number, name: string) {
    super({ name });
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    this.kernel = this.addWeight('kernel', [shape[shape.length - 1]!, this.units], 'float32', tf.initializers.glorotNormal({ seed: 1 }));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.sigmoid(tf.matMul(Array.isArray(inputs) ? inputs[0]! : inputs, this.kernel!.read())));
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape).slice(0, -1), this.units];
  }
  static className = 'UnregisteredDense';
}

// diagnose's logic does not depend on the backend (the corpus runs it on every backend): one is enough here.
const [backend] = (await testBackends()).filter((name) => name !== 'webgpu');

describeBackends('diagnose', [backend!], () => {
  it('leaves the model it was given unchanged and reports the trials in a ranked table', async () => {
    const model = sigmoidMlp();
    const { xs, ys } = data();
    const before = await readWeights(model);
    const result = await diagnose(model, { xs, ys }, { steps: 6, remedies: 2, optimizer: () => tf.train.sgd(0.1) });
    expect(await readWeights(model)).toEqual(before);
    expect(result.verdict).toBe('vanishing');
    expect(result.rebuilt).toBe(true);
    expect(result.trials).toHaveLength(2);
    expect(result.trials[0]!.lossAfter).toBeLessThanOrEqual(result.trials[1]!.lossAfter);
    expect(result.table.split('\n')).toHaveLength(2 + 1 + 2); // header, rule, the model as given, two remedies
    expect(result.table).toContain("`initialize(await replaceActivation(model, 'sigmoid', 'relu'), 'he')`");
    expect(result.text).toMatch(/^diagnose: vanishing at d0 — 6 steps of 32 rows per trial, SGD 0\.1/);
    model.dispose();
    tf.dispose([xs, ys]);
  });

  it('says what it cannot rebuild (an unregistered custom layer), trains the model itself with its weights restored, and skips remedies that change the model', async () => {
    const model = sigmoidMlp((i) => new UnregisteredDense(16, `custom${i}`));
    const { xs, ys } = data();
    const before = await readWeights(model);
    const result = await diagnose(model, { xs, ys }, { steps: 4, remedies: 1, optimizer: () => tf.train.sgd(0.1) });
    expect(result.rebuilt, result.text).toBe(false);
    expect(result.verdict, result.text).toBe("vanishing");
    expect(result.rebuildProblem).toMatch(/custom layer\(s\) 'custom0', 'custom1', 'custom2' … \(10 layers of class UnregisteredDense\) are not registered/);
    expect(result.skipped.find((entry) => entry.remedy.id === 'layerNormalization')?.reason).toBe('it changes the model, which cannot be rebuilt (see the note)');
    expect(result.trials.map((trial) => trial.remedy?.id)).toEqual(['adaptiveOptimizer']);
    expect(result.text).toMatch(/note: cannot rebuild model/);
    expect(await readWeights(model)).toEqual(before);
    model.dispose();
    tf.dispose([xs, ys]);
  });

  it('rejects bad arguments naming the option and the value', async () => {
    const model = sigmoidMlp();
    const { xs, ys } = data();
    await expect(diagnose({} as never, { xs, ys })).rejects.toThrow(/diagnose: model must be a tf.LayersModel/);
    await expect(diagnose(model, { xs } as never)).rejects.toThrow(/diagnose: data.ys must be/);
    await expect(diagnose(model, { xs, ys: ys.slice(0, 5) })).rejects.toThrow(/data.ys must be a tensor with as many rows as data.xs \(32\)/);
    await expect(diagnose(model, { xs, ys }, { steps: 0 })).rejects.toThrow(/diagnose: steps must be an integer ≥ 1, got 0/);
    await expect(diagnose(model, { xs, ys }, { loss: 'hinge' as never })).rejects.toThrow(/diagnose: loss must be one of/);
    await expect(diagnose(model, { xs, ys }, { setps: 3 } as never)).rejects.toThrow(/unknown option 'setps' \(did you mean 'steps'\?\)/);
    await expect(diagnose(model, { xs, ys }, { optimizer: tf.train.sgd(0.1) as never })).rejects.toThrow(/diagnose: optimizer must be/);
    model.dispose();
    tf.dispose([xs, ys]);
  });
});

describeBackends('replaceActivation and copyModel', [backend!], () => {
  it('copies the weights and replaces only the named activation; the original is untouched', async () => {
    const model = sigmoidMlp();
    const relu = await replaceActivation(model, 'sigmoid', 'relu');
    const activations = (m: tf.LayersModel) => m.layers.map((layer) => (layer.getConfig() as { activation?: string }).activation).filter(Boolean);
    expect(activations(relu)).toEqual([...Array(10).fill('relu'), 'linear']);
    expect(activations(model)).toEqual([...Array(10).fill('sigmoid'), 'linear']);
    expect(await readWeights(relu)).toEqual(await readWeights(model));
    await expect(replaceActivation(model, 'tanh', 'relu')).rejects.toThrow(
      /replaceActivation: from must be the activation of a layer of model '.*' \('sigmoid', 'linear'\), got "tanh"/,
    );
    await expect(replaceActivation(model, 'sigmoid', 'swishy')).rejects.toThrow(/replaceActivation: to must be one of "elu", .*, got "swishy"/);
    const copy = await copyModel(model);
    expect(copy).not.toBe(model);
    expect(await readWeights(copy)).toEqual(await readWeights(model));
    [model, relu, copy].forEach((m) => m.dispose());
  });
});

describe('loadRemedyPackage', () => {
  it('uses the module passed in, else imports the package, else says how to make it available', async () => {
    const given = { warmup: () => ({ name: 'warmup' }) };
    expect(await loadRemedyPackage('optim', { optim: given })).toBe(given);
    const clipping = await loadRemedyPackage('clipping', {});
    expect(typeof (clipping as { clipByGlobalNorm?: unknown }).clipByGlobalNorm).toBe('function');
    vi.doMock('@gs/optim', () => {
      throw new Error('Cannot find package @gs/optim');
    });
    expect(await loadRemedyPackage('optim', {})).toMatch(
      /^@gs\/optim is not installed or cannot be loaded here \(npm install @gs\/optim, or pass diagnose\(\.\.\., \{ packages: \{ optim: await import\('@gs\/optim'\) \} \}\)\)$/,
    );
    vi.doUnmock('@gs/optim');
  });
});
