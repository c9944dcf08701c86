// Finds the workspace packages that get published (every packages/*/package.json without
// "private": true), packs them with `npm pack`, and reads what a tarball contains. Shared by
// check-packages.mjs, install-test.mjs and docs.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding the root package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads and parses a JSON file. */
export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Every publishable workspace package under packages/, core first, then by folder name.
 * Each entry: `{ name, version, dir, folder, manifest }`.
 */
export function publishablePackages() {
  const packagesDir = join(repoRoot, 'packages');
  const found = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = readJson(manifestPath);
    if (manifest.private) continue;
    found.push({ name: manifest.name, version: manifest.version, dir: join(packagesDir, folder), folder, manifest });
  }
  return found.sort((a, b) => (a.name === '@gs/core' ? -1 : b.name === '@gs/core' ? 1 : 0));
}

/** Keeps the packages named in `wanted` (full names or folder names); all when `wanted` is empty. */
export function selectPackages(all, wanted) {
  if (wanted.length === 0) return all;
  const unknown = wanted.filter((w) => !all.some((p) => p.name === w || p.folder === w));
  if (unknown.length > 0) {
    throw new Error(`unknown package(s): ${unknown.join(', ')} (publishable: ${all.map((p) => p.name).join(', ')})`);
  }
  return all.filter((p) => wanted.includes(p.name) || wanted.includes(p.folder));
}

/** Why a package cannot be packed yet (no built entry point), or undefined when it can. */
export function notBuiltReason(pkg) {
  const entry = pkg.manifest.exports?.['.']?.import ?? pkg.manifest.exports?.['.']?.default ?? pkg.manifest.main;
  if (!entry) return 'package.json has no exports["."].import or main';
  if (!existsSync(join(pkg.dir, entry))) return `${entry} does not exist (build it: npx turbo run build --filter=${pkg.name}...)`;
  return undefined;
}

/**
 * Packs `pkg` into `destination` with `npm pack` (lifecycle scripts off).
 * @returns `{ tarball, files }`: the tarball's absolute path and the paths it contains.
 */
export function packPackage(pkg, destination) {
  const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
    cwd: pkg.dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(output);
  return { tarball: join(destination, info.filename), files: info.files.map((f) => f.path) };
}
