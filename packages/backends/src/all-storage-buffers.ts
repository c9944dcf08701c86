/**
 * A `GPU` (what `navigator.gpu` is) whose adapters create devices with every storage buffer per
 * shader stage the adapter offers, on top of whatever else the caller asks for.
 *
 * A WebGPU device gets the spec's default of 8 storage buffers per shader stage unless more are
 * requested, and tfjs's WebGPU backend does not ask. `@gs/core`'s fused kernels bind as many
 * tensors per dispatch as the device allows (unit sums, scaling and restoring passes), so with
 * Mesa lavapipe's 16 a stabilized step of a 40-tensor model takes ~18 fewer dispatches, and tfjs's
 * own concat joins more inputs per dispatch. Results are the same either way.
 *
 * `setupBackend` applies it (in Node to the `navigator.gpu` it creates, in the browser to the
 * page's). Where you set up tfjs's webgpu backend yourself, wrap `navigator.gpu` before it
 * initializes (`tf.setBackend('webgpu')`).
 *
 * @example
 * Object.defineProperty(navigator, 'gpu', { value: withAllStorageBuffers(navigator.gpu), configurable: true });
 * await tf.setBackend('webgpu');
 */
export function withAllStorageBuffers(gpu: GPU): GPU {
  return forwarding(gpu, {
    requestAdapter: async (options?: GPURequestAdapterOptions) => {
      const adapter = await gpu.requestAdapter(options);
      return adapter && askingAllStorageBuffers(adapter);
    },
  });
}

function askingAllStorageBuffers(adapter: GPUAdapter): GPUAdapter {
  return forwarding(adapter, {
    requestDevice: (descriptor: GPUDeviceDescriptor = {}) =>
      adapter.requestDevice({
        ...descriptor,
        requiredLimits: { ...descriptor.requiredLimits, maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage },
      }),
  });
}

/**
 * `target` with some methods replaced: every other member is read from `target` itself (native
 * WebGPU objects reject getters and methods called on anything else).
 */
function forwarding<T extends object>(target: T, replaced: Record<string, unknown>): T {
  return new Proxy(target, {
    get(object, property) {
      if (typeof property === 'string' && property in replaced) return replaced[property];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}
