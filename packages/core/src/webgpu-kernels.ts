import * as tf from '@tensorflow/tfjs';

// Custom WebGPU kernels for the step path, written against the tfjs WebGPU backend's program
// interface (a program object with WGSL `getUserCode()`, run by `backend.runWebGPUProgram`). They
// fuse what tfjs ops cannot: Σx² per output unit of many tensors in one dispatch, and a gradient's
// whole chain of scalings in one pass. They are registered with tfjs only when the backend is
// webgpu (`useWebGPUKernels()`); host-kernels.ts implements the same kernels for wasm and cpu, and
// callers keep a tfjs-op path for the other backends, which the tests compare against.

import {
  SCALE_GRADIENTS,
  SELECT_MANY,
  UNIT_SQUARED_NORMS,
  type ScaleGradientsAttrs,
  type UnitSquaredNormsAttrs,
  fusedKernelsEnabled,
  registerKernelsOnce,
} from './kernel-names.js';

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

interface WebGPUProgramLike {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  variableNames: string[];
  variableComponents?: number[];
  uniforms?: string;
  size?: boolean;
  getUserCode(): string;
}

interface WebGPUBackendLike {
  device: GPUDevice;
  makeTensorInfo(shape: number[], dtype: tf.DataType): TensorInfoLike;
  runWebGPUProgram(
    program: WebGPUProgramLike,
    inputs: TensorInfoLike[],
    outputDtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[],
    output?: TensorInfoLike,
  ): TensorInfoLike;
}

const WORKGROUP = 64;

/** A flat view of a tensor (same data, shape `[size]`), as tfjs's own reshape kernel makes. */
function flat(info: TensorInfoLike): TensorInfoLike {
  return { dataId: info.dataId, dtype: info.dtype, shape: [info.shape.reduce((size, dim) => size * dim, 1)] };
}

/**
 * Σ over the rows of each unit, for `count` inputs (or pairs): a WGSL switch over the input index.
 * A term whose units come in fours (`quads[i]`) is read as `vec4` — four neighbouring units per
 * invocation, one load per row instead of four, summed in the same order — which software adapters
 * (Mesa lavapipe) run about twice as fast; the others one unit per invocation.
 */
