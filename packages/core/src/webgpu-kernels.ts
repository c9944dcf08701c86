import * as tf from '@tensorflow/tfjs';

// Custom WebGPU kernels for the step path, written against the tfjs WebGPU backend's program
// interface (a program object with WGSL `getUserCode()`, run by `backend.runWebGPUProgram`). They
// fuse what tfjs ops cannot: Σx² per output unit of many tensors in one dispatch, and a gradient's
// whole chain of scalings in one pass. They are registered with tfjs only when the backend is
// webgpu (`useWebGPUKernels()`); every caller keeps a tfjs-op path for the other backends, which
// the tests compare against.

/** Kernel name: per-unit Σx² (or Σ(a−b)²) of many tensors into one `[tensors, width]` matrix. */
export const UNIT_SQUARED_NORMS = 'GradientStabilityUnitSquaredNorms';
/** Kernel name: `zero ? 0 : x · factor[offset + i mod units]`, one pass over a gradient. */
export const SCALE_GRADIENT = 'GradientStabilityScaleGradient';

/** Attributes of `UNIT_SQUARED_NORMS`: per tensor (or pair) its rows and units, and the output width. */
export interface UnitSquaredNormsAttrs {
  units: number[];
  rows: number[];
  width: number;
  /** `'square'`: inputs x0, x1, …; `'difference'`: pairs (x0 − x1), (x2 − x3), …. */
  mode: 'square' | 'difference';
}

/** Attributes of `SCALE_GRADIENT`: where the gradient's factors start in `factors`, and its units. */
export interface ScaleGradientAttrs {
  offset: number;
  units: number;
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

/** Σ over the rows of one unit, for `count` inputs (or pairs): a WGSL switch over the input index. */
function unitSumProgram(count: number, mode: UnitSquaredNormsAttrs['mode'], width: number): WebGPUProgramLike {
  const inputsPerTerm = mode === 'difference' ? 2 : 1;
  const variableNames = Array.from({ length: count * inputsPerTerm }, (_, i) => `x${i}`);
  const uniforms = Array.from({ length: count }, (_, i) => `gsRows${i} : i32, gsUnits${i} : i32,`).join(' ') + ' gsFirstRow : i32, gsWidth : i32,';
  const cases = Array.from({ length: count }, (_, i) => {
    const value =
      mode === 'difference' ? `f32(x${2 * i}[index]) - f32(x${2 * i + 1}[index])` : `f32(x${i}[index])`;
    return `case ${i}: {
        if (unit < uniforms.gsUnits${i}) {
          for (var row = 0; row < uniforms.gsRows${i}; row++) {
            let index = row * uniforms.gsUnits${i} + unit;
            let value = ${value};
            sum = sum + value * value;
          }
        }
      }`;
  }).join('\n      ');
  return {
    outputShape: [count, width],
    shaderKey: `gsUnitSquaredNorms_${mode}_${count}`,
    dispatchLayout: { x: [1], y: [0] },
    dispatch: [Math.ceil(width / WORKGROUP), count, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    variableNames,
    uniforms,
    getUserCode: () => `
  fn unitSum(term : i32, unit : i32) -> f32 {
    var sum = 0.0;
    switch term {
      ${cases}
      default: {}
    }
    return sum;
  }
  fn main() {
    let unit = i32(globalId.x);
    let term = i32(globalId.y);
    if (unit < uniforms.gsWidth && term < ${count}) {
      result[(uniforms.gsFirstRow + term) * uniforms.gsWidth + unit] = unitSum(term, unit);
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
    const program = unitSumProgram(count, mode, width);
    const chunk: TensorInfoLike[] = [];
    const uniformData: { type: string; data: number[] }[] = [];
    for (let term = first; term < first + count; term++) {
      for (let k = 0; k < inputsPerTerm; k++) chunk.push(flat(inputs[`x${term * inputsPerTerm + k}`]!));
      uniformData.push({ type: 'int32', data: [rows[term]!] }, { type: 'int32', data: [units[term]!] });
    }
    uniformData.push({ type: 'int32', data: [first] }, { type: 'int32', data: [width] });
    backend.runWebGPUProgram(program, chunk, 'float32', uniformData, output);
  }
  return output;
}

function scaleGradientProgram(): WebGPUProgramLike {
  return {
    outputShape: [],
    shaderKey: 'gsScaleGradient',
    dispatchLayout: { x: [0] },
    dispatch: [1, 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    variableNames: ['x', 'factors', 'zero'],
    uniforms: 'gsOffset : i32, gsUnits : i32,',
    size: true,
    getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let factor = f32(factors[uniforms.gsOffset + index % uniforms.gsUnits]);
      let scaled = f32(x[index]) * factor;
      result[index] = select(scaled, 0.0, f32(zero[0]) != 0.0);
    }
  }`,
  };
}

function scaleGradient({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, TensorInfoLike>;
  backend: WebGPUBackendLike;
  attrs: ScaleGradientAttrs;
}): TensorInfoLike {
  const x = inputs['x']!;
  const program = scaleGradientProgram();
  const size = x.shape.reduce((total, dim) => total * dim, 1);
  program.outputShape = [size];
  program.dispatch = [Math.ceil(size / WORKGROUP), 1, 1];
  const output = backend.runWebGPUProgram(
    program,
    [flat(x), flat(inputs['factors']!), flat(inputs['zero']!)],
    'float32',
    [
      { type: 'int32', data: [attrs.offset] },
      { type: 'int32', data: [attrs.units] },
    ],
  );
  return { ...output, shape: [...x.shape] };
}

/**
 * Whether the step path may use the custom WebGPU kernels: true when the current backend is
 * webgpu, registering them with tfjs on first use. On any other backend, false (callers use tfjs
 * ops).
 */
export function useWebGPUKernels(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const backend = tf.backend() as unknown as Partial<WebGPUBackendLike>;
  if (typeof backend.runWebGPUProgram !== 'function' || !backend.device) return false;
  const kernels: [string, (args: never) => TensorInfoLike][] = [
    [UNIT_SQUARED_NORMS, unitSquaredNorms],
    [SCALE_GRADIENT, scaleGradient],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, 'webgpu')) {
      tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    }
  }
  return true;
}
