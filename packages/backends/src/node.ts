import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-wasm';
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

let adapterProbe: Promise<{ adapter: GPUAdapter | null; problem?: string }> | undefined;

/**
 * Gives Node a `navigator.gpu` from the `webgpu` package (Dawn), whose devices get every storage
 * buffer the adapter offers (`withAllStorageBuffers`), and asks it for an adapter.
 * Must run before `@tensorflow/tfjs-backend-webgpu` is imported, which registers the backend only
 * when `navigator.gpu` exists. Without a GPU, Dawn needs a Vulkan driver such as Mesa's lavapipe
 * (25 or newer).
 */
function probeNodeWebGPU(): Promise<{ adapter: GPUAdapter | null; problem?: string }> {
  adapterProbe ??= (async () => {
    if (!process.env.XDG_RUNTIME_DIR) {
      const runtimeDir = join(tmpdir(), `gs-xdg-${process.getuid?.() ?? 'user'}`);
      mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
      process.env.XDG_RUNTIME_DIR = runtimeDir;
    }
    const existing = (globalThis as { navigator?: Navigator }).navigator;
    if (!existing?.gpu) {
      let webgpu: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
      try {
        webgpu = (await import('webgpu')) as unknown as typeof webgpu;
      } catch (error) {
        return { adapter: null, problem: `the 'webgpu' package could not be loaded (${(error as Error).message})` };
      }
      Object.assign(globalThis, webgpu.globals);
      Object.defineProperty(globalThis, 'navigator', {
        value: Object.assign(Object.create(existing ?? null), { gpu: withAllStorageBuffers(webgpu.create([])) }),
        configurable: true,
        writable: true,
      });
    }
    const adapter = await navigator.gpu.requestAdapter().catch(() => null);
    return adapter
      ? { adapter }
      : { adapter: null, problem: 'Dawn found no WebGPU adapter (no GPU and no Vulkan driver such as Mesa lavapipe ≥ 25)' };
  })();
  return adapterProbe;
}

/**
 * Sets up a TensorFlow.js backend in Node and makes it current.
 *
 * - `'cpu'`, `'wasm'`: always available.
 * - `'webgpu'`: WebGPU through the `webgpu` package (Dawn); throws when no adapter exists.
 * - `'auto'` (default): webgpu when an adapter exists, else wasm; `reason` says which and why.
 *
 * @example
 * const choice = await setupBackend('auto');
 * console.log(`backend: ${choice.backend} — ${choice.reason}`);
 */
export async function setupBackend(
  requested: BackendRequest = 'auto',
  _options: SetupBackendOptions = {},
): Promise<BackendChoice> {
  return chooseBackend(requested, probeNodeWebGPU, () => import('@tensorflow/tfjs-backend-webgpu'));
}

/** Whether a WebGPU adapter can be had in this process. */
export async function hasWebGPU(): Promise<boolean> {
  return (await probeNodeWebGPU()).adapter != null;
}

/**
 * The backends usable here: cpu and wasm always, webgpu when an adapter exists. The environment
 * variable `GS_BACKENDS` (comma-separated) narrows the list, e.g. `GS_BACKENDS=cpu,wasm`.
 */
export async function availableBackends(): Promise<BackendName[]> {
  const all: BackendName[] = ['cpu', 'wasm'];
  if (await hasWebGPU()) all.push('webgpu');
  const wanted = process.env.GS_BACKENDS?.split(',').map((name) => name.trim()).filter(Boolean);
  return wanted ? all.filter((name) => wanted.includes(name)) : all;
}