function unitSumProgram(quads: readonly boolean[], mode: UnitSquaredNormsAttrs['mode'], width: number): WebGPUProgramLike {
  const count = quads.length;
  const inputsPerTerm = mode === 'difference' ? 2 : 1;
  const variableNames = Array.from({ length: count * inputsPerTerm }, (_, i) => `x${i}`);
  const uniforms = Array.from({ length: count }, (_, i) => `gsRows${i} : i32, gsUnits${i} : i32,`).join(' ') + ' gsFirstRow : i32, gsWidth : i32,';
  const cases = quads.map((quad, i) => {
    const type = quad ? 'vec4<f32>' : 'f32';
    const read = (k: number) => `${type}(x${i * inputsPerTerm + k}[index])`;
    const value = mode === 'difference' ? `${read(0)} - ${read(1)}` : read(0);
    const lanes = quad ? 4 : 1;
    return `case ${i}: {
        var sum = ${type}(0.0);
        let units = uniforms.gsUnits${i} / ${lanes};
        if (unit < units) {
          for (var row = 0; row < uniforms.gsRows${i}; row++) {
            let index = row * units + unit;
            let value = ${value};
            sum = sum + value * value;
          }
        }
        ${quad ? 'for (var k = 0; k < 4; k++) { store(term, 4 * unit + k, sum[k]); }' : 'store(term, unit, sum);'}
      }`;
  });
  return {
    outputShape: [count, width],
    shaderKey: `gsUnitSquaredNorms_${mode}_${quads.map((quad) => (quad ? 'q' : 's')).join('')}`,
    dispatchLayout: { x: [1], y: [0] },
    dispatch: [Math.ceil(width / WORKGROUP), count, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    variableNames,
    variableComponents: quads.flatMap((quad) => new Array<number>(inputsPerTerm).fill(quad ? 4 : 1)),
    uniforms,
    getUserCode: () => `
  fn store(term : i32, column : i32, value : f32) {
    if (column < uniforms.gsWidth) {
      result[(uniforms.gsFirstRow + term) * uniforms.gsWidth + column] = value;
    }
  }
  fn main() {
    let unit = i32(globalId.x);
    let term = i32(globalId.y);
    switch term {
      ${cases.join('\n      ')}
      default: {}
    }
  }`,
  };
}

function unitSquaredNorms({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, TensorInfoLike>;
  backend: WebGPUBackendLike;
  attrs: UnitSquaredNormsAttrs;
}): TensorInfoLike {
  const { units, rows, width, mode } = attrs;
  const inputsPerTerm = mode === 'difference' ? 2 : 1;
  const terms = units.length;
  const output = backend.makeTensorInfo([terms, width], 'float32');
  // One output binding plus the inputs must fit the device's storage-buffer limit per stage.
  const perDispatch = Math.max(1, Math.floor((backend.device.limits.maxStorageBuffersPerShaderStage - 1) / inputsPerTerm));
  for (let first = 0; first < terms; first += perDispatch) {
    const count = Math.min(perDispatch, terms - first);
    const chunk: TensorInfoLike[] = [];
    const quads: boolean[] = [];
    const uniformData: { type: string; data: number[] }[] = [];
    for (let term = first; term < first + count; term++) {
      const termInputs = Array.from({ length: inputsPerTerm }, (_, k) => flat(inputs[`x${term * inputsPerTerm + k}`]!));
      chunk.push(...termInputs);
      const size = rows[term]! * units[term]!;
      quads.push(size > 0 && units[term]! % 4 === 0 && termInputs.every((input) => input.shape[0] === size));
      uniformData.push({ type: 'int32', data: [rows[term]!] }, { type: 'int32', data: [units[term]!] });
    }
    uniformData.push({ type: 'int32', data: [first] }, { type: 'int32', data: [width] });
    backend.runWebGPUProgram(unitSumProgram(quads, mode, width), chunk, 'float32', uniformData, output);
  }
  return output;
}

/** The backend internals a multi-output dispatch needs (tfjs-backend-webgpu 4.x). */
interface RawWebGPUBackend extends WebGPUBackendLike {
  uploadToGPU(dataId: object): void;
  tensorToBinding(info: TensorInfoLike): GPUBindingResource;
  makeUniforms(uniforms: { type: string; data: number[] }[]): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  commandEncoder: GPUCommandEncoder;
  computePassEncoder: GPUComputePassEncoder | null;
  endComputePassEncoder(): void;
  submitQueue(): void;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  activeTimers?: unknown;
}

const RAW_MEMBERS = ['uploadToGPU', 'tensorToBinding', 'makeUniforms', 'ensureCommandEncoderReady', 'endComputePassEncoder', 'submitQueue'];

/**
 * Whether the backend lets core record its own multi-output dispatches: the tfjs program interface
 * gives each dispatch one output, so writing several gradients (or restoring several variables)
 * per dispatch records the pass the way the backend's `recordAndSubmit` does. Not while tfjs times
 * kernels (`tf.time`, `tf.profile`), which records passes differently.
 */
function rawBackend(backend: WebGPUBackendLike): RawWebGPUBackend | undefined {
  const candidate = backend as Partial<RawWebGPUBackend>;
  const complete = RAW_MEMBERS.every((member) => typeof (candidate as Record<string, unknown>)[member] === 'function');
  return complete && candidate.commandQueueOwnedIds && candidate.activeTimers == null ? (candidate as RawWebGPUBackend) : undefined;
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/**
 * Records one compute dispatch of `source` (compiled once per device and key) with `tensors`
 * bound in order and `uniforms` after them, into the backend's current compute pass, submitting
 * every `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE` dispatches as the backend does.
 */
function recordDispatch(
  backend: RawWebGPUBackend,
  key: string,
  source: () => string,
  tensors: TensorInfoLike[],
  uniforms: number[],
  workgroups: [number, number],
): void {
  const { device } = backend;
  let cache = pipelines.get(device);
  if (!cache) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: source(), label: key }), entryPoint: 'main' } });
    cache.set(key, pipeline);
  }
  for (const tensor of tensors) backend.uploadToGPU(tensor.dataId);
  const entries: GPUBindGroupEntry[] = tensors.map((tensor, binding) => ({ binding, resource: backend.tensorToBinding(tensor) }));
  entries.push({ binding: tensors.length, resource: backend.makeUniforms(uniforms.map((value) => ({ type: 'int32', data: [value] }))) });
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  backend.ensureCommandEncoderReady();
  backend.computePassEncoder ??= backend.commandEncoder.beginComputePass({});
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(workgroups[0], workgroups[1]);
  for (const tensor of tensors) backend.commandQueueOwnedIds.add(tensor.dataId);
  backend.dispatchCountInPass++;
  if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= backend.dispatchCountInPass) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}

