import { defineConfig } from 'vitest/config';

/** Settings every package's vitest config starts from: long timeouts for WebGPU on software Vulkan. */
export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
