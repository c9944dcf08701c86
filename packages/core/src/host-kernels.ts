import * as tf from '@tensorflow/tfjs';
import {
  SCALE_GRADIENTS,
  SELECT_MANY,
  UNIT_SQUARED_NORMS,
  type ScaleGradientsAttrs,
  type UnitSquaredNormsAttrs,
  fusedKernelsEnabled,
  registerKernelsOnce,
} from './kernel-names.js';

// Core's fused step kernels for the backends whose tensors live in host memory (wasm: the wasm
// heap; cpu: typed arrays), written as tfjs kernels in JavaScript the way tfjs-backend-wasm writes
// its own Fill kernel, and calling the backend's own kernels for bulk arithmetic (wasm's SIMD
// multiply is several times faster than a JavaScript loop). They run synchronously inside the step
// like every kernel of these backends, so reading a one-element condition here is part of the
// kernel, not a host sync. Each replaces tens of tfjs ops per step, whose per-op engine overhead
// dominates the stack's cost on wasm: per-unit Σx² of every parameter in one pass, every
// gradient's chain of scalings in one kernel, and a whole-tensor select that copies nothing (the
// chosen side is returned as is).

type TypedArray = Float32Array | Int32Array | Uint8Array;

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

/** What the kernels need of a host-memory backend. */
interface HostMemory {
  /** A new tensor of `shape`; its values are read with `values` once every output is made. */
  output(shape: number[], dtype: tf.DataType): TensorInfoLike;
  /** The tensor's values (on wasm a view of the heap: take it after making the outputs, which may grow the heap). */
  values(info: TensorInfoLike): TypedArray;
  /** The same data under a second reference (what reshape kernels return). */
  alias(info: TensorInfoLike): TensorInfoLike;
  /** Runs one of the backend's own kernels directly (without the engine's per-op bookkeeping). */
  run(kernelName: string, inputs: Record<string, TensorInfoLike>): TensorInfoLike;
  /** Frees a tensor made here that is not an output. */
  free(info: TensorInfoLike): void;
}

interface BackendLike {
  incRef(dataId: object): void;
  disposeData(dataId: object): boolean;
}

interface WasmBackendLike extends BackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfoLike;
  typedArrayFromHeap(info: TensorInfoLike): TypedArray;
}

interface CpuBackendLike extends BackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: TypedArray): TensorInfoLike;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((total, dim) => total * dim, 1);

/** What both backends do alike: aliasing, freeing, and calling their own kernels. */
function common(backendName: string, backend: BackendLike): Pick<HostMemory, 'alias' | 'run' | 'free'> {
  return {
    alias: (info) => {
      backend.incRef(info.dataId);
      return { ...info };
    },
    run: (kernelName, inputs) => tf.getKernel(kernelName, backendName)!.kernelFunc({ inputs, backend, attrs: {} } as never) as TensorInfoLike,
    free: (info) => {
      backend.disposeData(info.dataId);
    },
  };
}

function wasmMemory(backend: WasmBackendLike): HostMemory {
  return {
    ...common('wasm', backend),
    output: (shape, dtype) => backend.makeOutput(shape, dtype),
    values: (info) => backend.typedArrayFromHeap(info),
  };
}

function cpuMemory(backend: CpuBackendLike): HostMemory {
  return {
    ...common('cpu', backend),
    output: (shape, dtype) => backend.makeTensorInfo(shape, dtype, tf.util.getTypedArrayFromDType(dtype as 'float32', sizeOf(shape))),
    values: (info) => backend.data.get(info.dataId).values as TypedArray,
  };
}

const MEMORY: Record<string, (backend: never) => HostMemory> = { wasm: wasmMemory, cpu: cpuMemory };

type HostKernel<A> = (memory: HostMemory, inputs: Record<string, TensorInfoLike>, attrs: A) => TensorInfoLike | TensorInfoLike[];

// The loops below are written out for squares and for squared differences separately: one
// function taking both kinds runs about half as fast once V8 has seen both.

/**
 * Adds Σ over rows of a² per unit into `sums`, eight rows per pass (each unit's sum is read and
 * written an eighth as often: about twice as fast as row by row).
 */
function addUnitSquares(sums: Float64Array, a: Float32Array, rowCount: number, unitCount: number): void {
  let row = 0;
  for (; row + 8 <= rowCount; row += 8) {
    for (let unit = 0, k = row * unitCount; unit < unitCount; unit++, k++) {
      const a0 = a[k]!;
      const a1 = a[k + unitCount]!;
      const a2 = a[k + 2 * unitCount]!;
      const a3 = a[k + 3 * unitCount]!;
      const a4 = a[k + 4 * unitCount]!;
      const a5 = a[k + 5 * unitCount]!;
      const a6 = a[k + 6 * unitCount]!;
      const a7 = a[k + 7 * unitCount]!;
      sums[unit] += a0 * a0 + a1 * a1 + (a2 * a2 + a3 * a3) + (a4 * a4 + a5 * a5 + (a6 * a6 + a7 * a7));
    }
  }
  for (; row < rowCount; row++) {
    for (let unit = 0, k = row * unitCount; unit < unitCount; unit++, k++) sums[unit] += a[k]! * a[k]!;
  }
}

