// Pack-and-install test: proves each published package works the way a user gets it.
//
// `npm pack` every publishable package; in the OS temp folder (outside the workspace) install
// only @tensorflow/tfjs (+ the WebGPU backend and the `webgpu` package) from the registry — a
// user's existing tfjs project. For every package: copy that project (hard links), `npm install`
// the package's tarball and @gs/core's into it, check that it holds exactly one tfjs and one
// @gs/core, and run the package's fit script (scripts/install-test/<folder>.mjs) on each backend
// (cpu and webgpu by default).
// Then a browser-bundle check: Vite builds one page per package (importing tfjs and one export of
// that package) and asserts the bundle holds exactly one copy of tfjs and keeps every
// `registerClass` side effect of the package.
//
// Usage: node scripts/install-test.mjs [package names or folders...]
//   GS_INSTALL_BACKENDS=cpu,webgpu   backends to run the fit scripts on (default cpu,webgpu)
//   GS_KEEP_SCRATCH=1                keep the scratch folder (its path is printed)
// Needs built packages (npm run build). Prints `N passed, M failed` and exits 1 on any failure.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { notBuiltReason, publishablePackages, readJson, repoRoot, selectPackages } from './lib/workspace.mjs';
import { bundleCheck } from './lib/bundle-check.mjs';

const started = Date.now();
const backends = (process.env.GS_INSTALL_BACKENDS ?? 'cpu,webgpu').split(',').map((b) => b.trim()).filter(Boolean);
const installedVersion = (name) => readJson(join(repoRoot, 'node_modules', name, 'package.json')).version;
/** What a user installs from the registry: tfjs, the WebGPU backend and Dawn for Node, at the versions the repo tests. */
const registryPackages = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', 'webgpu'].map((name) => `${name}@${installedVersion(name)}`);
const scriptsDir = join(repoRoot, 'scripts', 'install-test');

const all = publishablePackages();
const selected = selectPackages(all, process.argv.slice(2));
const core = all.find((p) => p.name === '@gs/core');
const scratch = mkdtempSync(join(tmpdir(), 'gs-install-test-'));
if (!relative(repoRoot, scratch).startsWith('..')) throw new Error(`scratch folder ${scratch} is inside the workspace`);
const results = [];
/** The tfjs-only project every package's project is copied from. */
const baseDir = join(scratch, 'tfjs-project');

function report(name, ok, detail = '') {
  results.push({ name, ok });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''} (${seconds}s)`);
}

/** Runs a command; resolves `{ code, output, stdout }` (output = stdout+stderr), never rejects. Kills it after `timeoutSeconds`. */
function run(command, args, { cwd, timeoutSeconds = 180 } = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutSeconds}s)`;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code: code ?? 1, output, stdout });
    });
  });
}

/** Folders named `name` (a package name) anywhere under `nodeModules`, e.g. nested second copies. */
function findInstalled(nodeModules, name, found = []) {
  if (!existsSync(nodeModules)) return found;
  if (existsSync(join(nodeModules, name, 'package.json'))) found.push(join(nodeModules, name));
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const scopeOrPackage = join(nodeModules, entry.name);
    const packageDirs = entry.name.startsWith('@')
      ? readdirSync(scopeOrPackage, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(scopeOrPackage, e.name))
      : [scopeOrPackage];
    for (const dir of packageDirs) findInstalled(join(dir, 'node_modules'), name, found);
  }
  return found;
}

/**
 * Installs tfjs, the WebGPU backend and `webgpu` from the registry into `dir`: the user's
 * existing tfjs project. Returns an error text or undefined.
 */
async function createTfjsProject(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'gs-scratch', private: true, type: 'module' }, null, 2));
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...registryPackages], {
    cwd: dir,
    timeoutSeconds: 150,
  });
  return install.code === 0 ? undefined : `npm install ${registryPackages.join(' ')} failed:\n${install.output}`;
}

/**
 * Copies the tfjs project `base` to `dir` (hard links: cheap to create and delete) and adds the
 * packed `tarballs` with `npm install`, as a user adds a plugin to an existing project. Checks
 * that the result holds exactly one tfjs-core, tfjs-layers and @gs/core. Returns an error text or undefined.
 */
