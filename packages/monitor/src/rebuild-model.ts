import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireActivation, requireFunction, requireModel, requireString } from '@gs/core';

/** One layer's serialized config, as `model.toJSON(null, false)` writes it (snake_case keys); `copyModel`'s `edit` may change it. */
export interface LayerJson {
  /** The registered class name, e.g. `Dense`. */
  class_name: string;
  /** The layer's config: `name`, `activation`, `units`, … */
  config: Record<string, unknown>;
}
type ModelJson = { class_name: string; config: { layers?: LayerJson[] } | LayerJson[] };

/** Why a model could not be rebuilt from `model.toJSON()`. */
export class ModelRebuildError extends Error {
  constructor(message: string) {
    super(requireString('ModelRebuildError', 'message', message));
    this.name = 'ModelRebuildError';
  }
}

function layersOf(json: ModelJson): LayerJson[] {
  const config = json.config;
  return Array.isArray(config) ? config : (config.layers ?? []);
}

/** Every layer config, nested models included. */
function allLayers(json: ModelJson): LayerJson[] {
  return layersOf(json).flatMap((layer) =>
    layer.class_name === 'Sequential' || layer.class_name === 'Model' || layer.class_name === 'Functional'
      ? [layer, ...allLayers(layer as unknown as ModelJson)]
      : [layer],
  );
}

/**
 * A fresh copy of `model`: rebuilt from `model.toJSON()` (optionally edited first) with the
 * original's weights copied in, so training the copy never touches the original. Works for
 * Sequential and functional models whose layers are registered for serialization (tfjs layers and
 * the layers of this project's packages); a custom layer that is not registered cannot be rebuilt
 * and raises a `ModelRebuildError` naming it.
 *
 * @example
 * const copy = await copyModel(model);
 * const relu = await copyModel(model, (layers) => layers.forEach((l) => { if (l.config.activation === 'sigmoid') l.config.activation = 'relu'; }));
 */
export async function copyModel(model: tf.LayersModel, edit?: (layers: LayerJson[]) => void): Promise<tf.LayersModel> {
  requireModel('copyModel', 'model', model);
  if (edit !== undefined) requireFunction('copyModel', 'edit', edit);
  let json: ModelJson;
  try {
    json = model.toJSON(null, false) as unknown as ModelJson;
  } catch (error) {
    throw new ModelRebuildError(`cannot serialize model '${model.name}' with toJSON(): ${(error as Error).message}`);
  }
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const unknown = allLayers(json).filter((layer) => !(layer.class_name in known) && !['Sequential', 'Model', 'Functional'].includes(layer.class_name));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 3).map((layer) => `'${String(layer.config['name'])}'`).join(', ') + (unknown.length > 3 ? ' …' : '');
    const classes = [...new Set(unknown.map((layer) => layer.class_name))].join(', ');
    throw new ModelRebuildError(
      `cannot rebuild model '${model.name}' from toJSON(): custom layer(s) ${names} (${unknown.length} layer${unknown.length > 1 ? 's' : ''} of class ${classes}) are not registered (tf.serialization.registerClass)`,
    );
  }
  edit?.(allLayers(json));
  let copy: tf.LayersModel;
  try {
    copy = await tf.models.modelFromJSON(json as unknown as tf.io.ModelJSON['modelTopology'] as never);
  } catch (error) {
    throw new ModelRebuildError(`cannot rebuild model '${model.name}' from toJSON(): ${(error as Error).message}`);
  }
  copy.setWeights(model.getWeights());
  return copy;
}

/**
 * A copy of `model` in which every layer activation `from` is replaced by `to` (Dense/Conv
 * `activation` options and `Activation` layers), with the original's weights. The original is not
 * changed. Sigmoid → ReLU is the classic cure for vanishing gradients (pair it with He init:
 * `initialize(await replaceActivation(model, 'sigmoid', 'relu'), 'he')`); ReLU → ELU revives dead units.
 *
 * Sources: Glorot, Bordes & Bengio 2011 (ReLU); Clevert et al. 2016 (ELU).
 *
 * @example
 * const relu = await replaceActivation(model, 'sigmoid', 'relu');
 */
export async function replaceActivation(model: tf.LayersModel, from: string, to: string): Promise<tf.LayersModel> {
  const where = 'replaceActivation';
  requireModel(where, 'model', model);
  requireString(where, 'from', from);
  requireActivation(where, 'to', to);
  const present = new Set<string>();
  let replaced = 0;
  const copy = await copyModel(model, (layers) => {
    for (const layer of layers) {
      const activation = layer.config['activation'];
      if (typeof activation === 'string') present.add(activation);
      if (activation === from) {
        layer.config['activation'] = to;
        replaced++;
      }
    }
  });
  if (replaced === 0) {
    copy.dispose();
    const names = [...present].map((name) => `'${name}'`).join(', ');
    invalidOption(where, 'from', `the activation of a layer of model '${model.name}' (${names || 'none has one'})`, from);
  }
  return copy;
}
