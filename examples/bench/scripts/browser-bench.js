// `npm run bench:browser`: serves the built bench page (dist/page) with `vite preview` on a free
// port, opens it in headless Chromium (WebGPU through SwiftShader, no GPU needed), waits for the
// table and prints it. Arguments are passed to the page as URL parameters, e.g.
// `node scripts/browser-bench.js rounds=5 variants=all`. Skipped, with a message, without Chromium
// or when GS_BACKENDS leaves out webgpu.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..');
const wanted = process.env.GS_BACKENDS?.split(',').map((name) => name.trim());

if (wanted && !wanted.includes('webgpu')) {
  console.log('browser bench skipped: GS_BACKENDS leaves out webgpu');
  process.exit(0);
}
if (!existsSync(CHROMIUM)) {
  console.log(`browser bench skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  process.exit(0);
}
if (!existsSync(join(ROOT, 'dist', 'page', 'index.html'))) {
  console.error('browser bench: dist/page is missing; run `npm run build -w @gs/example-bench` first');
  process.exit(1);
}

const query = new URLSearchParams(process.argv.slice(2).map((argument) => argument.split('=', 2)));
const server = await preview({ root: ROOT, preview: { host: '127.0.0.1', port: 0, strictPort: false }, logLevel: 'warn' });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-gpu-sandbox', '--disable-background-networking', '--no-first-run'],
});
let failed = false;
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.resolvedUrls.local[0]}?${query}`);
  await page.waitForFunction(() => window.benchResult !== undefined, undefined, { timeout: 60 * 60_000, polling: 1000 });
  const result = await page.evaluate(() => window.benchResult);
  const backend = await page.textContent('#backend');
  if (result.error) {
    console.error(`browser bench failed: ${result.error}`);
    failed = true;
  } else {
    const version = browser.version();
    const text = `Browser bench — Chromium ${version}, backend ${backend}\n\n${result.text}`;
    console.log(`\n${text}`);
    const outDir = join(ROOT, '..', '..', 'bench-results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'stack-browser.md'), `${text}\n`);
  }
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
process.exit(failed ? 1 : 0);
