import * as tf from '@tensorflow/tfjs';

// Two WGSL kernels for `LayerHistograms` on WebGPU, run through the tfjs WebGPU backend's program
// interface (a program object with WGSL `getUserCode()`, run by `backend.runWebGPUProgram`) and
// registered with tfjs only when the backend is webgpu. With tfjs ops, a histogram pass over every
// gradient and weight takes some twenty full passes over the values (concatenate, gather, min,
// max, subtract, scale, floor, cast, bincount, …); these take two, one workgroup per tensor:
//   1. `TENSOR_STATS`: each tensor's min, max and Σx, as a `[tensors, 3]` matrix;
//   2. `BUCKET_COUNTS`: each tensor's counts in the equal-width buckets of its layer's range
//      (combined from the rows of step 1), counted in workgroup memory, with the tensor's Σx and
//      the layer's min and max: a `[tensors, buckets + 3]` matrix.

/** Kernel name: min, max and Σx of each input tensor, as rows of a `[tensors, 3]` matrix. */
export const TENSOR_STATS = 'GradientStabilityTensorStats';
/** Kernel name: bucket counts of each tensor over its segment's range, `[tensors, buckets + 3]`. */
export const BUCKET_COUNTS = 'GradientStabilityBucketCounts';

/** Attributes of `BUCKET_COUNTS`: per tensor the first row and the number of rows of its segment in the stats. */
export interface BucketCountsAttrs {
  buckets: number;
  segmentFirst: number[];
  segmentRows: number[];
}

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
  uniforms?: string;
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
/** Keeps the largest value inside the last bucket, as `LayerHistograms` does on other backends. */
const INSIDE_LAST = 1 - 2 ** -20;

const flat = (info: TensorInfoLike): TensorInfoLike => ({ dataId: info.dataId, dtype: info.dtype, shape: [info.shape.reduce((size, dim) => size * dim, 1)] });
const range = (count: number) => Array.from({ length: count }, (_, i) => i);

/** Σ over `count` tensors, a WGSL `switch` choosing the tensor of this workgroup. */
function perTensor(count: number, body: (i: number) => string): string {
  return `switch term {
      ${range(count).map((i) => `case ${i}: { ${body(i)} }`).join('\n      ')}
      default: {}
    }`;
}

/** Workgroup-wide tree reduction of `name` (a `var<workgroup>` array of WORKGROUP values) with `op`. */
function reduce(name: string, op: (a: string, b: string) => string): string {
  return `for (var stride = ${WORKGROUP / 2}u; stride > 0u; stride = stride / 2u) {
      if (lane < stride) { ${name}[lane] = ${op(`${name}[lane]`, `${name}[lane + stride]`)}; }
      workgroupBarrier();
    }`;
}