/**
 * Elements each invocation of the element-wise passes handles (a grid-stride loop): enough that a
 * pass's per-invocation set-up is spread over many elements and an idle conditional pass launches
 * few workgroups, while large tensors still get many invocations. Passes reading `vec4`s do best
 * with twice as many (on lavapipe, an in-place per-unit scaling of 1.3 M floats: 4.3–4.7 ms at 16,
 * 3.6–4.1 ms at 32).
 */
const ELEMENTS_PER_INVOCATION = { 1: 16, 4: 32 } as const;

/**
 * Workgroups (x only) of an element-wise pass over `size` elements read `lanes` at a time: one
 * per 64 × `ELEMENTS_PER_INVOCATION[lanes]` elements, at least 1.
 */
function stridedWorkgroups(backend: RawWebGPUBackend, size: number, lanes: 1 | 4 = 1): [number, number] {
  const groups = Math.max(1, Math.ceil(size / (WORKGROUP * ELEMENTS_PER_INVOCATION[lanes])));
  return [Math.min(groups, backend.device.limits.maxComputeWorkgroupsPerDimension), 1];
}

/** WGSL: the grid-stride loop's start and step, shared by the element-wise passes. */
const STRIDE = `let first = i32(gid.x);
  let stride = i32(groups.x * ${WORKGROUP}u);`;

/** WGSL: the grid-stride loop of `index` over `[0, count)` (after `STRIDE`), shared by the element-wise passes. */
const stridedLoop = (count: string, body: string) => `for (var index = first; index < ${count}; index += stride) {
      ${body}
    }`;

/**
 * How a scaling pass reads one gradient: `lanes` elements at a time (4: as `vec4`, when its size
 * and units allow), with one factor for the whole tensor (`oneFactor`: it has one unit) or one per
 * unit. Software adapters (Mesa lavapipe) move a `vec4` about as fast as one float, so four-lane
 * reads make the pass ~30 % cheaper there; the products are the same.
 */
interface ScaleRead {
  lanes: 1 | 4;
  oneFactor: boolean;
}

/** The read of a gradient of `size` elements whose factors repeat every `units` elements. */
function scaleReadOf(size: number, units: number): ScaleRead {
  return { lanes: size % 4 === 0 && (units === 1 || units % 4 === 0) ? 4 : 1, oneFactor: units === 1 };
}

/** Workgroups of a scaling pass over gradients of `sizes` read as `reads`: set by the largest gradient and its read. */
function scalingWorkgroups(backend: RawWebGPUBackend, reads: readonly ScaleRead[], sizes: readonly number[]): [number, number] {
  const largest = sizes.indexOf(Math.max(...sizes));
  return stridedWorkgroups(backend, sizes[largest]!, reads[largest]!.lanes);
}

