// Copied into each scratch project by scripts/install-test.mjs. Sets up the tfjs backend the way
// a user of the published packages would: cpu needs nothing; webgpu in Node needs the `webgpu`
// package (Dawn) to provide navigator.gpu BEFORE @tensorflow/tfjs-backend-webgpu is imported,
// and a Vulkan driver (Mesa lavapipe >= 25 on machines without a GPU).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Makes `name` ('cpu' | 'webgpu') the current backend, or throws saying why not. */
export async function setupBackend(name) {
  if (name === 'webgpu') {
    if (!process.env.XDG_RUNTIME_DIR) {
      process.env.XDG_RUNTIME_DIR = join(tmpdir(), `gs-xdg-${process.getuid?.() ?? 'user'}`);
      mkdirSync(process.env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
    }
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
    if (!(await navigator.gpu.requestAdapter())) throw new Error('no WebGPU adapter (is Mesa lavapipe >= 25 installed?)');
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name !== 'cpu') {
    throw new Error(`backend: expected cpu or webgpu, got ${JSON.stringify(name)}`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`backend is ${tf.getBackend()}, expected ${name}`);
}
