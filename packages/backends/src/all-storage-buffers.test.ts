import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { hasWebGPU, setupBackend, withAllStorageBuffers } from './node.js';

const webgpu = await hasWebGPU();

describe('withAllStorageBuffers', () => {
  it.runIf(webgpu)('gives the WebGPU backend set up in Node every storage buffer the adapter offers', async () => {
    await setupBackend('webgpu');
    const adapter = await navigator.gpu.requestAdapter();
    const offered = adapter!.limits.maxStorageBuffersPerShaderStage;
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    expect(device.limits.maxStorageBuffersPerShaderStage).toBe(offered);
  });

  it('forwards everything else to the objects it wraps, and keeps what the caller asks for', async () => {
    const asked: GPUDeviceDescriptor[] = [];
    const adapter = {
      limits: { maxStorageBuffersPerShaderStage: 12 },
      features: new Set(['timestamp-query']),
      requestDevice(this: unknown, descriptor: GPUDeviceDescriptor) {
        expect(this).toBe(adapter);
        asked.push(descriptor);
        return Promise.resolve({} as GPUDevice);
      },
    };
    const gpu = { requestAdapter: () => Promise.resolve(adapter), getPreferredCanvasFormat: () => 'bgra8unorm' };
    const wrapped = withAllStorageBuffers(gpu as unknown as GPU);
    expect(wrapped.getPreferredCanvasFormat()).toBe('bgra8unorm');
    const wrappedAdapter = (await wrapped.requestAdapter())!;
    expect(wrappedAdapter.features.has('timestamp-query')).toBe(true);
    await wrappedAdapter.requestDevice({ requiredFeatures: ['timestamp-query'], requiredLimits: { maxBufferSize: 1024 } });
    expect(asked).toEqual([
      { requiredFeatures: ['timestamp-query'], requiredLimits: { maxBufferSize: 1024, maxStorageBuffersPerShaderStage: 12 } },
    ]);
  });
});
