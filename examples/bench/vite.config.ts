import { defineConfig } from 'vite';

// The browser bench page (index.html → dist/page); tsc builds the Node bench into dist/.
export default defineConfig({
  build: { target: 'es2022', outDir: 'dist/page', chunkSizeWarningLimit: 4000 },
  optimizeDeps: { esbuildOptions: { target: 'es2022' } },
});