/** Adds Σ over rows of (a − b)² per unit into `sums`, four rows per pass (used on reporting steps only). */
function addUnitSquaredDifferences(sums: Float64Array, a: Float32Array, b: Float32Array, rowCount: number, unitCount: number): void {
  let row = 0;
  for (; row + 4 <= rowCount; row += 4) {
    for (let unit = 0, k = row * unitCount; unit < unitCount; unit++, k++) {
      const d0 = a[k]! - b[k]!;
      const d1 = a[k + unitCount]! - b[k + unitCount]!;
      const d2 = a[k + 2 * unitCount]! - b[k + 2 * unitCount]!;
      const d3 = a[k + 3 * unitCount]! - b[k + 3 * unitCount]!;
      sums[unit] += d0 * d0 + d1 * d1 + (d2 * d2 + d3 * d3);
    }
  }
  for (; row < rowCount; row++) {
    for (let unit = 0, k = row * unitCount; unit < unitCount; unit++, k++) {
      const d = a[k]! - b[k]!;
      sums[unit] += d * d;
    }
  }
}

/** Per-unit Σx² (or Σ(a − b)²), accumulated in double precision, zeros past each tensor's units. */
const unitSquaredNorms: HostKernel<UnitSquaredNormsAttrs> = (memory, inputs, { units, rows, width, mode }) => {
  const perTerm = mode === 'difference' ? 2 : 1;
  const output = memory.output([units.length, width], 'float32');
  const result = memory.values(output);
  result.fill(0);
  const sums = new Float64Array(Math.max(width, 4));
  units.forEach((unitCount, term) => {
    const rowCount = rows[term]!;
    if (rowCount === 0 || unitCount === 0) return;
    const a = memory.values(inputs[`x${term * perTerm}`]!) as Float32Array;
    const b = perTerm === 2 ? (memory.values(inputs[`x${term * perTerm + 1}`]!) as Float32Array) : undefined;
    // A vector or scalar is one unit: its entries are summed as four interleaved units.
    const [rowsAs, unitsAs] = unitCount === 1 && rowCount % 4 === 0 ? [rowCount / 4, 4] : [rowCount, unitCount];
    sums.fill(0, 0, unitsAs);
    if (b) addUnitSquaredDifferences(sums, a, b, rowsAs, unitsAs);
    else addUnitSquares(sums, a, rowsAs, unitsAs);
    result.set(unitsAs === unitCount ? sums.subarray(0, unitCount) : [sums[0]! + sums[1]! + (sums[2]! + sums[3]!)], term * width);
  });
  return output;
};

/**
 * Every gradient times its factors (the backend's own `Multiply`, broadcast along the units), or
 * zeros when `zero` holds. A gradient whose factors are all exactly 1 (nothing clipped it) is
 * returned as it is — the same bits `x · 1` gives — so an idle clip copies nothing.
 */
const scaleGradients: HostKernel<ScaleGradientsAttrs> = (memory, inputs, { offsets, units }) => {
  const gradients = offsets.map((_, i) => inputs[`x${i}`]!);
  const zero = memory.values(inputs['zero']!)[0] !== 0;
  const factorInfo = inputs['factors']!;
  const factorCount = sizeOf(factorInfo.shape);
  const factorsOf = (i: number) => {
    const factors = memory.values(factorInfo);
    return factorCount === 1 ? factors.slice(0, 1) : factors.slice(offsets[i], offsets[i]! + units[i]!);
  };
  return gradients.map((gradient, i) => {
    if (zero) {
      const zeros = memory.output(gradient.shape, 'float32');
      memory.values(zeros).fill(0);
      return zeros;
    }
    const factors = factorsOf(i);
    if (factors.every((factor) => factor === 1)) return memory.alias(gradient);
    const factorTensor = memory.output(factors.length === 1 ? [] : [factors.length], 'float32');
    memory.values(factorTensor).set(factors);
    const scaled = memory.run('Multiply', { a: gradient, b: factorTensor });
    memory.free(factorTensor);
    return scaled;
  });
};

/** `condition ? t_i : e_i`: the chosen tensors themselves, nothing copied. */
const selectMany: HostKernel<Record<string, never>> = (memory, inputs) => {
  const chosen = memory.values(inputs['condition']!)[0] !== 0 ? 't' : 'e';
  return Object.keys(inputs)
    .filter((name) => name.startsWith('t'))
    .map((name) => memory.alias(inputs[`${chosen}${name.slice(1)}`]!));
};

const KERNELS: [string, HostKernel<never>][] = [
  [UNIT_SQUARED_NORMS, unitSquaredNorms as HostKernel<never>],
  [SCALE_GRADIENTS, scaleGradients as HostKernel<never>],
  [SELECT_MANY, selectMany as HostKernel<never>],
];

/**
 * Whether the current backend keeps tensors in host memory (wasm, cpu), registering core's fused
 * kernels for it with tfjs on first use. False on any other backend, or with the `GS_FUSED_KERNELS`
 * flag off.
 */
export function useHostKernels(): boolean {
  const backendName = tf.getBackend();
  const memoryOf = MEMORY[backendName];
  if (!memoryOf || !fusedKernelsEnabled()) return false;
  registerKernelsOnce(backendName, () =>
    KERNELS.map(([kernelName, kernel]) => [
      kernelName,
      (({ inputs, backend, attrs }: { inputs: Record<string, TensorInfoLike>; backend: never; attrs: never }) =>
        kernel(memoryOf(backend), inputs, attrs)) as unknown as tf.KernelFunc,
    ]),
  );
  return true;
}
