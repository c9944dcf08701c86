import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  type BackendChoice,
  type BackendName,
  type BackendRequest,
  type SetupBackendOptions,
  chooseBackend,
} from './backend-choice.js';
import { withAllStorageBuffers } from './all-storage-buffers.js';

export * from './backend-choice.js';
export { withAllStorageBuffers } from './all-storage-buffers.js';

/** The `navigator.gpu` this module put in place, so it is wrapped once however often it probes. */
let wrappedGPU: GPU | undefined;

/**
 * Asks the page's `navigator.gpu` for an adapter, first replacing it (on `navigator` itself) with
 * one whose devices get every storage buffer the adapter offers (`withAllStorageBuffers`), so the
 * webgpu backend tfjs then creates does too.
 */
async function probeBrowserWebGPU(): Promise<{ adapter: GPUAdapter | null; problem?: string }> {
  if (typeof navigator === 'undefined' || !navigator.gpu) {
    return { adapter: null, problem: 'this browser has no navigator.gpu (WebGPU is off or unsupported)' };
  }
  if (navigator.gpu !== wrappedGPU) {
    wrappedGPU = withAllStorageBuffers(navigator.gpu);
    Object.defineProperty(navigator, 'gpu', { value: wrappedGPU, configurable: true });
  }
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  return adapter ? { adapter } : { adapter: null, problem: 'the browser returned no WebGPU adapter' };
}

/**
 * Sets up a TensorFlow.js backend in the browser and makes it current; `'auto'` (default) picks
 * webgpu when `navigator.gpu` gives an adapter, else wasm. Pass `wasmPaths` when a bundler serves
 * the wasm backend's `.wasm` files from somewhere other than next to the script.
 *
 * @example
 * const choice = await setupBackend('auto', { wasmPaths: '/wasm/' });
 */
export async function setupBackend(
  requested: BackendRequest = 'auto',
  options: SetupBackendOptions = {},
): Promise<BackendChoice> {
  if (options.wasmPaths) setWasmPaths(options.wasmPaths);
  return chooseBackend(requested, probeBrowserWebGPU, () => import('@tensorflow/tfjs-backend-webgpu'));
}

/** Whether a WebGPU adapter can be had in this page. */
export async function hasWebGPU(): Promise<boolean> {
  return (await probeBrowserWebGPU()).adapter != null;
}

/** The backends usable in this page: cpu and wasm always, webgpu when an adapter exists. */
export async function availableBackends(): Promise<BackendName[]> {
  return (await hasWebGPU()) ? ['cpu', 'wasm', 'webgpu'] : ['cpu', 'wasm'];
}