/** Shader-key part naming the reads of a dispatch's gradients, e.g. `4u4p1p`. */
const readsKey = (reads: readonly ScaleRead[]) => reads.map(({ lanes, oneFactor }) => `${lanes}${oneFactor ? 'u' : 'p'}`).join('');

/** The WGSL element type a gradient is bound as. */
const elementType = ({ lanes }: ScaleRead) => (lanes === 4 ? 'vec4<f32>' : 'f32');

/**
 * WGSL loop of one gradient of a scaling pass: `target_i[j] = zeroed ? 0 : source_i[j] · factors[offset_i
 * + j mod units_i]` over the invocation's share of j (`read.lanes` elements per j). The unit is
 * carried along by addition, one division per invocation instead of one per element: software
 * adapters divide integers one lane at a time, which made a per-element modulo cost most of the
 * pass. In place (`skipOnes`), a gradient whose one factor is 1 is left as it is, unread: the
 * common step of a clip that did not engage costs no pass.
 */
function scaleLoop(i: number, target: string, source: string, read: ScaleRead, skipOnes = false): string {
  const { lanes, oneFactor } = read;
  const loop = (factor: string, advance = '') =>
    stridedLoop(`params.size${i} / ${lanes}`, `${target}${i}[index] = select(${source}${i}[index] * ${factor}, ${elementType(read)}(0.0), zeroed);${advance}`);
  if (oneFactor) {
    return `{
    let factor = factors[params.offset${i}];
    ${skipOnes ? `if (zeroed || factor != 1.0) { ${loop('factor')} }` : loop('factor')}
  }`;
  }
  const at = `params.offset${i} + unit`;
  const factor = lanes === 4 ? `vec4<f32>(factors[${at}], factors[${at} + 1], factors[${at} + 2], factors[${at} + 3])` : `factors[${at}]`;
  return `{
    let units = params.units${i};
    let advance = (stride * ${lanes}) % units;
    var unit = (first * ${lanes}) % units;
    ${loop(factor, `
      unit += advance;
      if (unit >= units) { unit -= units; }`)}
  }`;
}

/** WGSL of `SCALE_GRADIENTS` for gradients read as `reads`: `y_i = zero ? 0 : x_i · factors[offset_i + index mod units_i]`. */
function scaleGradientsSource(reads: readonly ScaleRead[]): string {
  const count = reads.length;
  return `
struct Params { ${reads.map((_, i) => `size${i} : i32, offset${i} : i32, units${i} : i32,`).join(' ')} };
${reads.map((read, i) => `@group(0) @binding(${i}) var<storage, read_write> y${i} : array<${elementType(read)}>;`).join('\n')}
${reads.map((read, i) => `@group(0) @binding(${count + i}) var<storage, read> x${i} : array<${elementType(read)}>;`).join('\n')}
@group(0) @binding(${2 * count}) var<storage, read> factors : array<f32>;
@group(0) @binding(${2 * count + 1}) var<storage, read> zero : array<i32>;
@group(0) @binding(${2 * count + 2}) var<uniform> params : Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  ${STRIDE}
  let zeroed = zero[0] != 0;
  ${reads.map((read, i) => scaleLoop(i, 'y', 'x', read)).join('\n  ')}
}`;
}

/** WGSL of `SELECT_MANY` for `count` pairs: `y_i = condition ? t_i : e_i`. */
function selectManySource(count: number): string {
  const range = Array.from({ length: count }, (_, i) => i);
  return `
struct Params { ${range.map((i) => `size${i} : i32,`).join(' ')} };
${range.map((i) => `@group(0) @binding(${i}) var<storage, read_write> y${i} : array<f32>;`).join('\n')}
${range.map((i) => `@group(0) @binding(${count + 2 * i}) var<storage, read> t${i} : array<f32>;
@group(0) @binding(${count + 2 * i + 1}) var<storage, read> e${i} : array<f32>;`).join('\n')}
@group(0) @binding(${3 * count}) var<storage, read> condition : array<i32>;
@group(0) @binding(${3 * count + 1}) var<uniform> params : Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  ${STRIDE}
  let chosen = condition[0] != 0;
  ${range.map((i) => stridedLoop(`params.size${i}`, `y${i}[index] = select(e${i}[index], t${i}[index], chosen);`)).join('\n  ')}
}`;
}

