// Packs a subset of the `mnist` package's digits into public/digits.bin for the page (pixels as
// bytes 0–255, then one label byte per image), and copies the tfjs wasm binaries next to it.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const PER_CLASS = 250;
const PIXELS = 784;
const out = join(import.meta.dirname, '..', 'public');
mkdirSync(out, { recursive: true });
const images = new Uint8Array(PER_CLASS * 10 * PIXELS);
const labels = new Uint8Array(PER_CLASS * 10);
for (let digit = 0; digit < 10; digit++) {
  const pixels = require(`mnist/src/digits/${digit}.json`).data;
  for (let i = 0; i < PER_CLASS; i++) {
    const row = i * 10 + digit; // interleave classes so any prefix is balanced
    labels[row] = digit;
    for (let p = 0; p < PIXELS; p++) images[row * PIXELS + p] = Math.round(pixels[i * PIXELS + p] * 255);
  }
}
writeFileSync(join(out, 'digits.bin'), Buffer.concat([Buffer.from(images), Buffer.from(labels)]));
const wasmDirectory = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
for (const file of readdirSync(wasmDirectory).filter((name) => name.endsWith('.wasm'))) {
  copyFileSync(join(wasmDirectory, file), join(out, file));
}
console.log(`packed ${labels.length} digits into public/digits.bin`);
