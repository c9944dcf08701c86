// The checks behind `npm run check:packages`, one function per concern, each returning
// `{ level: 'error' | 'warning', text }` problems. See scripts/check-packages.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { notBuiltReason, packPackage, readJson, repoRoot } from './workspace.mjs';

const require = createRequire(join(repoRoot, 'package.json'));
const semver = require('semver');

const TFJS = '@tensorflow/tfjs';
const installedTfjsVersion = readJson(join(repoRoot, 'node_modules', TFJS, 'package.json')).version;

/** Paths (inside the tarball, without the `package/` prefix) that must never be published. */
const UNPUBLISHED_PATTERNS = [
  [/(^|\/)[^/]*\.(test|spec)\.[cm]?[jt]sx?(\.map)?$/, 'a test file'],
  [/(^|\/)[^/]*\.(test|spec)\.d\.[cm]?ts(\.map)?$/, 'a test declaration file'],
  [/(^|\/)__tests__\//, 'a test folder'],
  [/(^|\/)tsconfig[^/]*\.json$/, 'a TypeScript config'],
  [/(^|\/)vitest\.config\.[cm]?[jt]s$/, 'a vitest config'],
  [/(^|\/)\.turbo\//, 'turbo cache'],
  [/^bench\//, 'a benchmark'],
  [/\.tsbuildinfo$/, 'a tsbuildinfo file'],
];

/** Turns one `sideEffects` entry into a test on a package-relative path, as bundlers read it. */
function sideEffectsMatcher(entry) {
  const pattern = entry.replace(/^\.\//, '');
  // webpack/rollup: an entry without a slash matches that file name in any folder.
  const anchored = pattern.includes('/') ? pattern : `**/${pattern}`;
  let source = '';
  for (let i = 0; i < anchored.length; i++) {
    const c = anchored[i];
    if (c === '*' && anchored[i + 1] === '*') {
      source += '(?:.*/)?';
      i += anchored[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}

/** Relative specifiers a built ESM file imports or re-exports. */
function relativeImports(code) {
  const specifiers = [];
  const pattern = /(?:^|[;\n])\s*(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of code.matchAll(pattern)) specifiers.push(match[1]);
  return specifiers;
}

/** The package-relative JS files reachable from `entry` through relative imports (only through files `follow` accepts). */
function reachableFiles(pkgDir, entry, follow = () => true) {
  const seen = new Set();
  const queue = [posix.normalize(entry.replace(/^\.\//, ''))];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file) || !follow(file) || !existsSync(join(pkgDir, file))) continue;
    seen.add(file);
    const code = readFileSync(join(pkgDir, file), 'utf8');
    for (const specifier of relativeImports(code)) queue.push(posix.normalize(posix.join(posix.dirname(file), specifier)));
  }
  return seen;
}

/** publint packs the package itself with npm, so it also sees files that exist but are not published. */
function checkPublint(pkg) {
  return publint({ pkgDir: pkg.dir, pack: 'npm', level: 'suggestion', strict: true }).then(
    ({ messages, pkg: manifest }) =>
      messages.map((message) => ({
        level: message.type === 'suggestion' ? 'warning' : 'error',
        text: `publint ${message.code}: ${formatMessage(message, manifest, { color: false })}`,
      })),
  );
}

/**
 * attw with the esm-only profile: the packages ship ESM only ("type": "module", an `import`
 * condition, no CommonJS build), so the node10 and node16-from-CJS resolutions are expected to
 * say "ESM (dynamic import only)" and are ignored; node16-from-ESM and bundler must be clean.
 */
function checkAttw(tarball) {
  const attw = join(repoRoot, 'node_modules', '.bin', 'attw');
  try {
    execFileSync(attw, [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return [];
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    return [{ level: 'error', text: `attw --profile esm-only failed:\n${output.replace(/^/gm, '      ')}` }];
  }
}

function checkDependencies(pkg, all) {
  const problems = [];
  const { dependencies = {}, peerDependencies = {}, optionalDependencies = {}, bundleDependencies, bundledDependencies } =
    pkg.manifest;
  const peerRange = peerDependencies[TFJS];
  if (!peerRange) {
    problems.push({ level: 'error', text: `peerDependencies: "${TFJS}" is missing (tfjs must be a peer, never bundled)` });
  } else if (!semver.validRange(peerRange)) {
    problems.push({ level: 'error', text: `peerDependencies["${TFJS}"]: "${peerRange}" is not a valid semver range` });
  } else {
    if (!semver.satisfies(installedTfjsVersion, peerRange)) {
      problems.push({
        level: 'error',
        text: `peerDependencies["${TFJS}"]: "${peerRange}" does not accept ${installedTfjsVersion}, the version the tests run on`,
      });
    }
    const minimum = semver.minVersion(peerRange);
    const nextMajor = `${semver.major(installedTfjsVersion) + 1}.0.0`;
    if (semver.satisfies(nextMajor, peerRange)) {
      problems.push({ level: 'error', text: `peerDependencies["${TFJS}"]: "${peerRange}" accepts ${nextMajor}, an untested major version` });
    }
    if (minimum && semver.major(minimum) < semver.major(installedTfjsVersion)) {
      problems.push({ level: 'error', text: `peerDependencies["${TFJS}"]: "${peerRange}" accepts ${minimum}, an untested major version` });
    }
  }
  for (const [field, deps] of Object.entries({ dependencies, optionalDependencies })) {
    for (const name of Object.keys(deps)) {
      if (name.startsWith('@tensorflow/')) {
        problems.push({ level: 'error', text: `${field}: "${name}" would install a second copy of tfjs; make it a peerDependency` });
      }
    }
  }
  for (const name of [...(bundleDependencies ?? []), ...(bundledDependencies ?? [])]) {
    if (name.startsWith('@tensorflow/')) problems.push({ level: 'error', text: `bundleDependencies: "${name}" bundles tfjs` });
  }
  for (const [name, range] of Object.entries(peerDependencies)) {
    if (!semver.validRange(range) || range.trim() === '*' || range.trim() === '') {
      problems.push({ level: 'error', text: `peerDependencies["${name}"]: "${range}" is not a bounded semver range` });
    }
  }
  for (const [name, range] of Object.entries({ ...dependencies, ...peerDependencies })) {
    const internal = readInternal(name);
    if (!internal) continue;
    if (internal.private) {
      problems.push({ level: 'error', text: `depends on "${name}", which is private and never published` });
    } else if (!all.some((p) => p.name === name)) {
      problems.push({ level: 'error', text: `depends on "${name}", which is not a publishable workspace package` });
    } else if (!semver.satisfies(internal.version, range)) {
      problems.push({ level: 'error', text: `depends on "${name}@${range}" but the workspace has ${internal.version}` });
    }
  }
  return problems;
}

/** The manifest of a workspace package by name, or undefined when `name` is not one. */
function readInternal(name) {
  if (!name.startsWith('@gs/')) return undefined;
  const link = join(repoRoot, 'node_modules', name, 'package.json');
  return existsSync(link) ? readJson(link) : { private: false, version: '0.0.0-missing' };
}

function checkFiles(files) {
  const problems = [];
  for (const file of files) {
    for (const [pattern, what] of UNPUBLISHED_PATTERNS) {
      if (pattern.test(file)) problems.push({ level: 'error', text: `files: publishes ${what}: ${file}` });
    }
    if (/(^|\/)test-utils?\.[cm]?js$/.test(file)) {
      problems.push({ level: 'warning', text: `files: publishes test helpers: ${file}` });
    }
    if (file.startsWith('src/')) problems.push({ level: 'warning', text: `files: publishes sources: ${file}` });
  }
  if (!files.some((f) => /^readme(\.md)?$/i.test(f))) problems.push({ level: 'error', text: 'files: no README in the tarball' });
  if (!files.some((f) => f.startsWith('dist/') && f.endsWith('.d.ts'))) {
    problems.push({ level: 'error', text: 'files: no type declarations (dist/**/*.d.ts) in the tarball' });
  }
  return problems;
}

function checkSideEffects(pkg, files) {
  const problems = [];
  const { sideEffects } = pkg.manifest;
  const jsFiles = files.filter((f) => /\.[cm]?js$/.test(f));
  const registering = jsFiles.filter((f) => /\bregisterClass\s*\(/.test(readFileSync(join(pkg.dir, f), 'utf8')));
  if (sideEffects === undefined) {
    problems.push({ level: 'error', text: 'sideEffects: missing (set false, or list the files that register classes)' });
    return problems;
  }
  if (sideEffects === true) {
    problems.push({ level: 'warning', text: 'sideEffects: true disables tree-shaking of the whole package' });
    return problems;
  }
  const entries = sideEffects === false ? [] : sideEffects;
  if (!Array.isArray(entries)) {
    problems.push({ level: 'error', text: `sideEffects: ${JSON.stringify(sideEffects)} is neither false nor an array` });
    return problems;
  }
  const matchers = entries.map((entry) => ({ entry, matches: sideEffectsMatcher(entry) }));
  for (const file of registering) {
    if (!matchers.some(({ matches }) => matches(file))) {
      problems.push({
        level: 'error',
        text: `sideEffects: ${file} calls registerClass but is not listed, so a bundler may drop the registration (add "./${file}")`,
      });
    }
  }
  for (const { entry, matches } of matchers) {
    const matched = files.filter(matches);
    if (matched.length === 0) problems.push({ level: 'error', text: `sideEffects: "${entry}" matches no published file` });
    else if (!matched.some((f) => [...reachableFiles(pkg.dir, f)].some((g) => registering.includes(g)))) {
      problems.push({ level: 'warning', text: `sideEffects: "${entry}" matches ${matched.join(', ')}, which neither registers nor imports a registering file` });
    }
  }
  const entry = pkg.manifest.exports?.['.']?.import ?? pkg.manifest.exports?.['.']?.default;
  if (entry) {
    const entryFile = posix.normalize(entry.replace(/^\.\//, ''));
    const reachable = reachableFiles(pkg.dir, entryFile);
    const listed = (file) => matchers.some(({ matches }) => matches(file));
    // Rollup/Vite (unlike a plain import) drop a side-effect-free module whose exports are unused
    // together with everything it imports: a registering file survives only if every file on
    // the import chain from the entry is listed too. (The install test's bundle check shows it.)
    const keptFromEntry = listed(entryFile) ? reachableFiles(pkg.dir, entryFile, listed) : new Set();
    for (const file of registering.filter((f) => !reachable.has(f))) {
      problems.push({
        level: 'error',
        text: `sideEffects: ${file} registers classes but is not imported from ${entry}, so importing the package does not register them`,
      });
    }
    const dropped = registering.filter((f) => reachable.has(f) && listed(f) && !keptFromEntry.has(f));
    if (dropped.length > 0) {
      problems.push({
        level: 'error',
        text: `sideEffects: ${dropped.join(', ')} ${dropped.length === 1 ? 'is' : 'are'} listed, but ${entryFile}${listed(entryFile) ? ' (or a file between)' : ''} is not, so Vite/rollup drop the registration when a user imports only other exports (list "./${entryFile}" too)`,
      });
    }
  }
  return problems;
}

/** The README sections every package needs (brief/issue 9): install, fit example, custom loop, feature table. */
function checkReadme(pkg) {
  const path = join(pkg.dir, 'README.md');
  if (!existsSync(path)) return [{ level: 'error', text: `README.md: missing (${posix.relative(repoRoot, path)})` }];
  const text = readFileSync(path, 'utf8');
  const codeBlocks = [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
  const problems = [];
  const need = (ok, what) => ok || problems.push({ level: 'error', text: `README.md: no ${what}` });
  need(new RegExp(`npm (install|i) [^\\n]*${pkg.name.replace('/', '\\/')}`).test(text), `install command (npm install ${pkg.name})`);
  need(codeBlocks.some((code) => /\.fit(Dataset)?\(/.test(code)), 'model.fit example in a code block');
  need(codeBlocks.some((code) => /createTrainer\s*\(|\.minimize\(/.test(code)), 'custom-loop example (createTrainer or minimize) in a code block');
  need(/^\|.*\|\s*\n\|\s*:?-{3,}/m.test(text), 'table (of features: formula, defaults, source)');
  return problems;
}

/** A package is release-ready when a pending changeset names it or it already has a CHANGELOG. */
function checkChangeset(pkg) {
  if (existsSync(join(pkg.dir, 'CHANGELOG.md'))) return [];
  const changesetDir = join(repoRoot, '.changeset');
  const named = readdirSync(changesetDir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .some((file) => {
      const frontMatter = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(changesetDir, file), 'utf8'))?.[1] ?? '';
      return frontMatter.split('\n').some((line) => line.replace(/['"]/g, '').trim().startsWith(`${pkg.name}:`));
    });
  return named ? [] : [{ level: 'error', text: `no changeset names ${pkg.name} and it has no CHANGELOG.md (add .changeset/${pkg.folder}-initial.md)` }];
}

/** Every check on one package; `all` is the list of publishable packages, `scratch` a temp folder for the tarball. */
export async function checkPackage(pkg, all, scratch) {
  const notBuilt = notBuiltReason(pkg);
  if (notBuilt) return [{ level: 'error', text: `not built: ${notBuilt}` }];
  const { tarball, files } = packPackage(pkg, scratch);
  return [
    ...(await checkPublint(pkg)),
    ...checkAttw(tarball),
    ...checkDependencies(pkg, all),
    ...checkFiles(files),
    ...checkSideEffects(pkg, files),
    ...checkReadme(pkg),
    ...checkChangeset(pkg),
  ];
}

