import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireInteger, requireOptions } from '@gs/core';

/** Options of `fixupInit`. */
export interface FixupInitOptions {
  /** L, the number of residual branches in the network. Default: the number of blocks found/given. */
  numBlocks?: number;
  /**
   * m, the number of weight layers in each branch (≥ 2). Default: the number found; then every
   * block must have the same number.
   */
  branchLayers?: number;
  /**
   * The classification layer, zeroed by Fixup rule 1. For a model the default is its last layer
   * when that layer has a kernel and is not inside a block; pass `null` to leave it alone. For a
   * list of blocks the default is none.
   */
  outputLayer?: tf.layers.Layer | null;
}

/** What `fixupInit` did. */
export interface FixupInitResult {
  /** L^(−1/(2m−2)), the factor the non-last branch kernels were multiplied by. */
  factor: number;
  /** L, the number of residual branches used in the factor (given, or the number of blocks found). */
  numBlocks: number;
  /** m, the number of weight layers per branch used in the factor (given, or the number found). */
  branchLayers: number;
  /** Names of the layers whose kernels were scaled by `factor`. */
  scaled: string[];
  /** Names of the layers whose weights (kernel and bias) were set to 0. */
  zeroed: string[];
}

/** Matches the branch weight layers the builders create: `<prefix>block<i>_branch<j>`. */
const BRANCH_LAYER_NAME = /(?:^|_)block(\d+)_branch(\d+)$/;

function hasKernel(layer: tf.layers.Layer): boolean {
  return layer.weights.some((weight) => /(^|\/)kernel(_\d+)?$/.test(weight.originalName));
}

/** The branch weight layers of a model built by `residualMlp`/`residualConvNet`, grouped by block, in order. */
function findBlocks(model: tf.LayersModel): tf.layers.Layer[][] {
  const blocks = new Map<number, Array<{ position: number; layer: tf.layers.Layer }>>();
  for (const layer of model.layers) {
    const match = BRANCH_LAYER_NAME.exec(layer.name);
    if (!match) continue;
    const block = Number(match[1]);
    if (!blocks.has(block)) blocks.set(block, []);
    blocks.get(block)!.push({ position: Number(match[2]), layer });
  }
  return [...blocks.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, layers]) => layers.sort((a, b) => a.position - b.position).map((entry) => entry.layer));
}

function scaleKernel(layer: tf.layers.Layer, factor: number): void {
  tf.tidy(() => {
    for (const weight of layer.weights) {
      if (/(^|\/)kernel(_\d+)?$/.test(weight.originalName)) weight.write(tf.mul(weight.read(), factor));
    }
  });
}

function zeroWeights(layer: tf.layers.Layer): void {
  tf.tidy(() => {
    for (const weight of layer.weights) {
      if (weight.trainable) weight.write(tf.zerosLike(weight.read()));
    }
  });
}

/**
 * Fixup initialization of an existing residual network, in place: the last weight layer of each
 * residual branch (and the classification layer) is set to 0, and the other weight layers in each
 * branch are multiplied by L^(−1/(2m−2)), so the network's output changes by Θ(η) per SGD step
 * regardless of depth, without normalization layers.
 *
 * Formula (Zhang et al. 2019, rules 1–2): for L branches of m weight layers each,
 * `W_last ← 0`, `W_j ← L^(−1/(2m−2)) · W_j` for j < m, `W_classifier ← 0`. Rule 3 (a scalar
 * multiplier, initially 1, per branch and a scalar bias, initially 0, before each weight layer
 * and activation) is structural: `residualMlp({fixup: true})` builds it with `scale(1,
 * {trainable: true})` and `scalarBias()` layers. Rule 2 expects the kernels to come from a standard
 * initializer (He et al.) first — `fixupInit` scales whatever is there.
 *
 * `target` is a model built by `residualMlp`/`residualConvNet` (branch layers are found by their
 * names, `block<i>_branch<j>`) or a list of blocks, each the ordered list of the branch's weight
 * layers. Not called inside a training step; it writes the weights with `assign`, no host sync.
 *
 * Source: Zhang, Dauphin & Ma 2019, "Fixup Initialization: Residual Learning Without
 * Normalization".
 *
 * @example
 * const model = residualMlp({ inputShape: [784], depth: 50, width: 64, fixup: true }); // already applied
 * fixupInit([[denseA1, denseA2], [denseB1, denseB2]], { numBlocks: 2 });
 */
