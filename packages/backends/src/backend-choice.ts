import * as tf from '@tensorflow/tfjs';

/** The TensorFlow.js backends this project runs on. */
export type BackendName = 'cpu' | 'wasm' | 'webgpu';

/** A backend name, or `'auto'`: webgpu when an adapter exists, else wasm. */
export type BackendRequest = BackendName | 'auto';

/** Every backend name `setupBackend` accepts, `'auto'` first. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'cpu', 'wasm', 'webgpu'];

/** What `setupBackend` chose and why. */
export interface BackendChoice {
  /** The backend tfjs now runs on. */
  backend: BackendName;
  /** What was asked for. */
  requested: BackendRequest;
  /** One sentence saying why this backend was picked (printed by the examples). */
  reason: string;
  /** The WebGPU adapter's description, when the backend is webgpu. */
  adapter?: string;
}

/** Options for `setupBackend`. */
export interface SetupBackendOptions {
  /**
   * Where the wasm backend's `.wasm` files are served from (browser only; a prefix URL or a map
   * of file name to URL, as `setWasmPaths` takes). Node finds them inside the package.
   */
  wasmPaths?: string | Record<string, string>;
}

/**
 * Checks a backend request coming from user input (a CLI flag, a URL parameter).
 * @throws Error naming the bad value and the accepted ones.
 */
export function parseBackendRequest(value: unknown, optionName = 'backend'): BackendRequest {
  if (typeof value === 'string' && (BACKEND_REQUESTS as readonly string[]).includes(value)) {
    return value as BackendRequest;
  }
  throw new Error(
    `${optionName}: expected one of ${BACKEND_REQUESTS.join(', ')}, got ${JSON.stringify(value)}`,
  );
}

/** Switches tfjs to `name` and waits until it is ready. */
export async function activateBackend(name: BackendName): Promise<void> {
  if (tf.findBackendFactory(name) == null) {
    throw new Error(`The tfjs backend '${name}' is not registered (its package was not imported).`);
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`The tfjs backend '${name}' failed to initialize.`);
  await tf.ready();
}

/** Reads a human-readable description from a WebGPU adapter (property or legacy method). */
export async function describeAdapter(adapter: GPUAdapter): Promise<string> {
  const withInfo = adapter as GPUAdapter & {
    info?: GPUAdapterInfo;
    requestAdapterInfo?: () => Promise<GPUAdapterInfo>;
  };
  const info = withInfo.info ?? (await withInfo.requestAdapterInfo?.());
  if (!info) return 'unknown adapter';
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
}

/**
 * Picks and activates a backend, given how to probe for a WebGPU adapter in this environment.
 * Shared by the Node and browser entry points.
 */
export async function chooseBackend(
  requested: BackendRequest,
  probeWebGPU: () => Promise<{ adapter: GPUAdapter | null; problem?: string }>,
  importWebGPUBackend: () => Promise<unknown>,
): Promise<BackendChoice> {
  parseBackendRequest(requested);
  if (requested === 'cpu' || requested === 'wasm') {
    await activateBackend(requested);
    return { backend: requested, requested, reason: `${requested} was requested` };
  }
  const { adapter, problem } = await probeWebGPU();
  if (adapter) {
    await importWebGPUBackend();
    await activateBackend('webgpu');
    const description = await describeAdapter(adapter);
    const reason =
      requested === 'auto' ? `a WebGPU adapter was found (${description})` : 'webgpu was requested';
    return { backend: 'webgpu', requested, reason, adapter: description };
  }
  const why = problem ?? 'no WebGPU adapter is available';
  if (requested === 'webgpu') {
    throw new Error(`webgpu was requested but ${why}. Use --backend wasm or cpu, or 'auto'.`);
  }
  await activateBackend('wasm');
  return { backend: 'wasm', requested, reason: `falling back to wasm: ${why}` };
}
