import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { availableBackends, hasWebGPU, parseBackendRequest, setupBackend } from './node.js';

describe('setupBackend (Node)', () => {
  it('rejects unknown backend names, naming the option and the accepted values', () => {
    expect(() => parseBackendRequest('gpu')).toThrow('backend: expected one of auto, cpu, wasm, webgpu, got "gpu"');
    expect(() => parseBackendRequest(3, '--backend')).toThrow('--backend: expected one of auto, cpu, wasm, webgpu, got 3');
    expect(parseBackendRequest('wasm')).toBe('wasm');
  });

  it('activates cpu and wasm on request', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      const choice = await setupBackend(backend);
      expect(choice).toMatchObject({ backend, requested: backend });
      expect(tf.getBackend()).toBe(backend);
    }
  });

  it('auto picks webgpu when an adapter exists, else wasm, and says why', async () => {
    const webgpu = await hasWebGPU();
    if (process.env.CI === 'true') expect(webgpu, 'CI must provide a WebGPU adapter (Mesa lavapipe)').toBe(true);
    const choice = await setupBackend('auto');
    expect(choice.backend).toBe(webgpu ? 'webgpu' : 'wasm');
    expect(tf.getBackend()).toBe(choice.backend);
    expect(choice.reason).toMatch(webgpu ? /WebGPU adapter was found/ : /falling back to wasm/);
    if (webgpu) {
      expect(choice.adapter).toBeTruthy();
      const sum = tf.sum(tf.tensor1d([1, 2, 3]));
      expect(Array.from(await sum.data())).toEqual([6]);
      sum.dispose();
    }
    expect(await availableBackends()).toEqual(webgpu ? ['cpu', 'wasm', 'webgpu'] : ['cpu', 'wasm']);
  });
});
