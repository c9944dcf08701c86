import { availableBackends, setupBackend, type BackendName } from '@gs/backends';
import { beforeAll, describe } from 'vitest';

/**
 * The backends tests run on here: cpu and wasm always, webgpu when an adapter exists. Under CI
 * (`CI=true`) a missing WebGPU adapter is an error, so WebGPU tests never silently skip there.
 * `GS_BACKENDS=cpu,wasm` narrows the list.
 */
export async function testBackends(): Promise<BackendName[]> {
  const backends = await availableBackends();
  if (process.env.CI === 'true' && !process.env.GS_BACKENDS && !backends.includes('webgpu')) {
    throw new Error(
      'CI=true but no WebGPU adapter was found: install Mesa lavapipe ≥ 25 (see .ci/install-system.sh) so WebGPU tests run.',
    );
  }
  return backends;
}

/**
 * Declares the suite `body` once per backend, each block switching tfjs to its backend first.
 *
 * @example
 * describeBackends('clipByGlobalNorm in fit', await testBackends(), (backend) => { it(...) });
 */
export function describeBackends(
  title: string,
  backends: readonly BackendName[],
  body: (backend: BackendName) => void,
): void {
  for (const backend of backends) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await setupBackend(backend);
      }, 120_000);
      body(backend);
    });
  }
}
