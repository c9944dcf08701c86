import * as tf from '@tensorflow/tfjs';
import { describeBackends, readWeights, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { DeltaOrthogonal, deltaOrthogonal } from './delta-orthogonal.js';
import { dirac } from './dirac.js';
import { icnr, Icnr } from './icnr.js';
import { identity } from './identity.js';
import { orthogonal, Orthogonal } from './orthogonal.js';
import { sparse } from './sparse.js';
import { truncatedNormal } from './truncated-normal.js';
import { glorotUniform, heNormal } from './variance-scaling-presets.js';
import { VarianceScaling, varianceScaling } from './variance-scaling.js';

const backends = await testBackends();

/** A functional model using every initializer of the package as a kernel or recurrent initializer. */
function modelWithEveryInitializer(): tf.LayersModel {
  const image = tf.input({ shape: [6, 6, 4] });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: deltaOrthogonal({ gain: 1.2, seed: 1 }) }).apply(image) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: dirac({ gain: 0.5 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: icnr({ scale: 2, initializer: glorotUniform({ seed: 2 }) }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [36, 8] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.lstm({ units: 6, kernelInitializer: varianceScaling({ scale: 0, mode: 'fanAvg', distribution: 'uniform', seed: 0 }), recurrentInitializer: orthogonal({ gain: 0.9, seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 6, kernelInitializer: identity({ gain: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, kernelInitializer: truncatedNormal({ mean: 0.1, stddev: 0.2, a: -0.1, b: null, seed: 4 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, kernelInitializer: sparse({ sparsity: 0.5, stddev: 0.3, seed: 5 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 3, kernelInitializer: heNormal({ a: 0.1, mode: 'fanOut', seed: 6 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: x });
}

describeBackends('save → load', backends, () => {
  it('round-trips every initializer: same class, same config, bit-identical weights', async () => {
    const model = modelWithEveryInitializer();
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    // tfjs's own LSTM config turns undefined into null on a round trip; compare without empty entries.
    const configs = (m: tf.LayersModel) => JSON.parse(JSON.stringify(m.layers.map((layer) => layer.getConfig()), (_k, v) => (v === null ? undefined : v)));
    expect(configs(loaded)).toEqual(configs(model));
    const initializerConfigs = (m: tf.LayersModel) => m.layers.slice(1, 4).map((layer) => layer.getConfig()['kernelInitializer']);
    expect(initializerConfigs(loaded)).toEqual(initializerConfigs(model));
    const [before, after] = [await readWeights(model), await readWeights(loaded)];
    expect(after.map((w) => Array.from(w))).toEqual(before.map((w) => Array.from(w)));

    const kernelInit = (index: number, key = 'kernelInitializer') =>
      (loaded.layers[index] as unknown as Record<string, unknown>)[key];
    expect(kernelInit(1)).toBeInstanceOf(DeltaOrthogonal);
    expect(kernelInit(3)).toBeInstanceOf(Icnr);
    expect((kernelInit(3) as Icnr).initializer).toBeInstanceOf(VarianceScaling);
    const lstmCell = (loaded.layers[5] as unknown as { cell: Record<string, unknown> }).cell;
    expect(lstmCell['recurrentInitializer']).toBeInstanceOf(Orthogonal);
    expect((lstmCell['kernelInitializer'] as VarianceScaling).scale).toBe(0); // zero-valued scale and seed survive
    expect((lstmCell['kernelInitializer'] as VarianceScaling).seed).toBe(0);

    // A loaded seeded initializer draws the same values again when the model is rebuilt from its config.
    const rebuilt = tf.models.modelFromJSON({ modelTopology: artifacts!.modelTopology as tf.io.ModelJSON['modelTopology'] });
    const seeded = [1, 3]; // delta-orthogonal conv and ICNR conv kernels
    const [rebuiltWeights, original] = [await readWeights(await rebuilt), before];
    const kernelIndex = (await rebuilt).weights.map((w) => w.name);
    for (const layerIndex of seeded) {
      const name = (await rebuilt).layers[layerIndex]!.weights[0]!.name;
      const i = kernelIndex.indexOf(name);
      expect(Array.from(rebuiltWeights[i]!)).toEqual(Array.from(original[i]!));
    }
    model.dispose();
    loaded.dispose();
    (await rebuilt).dispose();
  });

  it('uses class names that do not collide with tfjs built-ins', () => {
    const names = [VarianceScaling, Orthogonal, DeltaOrthogonal, Icnr].map((cls) => cls.className);
    expect(names).toEqual(['GsVarianceScaling', 'GsOrthogonal', 'GsDeltaOrthogonal', 'GsIcnr']);
    // The tfjs registry still maps its own names to its own classes.
    const registry = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(registry['Orthogonal']![0]).toBe(tf.initializers.orthogonal({}).constructor);
    expect(registry['GsOrthogonal']![0]).toBe(Orthogonal);
  });
});