const sizeOf = (info: TensorInfoLike) => info.shape.reduce((total, dim) => total * dim, 1);

/**
 * Runs `count`-output dispatches over `items` in groups of `perDispatch`, each group's outputs
 * made here (float32, shaped like `shapeOf(item)`), and returns all outputs in order.
 */
function dispatchInGroups<T>(
  backend: RawWebGPUBackend,
  items: T[],
  perDispatch: number,
  shapeOf: (item: T) => number[],
  record: (group: T[], outputs: TensorInfoLike[], size: number) => void,
): TensorInfoLike[] {
  const outputs = items.map((item) => backend.makeTensorInfo(shapeOf(item), 'float32'));
  for (let first = 0; first < items.length; first += perDispatch) {
    const group = items.slice(first, first + perDispatch);
    const groupOutputs = outputs.slice(first, first + perDispatch);
    record(group, groupOutputs, Math.max(...groupOutputs.map(sizeOf)));
  }
  return outputs;
}

function scaleGradients({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, TensorInfoLike>;
  backend: WebGPUBackendLike;
  attrs: ScaleGradientsAttrs;
}): TensorInfoLike[] {
  const raw = rawBackend(backend)!;
  const perDispatch = Math.floor((raw.device.limits.maxStorageBuffersPerShaderStage - 2) / 2);
  const items = attrs.offsets.map((offset, i) => ({ x: inputs[`x${i}`]!, offset, units: attrs.units[i]! }));
  return dispatchInGroups(raw, items, perDispatch, (item) => item.x.shape, (group, outputs) => {
    const reads = group.map((item) => scaleReadOf(sizeOf(item.x), item.units));
    recordDispatch(
      raw,
      `gsScaleGradients_${readsKey(reads)}`,
      () => scaleGradientsSource(reads),
      [...outputs, ...group.map((item) => flat(item.x)), flat(inputs['factors']!), flat(inputs['zero']!)],
      group.flatMap((item) => [sizeOf(item.x), item.offset, item.units]),
      scalingWorkgroups(raw, reads, group.map((item) => sizeOf(item.x))),
    );
  });
}

function selectMany({ inputs, backend }: { inputs: Record<string, TensorInfoLike>; backend: WebGPUBackendLike }): TensorInfoLike[] {
  const raw = rawBackend(backend)!;
  const perDispatch = Math.floor((raw.device.limits.maxStorageBuffersPerShaderStage - 1) / 3);
  const pairs = Object.keys(inputs)
    .filter((name) => name.startsWith('t'))
    .map((name) => ({ t: inputs[name]!, e: inputs[`e${name.slice(1)}`]! }));
  return dispatchInGroups(raw, pairs, perDispatch, (pair) => pair.t.shape, (group, outputs, size) => {
    recordDispatch(
      raw,
      `gsSelectMany_${group.length}`,
      () => selectManySource(group.length),
      [...outputs, ...group.flatMap((pair) => [flat(pair.t), flat(pair.e)]), flat(inputs['condition']!)],
      group.map((pair) => sizeOf(pair.t)),
      stridedWorkgroups(raw, size),
    );
  });
}

/**
 * WGSL of `restoreIf` for `count` pairs: `if (condition) { target_i = source_i }`, copied as bits
 * (u32), in place. When the condition does not hold, every invocation returns at once.
 */