function statsProgram(count: number): WebGPUProgramLike {
  return {
    outputShape: [count, 3],
    shaderKey: `gsTensorStats_${count}`,
    dispatchLayout: { x: [1], y: [0] },
    dispatch: [count, 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    variableNames: range(count).map((i) => `x${i}`),
    uniforms: `${range(count).map((i) => `gsSize${i} : i32,`).join(' ')} gsFirstRow : i32,`,
    getUserCode: () => `
  var<workgroup> lows : array<f32, ${WORKGROUP}>;
  var<workgroup> highs : array<f32, ${WORKGROUP}>;
  var<workgroup> sums : array<f32, ${WORKGROUP}>;
  fn main() {
    let term = i32(workgroupId.x);
    let lane = localIndex;
    var low = 3.4028234663852886e38;
    var high = -3.4028234663852886e38;
    var sum = 0.0;
    ${perTensor(count, (i) => `for (var j = i32(lane); j < uniforms.gsSize${i}; j = j + ${WORKGROUP}) { let v = f32(x${i}[j]); low = min(low, v); high = max(high, v); sum = sum + v; }`)}
    lows[lane] = low;
    highs[lane] = high;
    sums[lane] = sum;
    workgroupBarrier();
    ${reduce('lows', (a, b) => `min(${a}, ${b})`)}
    ${reduce('highs', (a, b) => `max(${a}, ${b})`)}
    ${reduce('sums', (a, b) => `${a} + ${b}`)}
    if (lane == 0u) {
      let row = (uniforms.gsFirstRow + term) * 3;
      result[row] = lows[0];
      result[row + 1] = highs[0];
      result[row + 2] = sums[0];
    }
  }`,
  };
}

function countsProgram(count: number, buckets: number): WebGPUProgramLike {
  const width = buckets + 3;
  return {
    outputShape: [count, width],
    shaderKey: `gsBucketCounts_${count}_${buckets}`,
    dispatchLayout: { x: [1], y: [0] },
    dispatch: [count, 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    variableNames: ['stats', ...range(count).map((i) => `x${i}`)],
    uniforms: `${range(count).map((i) => `gsSize${i} : i32, gsSegmentFirst${i} : i32, gsSegmentRows${i} : i32,`).join(' ')} gsFirstRow : i32,`,
    getUserCode: () => `
  var<workgroup> bucketCounts : array<atomic<u32>, ${buckets}>;
  fn main() {
    let term = i32(workgroupId.x);
    let lane = localIndex;
    for (var b = lane; b < ${buckets}u; b = b + ${WORKGROUP}u) { atomicStore(&bucketCounts[b], 0u); }
    var first = 0;
    var rows = 0;
    ${perTensor(count, (i) => `first = uniforms.gsSegmentFirst${i}; rows = uniforms.gsSegmentRows${i};`)}
    var low = f32(stats[first * 3]);
    var high = f32(stats[first * 3 + 1]);
    for (var r = first + 1; r < first + rows; r = r + 1) { low = min(low, f32(stats[r * 3])); high = max(high, f32(stats[r * 3 + 1])); }
    let spread = high - low;
    let scale = select(0.0, ${buckets * INSIDE_LAST} / spread, spread > 0.0);
    workgroupBarrier();
    ${perTensor(
      count,
      (i) => `for (var j = i32(lane); j < uniforms.gsSize${i}; j = j + ${WORKGROUP}) {
        let position = (f32(x${i}[j]) - low) * scale;
        if (position >= 0.0 && position < ${buckets}.0) { atomicAdd(&bucketCounts[min(u32(position), ${buckets - 1}u)], 1u); }
      }`,
    )}
    workgroupBarrier();
    let row = uniforms.gsFirstRow + term;
    for (var b = lane; b < ${buckets}u; b = b + ${WORKGROUP}u) { result[row * ${width} + i32(b)] = f32(atomicLoad(&bucketCounts[b])); }
    if (lane == 0u) {
      result[row * ${width} + ${buckets}] = f32(stats[row * 3 + 2]);
      result[row * ${width} + ${buckets + 1}] = low;
      result[row * ${width} + ${buckets + 2}] = high;
    }
  }`,
  };
}

/** Runs `program(count)` over the inputs in groups that fit the device's storage-buffer limit, all writing into one output. */
function runInGroups(
  backend: WebGPUBackendLike,
  inputs: TensorInfoLike[],
  outputShape: number[],
  reserved: number,
  run: (first: number, count: number, output: TensorInfoLike) => void,
): TensorInfoLike {
  const output = backend.makeTensorInfo(outputShape, 'float32');
  const perDispatch = Math.max(1, backend.device.limits.maxStorageBuffersPerShaderStage - reserved);
  for (let first = 0; first < inputs.length; first += perDispatch) run(first, Math.min(perDispatch, inputs.length - first), output);
  return output;
}

function tensorStats({ inputs, backend }: { inputs: Record<string, TensorInfoLike>; backend: WebGPUBackendLike }): TensorInfoLike {
  const tensors = Object.keys(inputs).map((_, i) => flat(inputs[`x${i}`]!));
  return runInGroups(backend, tensors, [tensors.length, 3], 1, (first, count, output) => {
    const uniforms = [...tensors.slice(first, first + count).map((tensor) => tensor.shape[0]!), first].map((value) => ({ type: 'int32', data: [value] }));
    backend.runWebGPUProgram(statsProgram(count), tensors.slice(first, first + count), 'float32', uniforms, output);
  });
}

function bucketCounts({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, TensorInfoLike>;
  backend: WebGPUBackendLike;
  attrs: BucketCountsAttrs;
}): TensorInfoLike {
  const { buckets, segmentFirst, segmentRows } = attrs;
  const tensors = segmentFirst.map((_, i) => flat(inputs[`x${i}`]!));
  const stats = flat(inputs['stats']!);
  return runInGroups(backend, tensors, [tensors.length, buckets + 3], 2, (first, count, output) => {
    const uniforms: number[] = [];
    for (let i = first; i < first + count; i++) uniforms.push(tensors[i]!.shape[0]!, segmentFirst[i]!, segmentRows[i]!);
    uniforms.push(first);
    backend.runWebGPUProgram(
      countsProgram(count, buckets),
      [stats, ...tensors.slice(first, first + count)],
      'float32',
      uniforms.map((value) => ({ type: 'int32', data: [value] })),
      output,
    );
  });
}

/**
 * Whether the histogram kernels can run: true when the current backend is webgpu, registering them
 * with tfjs on first use; false elsewhere (`LayerHistograms` then uses tfjs ops).
 */
export function useHistogramKernels(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const backend = tf.backend() as unknown as Partial<WebGPUBackendLike>;
  if (typeof backend.runWebGPUProgram !== 'function' || !backend.device) return false;
  const kernels: [string, (args: never) => TensorInfoLike][] = [
    [TENSOR_STATS, tensorStats],
    [BUCKET_COUNTS, bucketCounts],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, 'webgpu')) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return true;
}