export function fixupInit(
  target: tf.LayersModel | readonly (readonly tf.layers.Layer[])[],
  options: FixupInitOptions = {},
): FixupInitResult {
  const opts = requireOptions<FixupInitOptions>('fixupInit', options, ['numBlocks', 'branchLayers', 'outputLayer'], { nullable: ['outputLayer'] });
  let blocks: tf.layers.Layer[][];
  let outputLayer: tf.layers.Layer | null = null;
  if (target instanceof tf.LayersModel) {
    blocks = findBlocks(target);
    if (blocks.length === 0) {
      throw new RangeError(
        `fixupInit: model '${target.name}' has no residual branch layers named block<i>_branch<j>; build it with residualMlp/residualConvNet or pass the blocks as lists of layers`,
      );
    }
    const inBlocks = new Set(blocks.flat());
    const last = target.layers[target.layers.length - 1];
    if (last && hasKernel(last) && !inBlocks.has(last)) outputLayer = last;
  } else if (Array.isArray(target) && target.length > 0 && target.every((block) => Array.isArray(block))) {
    blocks = target.map((block) => [...block]);
  } else {
    return invalidOption('fixupInit', 'target', 'a tf.LayersModel or a non-empty array of blocks (arrays of layers)', target);
  }
  if (opts.outputLayer !== undefined) outputLayer = opts.outputLayer;

  const numBlocks = opts.numBlocks === undefined ? blocks.length : requireInteger('fixupInit', 'numBlocks', opts.numBlocks);
  const counts = [...new Set(blocks.map((block) => block.length))];
  if (opts.branchLayers === undefined && counts.length > 1) {
    throw new RangeError(`fixupInit: blocks have different numbers of weight layers (${counts.join(', ')}); pass branchLayers`);
  }
  const branchLayers =
    opts.branchLayers === undefined ? counts[0]! : requireInteger('fixupInit', 'branchLayers', opts.branchLayers);
  if (branchLayers < 2) {
    invalidOption('fixupInit', 'branchLayers', 'an integer ≥ 2 (Fixup scales by L^(−1/(2m−2)), undefined for m = 1)', branchLayers);
  }
  blocks.forEach((block, i) =>
    block.forEach((layer, j) => {
      if (!(layer instanceof tf.layers.Layer) || !hasKernel(layer)) {
        invalidOption('fixupInit', `blocks[${i}][${j}]`, 'a built layer with a kernel (Dense, Conv…)', layer instanceof tf.layers.Layer ? layer.name : layer);
      }
    }),
  );
  if (outputLayer !== null && !(outputLayer instanceof tf.layers.Layer && hasKernel(outputLayer))) {
    invalidOption('fixupInit', 'outputLayer', 'a built layer with a kernel or null', outputLayer instanceof tf.layers.Layer ? outputLayer.name : outputLayer);
  }

  const factor = numBlocks ** (-1 / (2 * branchLayers - 2));
  const scaled: string[] = [];
  const zeroed: string[] = [];
  for (const block of blocks) {
    block.forEach((layer, j) => {
      if (j === block.length - 1) {
        zeroWeights(layer);
        zeroed.push(layer.name);
      } else {
        scaleKernel(layer, factor);
        scaled.push(layer.name);
      }
    });
  }
  if (outputLayer !== null) {
    zeroWeights(outputLayer);
    zeroed.push(outputLayer.name);
  }
  return { factor, numBlocks, branchLayers, scaled, zeroed };
}
