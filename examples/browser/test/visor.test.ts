import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The tfjs-vis page (visor.html, built with the app): a deep sigmoid MLP trains with
// monitor({ sinks: [visorSink()] }) from @gs/monitor/tfjs-vis, in Debian's Chromium with WebGPU
// from SwiftShader (same launch as app.test.ts). Under CI=true the page must run on WebGPU.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..');
const SCREENSHOTS = join(ROOT, 'screenshots');
const RUN = process.env.CI === 'true' || existsSync(CHROMIUM);
if (!RUN) console.warn(`tfjs-vis page test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

let server: PreviewServer;
let browser: Browser;
let url: string;

describe.skipIf(!RUN)('tfjs-vis visor page', () => {
  beforeAll(async () => {
    server = await preview({ root: ROOT, preview: { host: '127.0.0.1', port: 0, strictPort: false }, logLevel: 'warn' });
    url = server.resolvedUrls!.local[0]!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-gpu-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
  });

  it('draws the loss, the gradient heat-map, per-layer bars and the detector events in the visor', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}visor.html?depth=12&steps=24&every=2`);
    await page.waitForFunction(() => document.body.dataset.backend !== undefined, undefined, { timeout: 120_000 });
    const backend = await page.textContent('#backend');
    console.log(`visor page backend: ${backend} ${await page.textContent('#backend-reason')}`);
    if (process.env.CI === 'true') expect(backend).toBe('webgpu');
    await page.waitForSelector('#status[data-state]', { timeout: 240_000 });
    expect(await page.getAttribute('#status', 'data-state'), (await page.textContent('#status')) ?? '').toBe('done');

    expect(await page.getAttribute('.visor', 'data-isopen')).toBe('true');
    expect(await page.locator('.tf-tab').allTextContents()).toEqual(['Gradients']);
    const labels = await page.locator('.tf-surface .tf-label').allTextContents();
    expect(labels).toEqual([
      'Loss',
      'Heat-map: log10 per layer (input at the bottom) × step',
      'Per layer, latest step (log10)',
      'Detector events',
    ]);
    // Vega draws each chart on a canvas of real size; the events table has the vanishing-gradient event.
    for (const index of [0, 1, 2]) {
      const size = await page.locator('.tf-surface').nth(index).locator('canvas').evaluate((canvas: HTMLCanvasElement) => [canvas.width, canvas.height]);
      expect(size[0]).toBeGreaterThan(100);
      expect(size[1]).toBeGreaterThan(100);
    }
    const rows = await page.locator('.tf-surface').nth(3).locator('tbody tr').allTextContents();
    expect(rows.some((row) => row.includes('vanishingGradients'))).toBe(true);
    await page.click('.visor-controls button:has-text("Maximize")');
    await page.waitForTimeout(500);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'visor.png') });
    expect(errors).toEqual([]);
  });
});