async function addPackagesToCopy(base, dir, tarballs) {
  const copy = await run('cp', ['-al', base, dir]);
  if (copy.code !== 0) return `cp -al ${base} ${dir} failed:\n${copy.output}`;
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], {
    cwd: dir,
    timeoutSeconds: 150,
  });
  if (install.code !== 0) return `npm install ${tarballs.map((t) => t.split('/').pop()).join(' ')} failed:\n${install.output}`;
  const nodeModules = join(dir, 'node_modules');
  for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@gs/core']) {
    const copies = findInstalled(nodeModules, name);
    if (copies.length !== 1) return `expected one ${name}, found ${copies.length}: ${copies.map((c) => relative(dir, c)).join(', ')}`;
  }
  return undefined;
}

/** Installs `pkg` alone (with @gs/core) and runs its fit script on every backend. */
async function testPackage(pkg, tarballs) {
  const script = join(scriptsDir, `${pkg.folder}.mjs`);
  const label = (backend) => `${pkg.name} [${backend}]`;
  const failAll = (why) => backends.forEach((backend) => report(label(backend), false, why));
  if (!tarballs.has(pkg.name)) return failAll(`not packed: ${notBuiltReason(pkg)}`);
  if (!existsSync(script)) return failAll(`no fit script ${relative(repoRoot, script)}`);
  const dir = join(scratch, pkg.folder);
  const wanted = pkg.name === core.name ? [tarballs.get(core.name)] : [tarballs.get(core.name), tarballs.get(pkg.name)];
  const problem = await addPackagesToCopy(baseDir, dir, wanted);
  if (problem) return failAll(problem);
  for (const helper of ['check.mjs', 'setup-backend.mjs']) copyFileSync(join(scriptsDir, helper), join(dir, helper));
  copyFileSync(script, join(dir, 'fit.mjs'));
  for (const backend of backends) {
    const { code, output } = await run('node', ['fit.mjs', backend], { cwd: dir, timeoutSeconds: 120 });
    const line = output.trim().split('\n').reverse().find((l) => l.startsWith('{')) ?? '';
    let result;
    try {
      result = JSON.parse(line);
    } catch {
      result = { ok: false, error: output.slice(-2000) };
    }
    const ok = code === 0 && result.ok === true && result.backend === backend;
    const { ok: _ok, error, ...details } = result;
    report(label(backend), ok, ok ? JSON.stringify(details) : `exit ${code}: ${error ?? output.slice(-2000)}`);
  }
}

/** Runs `tasks` (functions returning promises) with at most `limit` at a time. */
async function inParallel(tasks, limit) {
  const queue = [...tasks];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length > 0) await queue.shift()();
  });
  await Promise.all(workers);
}

try {
  console.log(`install test in ${scratch} (registry: ${registryPackages.join(' ')}; backends: ${backends.join(', ')})`);
  const tarballDir = join(scratch, 'tarballs');
  mkdirSync(tarballDir);
  const tarballs = new Map();
  let baseProblem;
  await Promise.all([
    createTfjsProject(baseDir).then((problem) => (baseProblem = problem)),
    ...[...new Set([core, ...selected])].filter((pkg) => !notBuiltReason(pkg)).map(async (pkg) => {
      const { code, output, stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballDir], { cwd: pkg.dir });
      if (code !== 0) throw new Error(`npm pack ${pkg.name} failed:\n${output}`);
      tarballs.set(pkg.name, join(tarballDir, JSON.parse(stdout)[0].filename));
    }),
  ]);
  if (!tarballs.has(core.name)) throw new Error(`@gs/core is not built: ${notBuiltReason(core)}`);
  if (baseProblem) throw new Error(baseProblem);

  // Browser bundle: every selected package that packed, installed together in one project
  // (installed first, so the install overlaps the fit runs; built after them).
  const bundled = selected.filter((pkg) => tarballs.has(pkg.name));
  const bundleDir = join(scratch, 'bundle');
  let bundleProblem;
  const installBundle = async () => {
    bundleProblem = await addPackagesToCopy(baseDir, bundleDir, [...new Set([tarballs.get(core.name), ...bundled.map((p) => tarballs.get(p.name))])]);
  };
  await inParallel([installBundle, ...selected.map((pkg) => () => testPackage(pkg, tarballs))], 2);
  if (bundleProblem) report('browser bundle (install)', false, bundleProblem);
  else for (const { name, ok, detail } of await bundleCheck(bundleDir, bundled)) report(name, ok, detail);
} catch (error) {
  report('install test', false, String(error?.stack ?? error));
}

const failed = results.filter((r) => !r.ok).length;
console.log(`\ntest:install (${((Date.now() - started) / 1000).toFixed(0)}s): ${results.length - failed} passed, ${failed} failed`);
if (process.env.GS_KEEP_SCRATCH) console.log(`scratch kept: ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
process.exit(failed > 0 ? 1 : 0);