function restoreSource(count: number): string {
  const range = Array.from({ length: count }, (_, i) => i);
  return `
struct Params { ${range.map((i) => `size${i} : i32,`).join(' ')} };
${range.map((i) => `@group(0) @binding(${2 * i}) var<storage, read_write> target${i} : array<u32>;
@group(0) @binding(${2 * i + 1}) var<storage, read> source${i} : array<u32>;`).join('\n')}
@group(0) @binding(${2 * count}) var<storage, read> condition : array<i32>;
@group(0) @binding(${2 * count + 1}) var<uniform> params : Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  if (condition[0] == 0) { return; }
  ${STRIDE}
  ${range.map((i) => stridedLoop(`params.size${i}`, `target${i}[index] = source${i}[index];`)).join('\n  ')}
}`;
}

/**
 * `variable ← condition ? before : variable` for every variable, in place on WebGPU: the
 * variables' data (made by this step's update, owned by nothing else) is overwritten with the
 * values from `before` only when `condition` holds, as many variables per dispatch as the
 * device's storage buffers allow; on other steps the dispatches do no work. Returns false, doing
 * nothing, when that cannot be done safely (another backend, a variable whose data something
 * else shares or that the update left unchanged, a dtype other than float32); the caller then
 * selects into new tensors.
 */
export function restoreInPlace(condition: tf.Tensor, variables: readonly tf.Variable[], before: readonly tf.Tensor[]): boolean {
  if (!useWebGPUKernels()) return false;
  const backend = tf.backend() as unknown as WebGPUBackendLike & { refCount(dataId: object): number };
  const raw = rawBackend(backend);
  if (!raw || condition.size !== 1) return false;
  const safe = variables.every(
    (variable, i) =>
      variable.dtype === 'float32' &&
      before[i]!.dtype === 'float32' &&
      variable.size === before[i]!.size &&
      variable.dataId !== before[i]!.dataId &&
      backend.refCount(variable.dataId) === 1,
  );
  if (!safe) return false;
  const pairs = variables.map((variable, i) => ({ target: variable, source: before[i]! })).filter((pair) => pair.target.size > 0);
  const perDispatch = Math.floor((raw.device.limits.maxStorageBuffersPerShaderStage - 1) / 2);
  const info = (tensor: tf.Tensor): TensorInfoLike => ({ dataId: tensor.dataId, dtype: tensor.dtype, shape: [tensor.size] });
  const flag = condition.dtype === 'bool' || condition.dtype === 'int32' ? condition : undefined;
  const conditionTensor = flag ?? tf.notEqual(condition, 0);
  try {
    for (let first = 0; first < pairs.length; first += perDispatch) {
      const group = pairs.slice(first, first + perDispatch);
      const size = Math.max(...group.map((pair) => pair.target.size));
      recordDispatch(
        raw,
        `gsRestoreIf_${group.length}`,
        () => restoreSource(group.length),
        [...group.flatMap((pair) => [info(pair.target), info(pair.source)]), info(conditionTensor)],
        group.map((pair) => pair.target.size),
        stridedWorkgroups(raw, size),
      );
    }
  } finally {
    if (!flag) conditionTensor.dispose();
  }
  return true;
}

/**
 * WGSL of `scaleInPlace` for gradients read as `reads`: `x_i ← zero ? 0 : x_i · factors[offset_i +
 * index mod units_i]`, in place. With nothing to do (no factor, not zeroing) every invocation
 * returns at once.
 */
function scaleInPlaceSource(reads: readonly ScaleRead[]): string {
  const count = reads.length;
  return `
struct Params { ${reads.map((_, i) => `size${i} : i32, offset${i} : i32, units${i} : i32,`).join(' ')} scaled : i32, };
${reads.map((read, i) => `@group(0) @binding(${i}) var<storage, read_write> x${i} : array<${elementType(read)}>;`).join('\n')}
@group(0) @binding(${count}) var<storage, read> factors : array<f32>;
@group(0) @binding(${count + 1}) var<storage, read> zero : array<i32>;
@group(0) @binding(${count + 2}) var<uniform> params : Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  let zeroed = zero[0] != 0;
  if (!zeroed && params.scaled == 0) { return; }
  ${STRIDE}
  ${reads.map((read, i) => scaleLoop(i, 'x', 'x', read, true)).join('\n  ')}
}`;
}

