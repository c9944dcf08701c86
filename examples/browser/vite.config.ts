import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // Two pages: the app, and the monitor in the tfjs-vis visor.
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'index.html'), visor: resolve(import.meta.dirname, 'visor.html') } },
  },
  optimizeDeps: { esbuildOptions: { target: 'es2022' } },
});