/** Where a gradient's factors start in the flat factor tensor, and how many units it has. */
export interface InPlaceScaling {
  tensor: tf.Tensor;
  offset: number;
  units: number;
}

/**
 * Scales gradients in place on WebGPU: `x ← zero ? 0 : x · factor` (see `SCALE_GRADIENTS`), as
 * many gradients per dispatch as the device's storage buffers allow (six with WebGPU's default 8);
 * with only a `zero` condition the dispatches do no work unless it holds.
 * Returns false, doing nothing, when that cannot be done safely (another backend, a tensor whose
 * data something else shares, a dtype other than float32); the caller then scales into new tensors.
 */
export function scaleInPlace(items: readonly InPlaceScaling[], factors: tf.Tensor | undefined, zero: tf.Tensor | undefined): boolean {
  if (!useWebGPUKernels()) return false;
  const backend = tf.backend() as unknown as WebGPUBackendLike & { refCount(dataId: object): number };
  const raw = rawBackend(backend);
  if (!raw) return false;
  const data = new Set<object>();
  for (const { tensor } of items) {
    if (tensor.dtype !== 'float32' || backend.refCount(tensor.dataId) !== 1 || data.has(tensor.dataId)) return false;
    data.add(tensor.dataId);
  }
  if (factors && (factors.dtype !== 'float32' || data.has(factors.dataId))) return false;
  const info = (tensor: tf.Tensor): TensorInfoLike => ({ dataId: tensor.dataId, dtype: tensor.dtype, shape: [tensor.size] });
  tf.tidy(() => {
    const factorTensor = factors ?? tf.ones([1]);
    const zeroTensor = zero ? (zero.dtype === 'bool' || zero.dtype === 'int32' ? zero : tf.notEqual(zero, 0)) : tf.scalar(false, 'bool');
    const perDispatch = raw.device.limits.maxStorageBuffersPerShaderStage - 2;
    const work = items.filter((item) => item.tensor.size > 0);
    for (let first = 0; first < work.length; first += perDispatch) {
      const group = work.slice(first, first + perDispatch);
      const sizes = group.map((item) => item.tensor.size);
      const reads = group.map((item) => scaleReadOf(item.tensor.size, item.units));
      recordDispatch(
        raw,
        `gsScaleInPlace_${readsKey(reads)}`,
        () => scaleInPlaceSource(reads),
        [...group.map((item) => info(item.tensor)), info(factorTensor), info(zeroTensor)],
        [...group.flatMap((item) => [item.tensor.size, item.offset, item.units]), factors ? 1 : 0],
        scalingWorkgroups(raw, reads, sizes),
      );
    }
  });
  return true;
}

/**
 * Whether the step path may use the custom WebGPU kernels: true when the current backend is
 * webgpu, registering them with tfjs on first use. On any other backend, or with the
 * `GS_FUSED_KERNELS` flag off, false (callers use tfjs ops).
 */
export function useWebGPUKernels(): boolean {
  if (tf.getBackend() !== 'webgpu' || !fusedKernelsEnabled()) return false;
  const backend = tf.backend() as unknown as Partial<WebGPUBackendLike>;
  if (typeof backend.runWebGPUProgram !== 'function' || !backend.device) return false;
  registerKernelsOnce('webgpu', () => [
    [UNIT_SQUARED_NORMS, unitSquaredNorms as unknown as tf.KernelFunc],
    [SCALE_GRADIENTS, scaleGradients as unknown as tf.KernelFunc],
    [SELECT_MANY, selectMany as unknown as tf.KernelFunc],
  ]);
  return true;
}

/**
 * Whether core may record its own multi-output dispatches on the current WebGPU backend (not while
 * tfjs times kernels).
 */
export function webGPUDispatchesAllowed(): boolean {
  return rawBackend(tf.backend() as unknown as WebGPUBackendLike) !== undefined;
}
