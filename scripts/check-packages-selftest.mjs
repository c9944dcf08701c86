// Proves that check-packages catches what it claims to: copies @gs/core (built) into a temp
// folder, breaks one thing at a time, and asserts the expected error appears — and that the
// unbroken copy passes. Usage: node scripts/check-packages-selftest.mjs (needs a built core).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPackage } from './lib/package-checks.mjs';
import { publishablePackages } from './lib/workspace.mjs';

const core = publishablePackages().find((p) => p.name === '@gs/core');
const root = mkdtempSync(join(tmpdir(), 'gs-check-selftest-'));

/** Each case: a name, how to break the copy, and a pattern the errors must contain (none for the baseline). */
// The copy's sideEffects also list the entry (see the "entry not listed" case).
const withEntry = (m) => { m.sideEffects = [...new Set([...m.sideEffects, './dist/index.js'])]; };
const cases = [
  ['copy with the entry in sideEffects passes', withEntry, null],
  ['entry not listed in sideEffects', (m) => { m.sideEffects = m.sideEffects.filter((e) => e !== './dist/index.js'); }, /is listed, but dist\/index\.js is not/],
  ['registering file not in sideEffects', (m) => { m.sideEffects = false; }, /stabilized-optimizer\.js calls registerClass but is not listed/],
  ['stale sideEffects entry', (m) => { m.sideEffects = [...m.sideEffects, './dist/gone.js']; }, /"\.\/dist\/gone\.js" matches no published file/],
  ['registering file not reachable from the entry', (m, dir) => {
    writeFileSync(join(dir, 'dist/extra.js'), "import * as tf from '@tensorflow/tfjs';\nclass Extra {}\ntf.serialization.registerClass(Extra);\n");
    m.sideEffects = [...m.sideEffects, './dist/extra.js'];
  }, /dist\/extra\.js registers classes but is not imported from/],
  ['unbounded tfjs peer range', (m) => { m.peerDependencies['@tensorflow/tfjs'] = '>=4.0.0'; }, /accepts 5\.0\.0/],
  ['tfjs peer range missing the tested version', (m) => { m.peerDependencies['@tensorflow/tfjs'] = '^3.0.0'; }, /does not accept 4\./],
  ['tfjs as a dependency', (m) => {
    delete m.peerDependencies['@tensorflow/tfjs'];
    m.dependencies = { '@tensorflow/tfjs': '^4.22.0' };
  }, /"@tensorflow\/tfjs" is missing[\s\S]*second copy of tfjs/],
  ['test file published', (m, dir) => {
    m.files = ['dist'];
    writeFileSync(join(dir, 'dist/stabilized-optimizer.test.js'), 'export {};\n');
  }, /publishes a test file: dist\/stabilized-optimizer\.test\.js/],
  ['exports types point to a missing file', (m) => { m.exports['.'].types = './dist/missing.d.ts'; }, /publint FILE_DOES_NOT_EXIST|attw/],
  ['README without a custom-loop example', (_m, dir) => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8').replace(/createTrainer\s*\(|\.minimize\(/g, 'somethingElse(');
    writeFileSync(join(dir, 'README.md'), readme);
  }, /README\.md: no custom-loop example/],
];

let failed = 0;
try {
  for (const [index, [name, breakIt, expected]] of cases.entries()) {
    const dir = join(root, `case-${index}`);
    cpSync(core.dir, dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (index > 1) withEntry(manifest);
    breakIt(manifest, dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    const problems = await checkPackage({ ...core, dir, manifest }, publishablePackages(), root);
    const errors = problems.filter((p) => p.level === 'error').map((p) => p.text).join('\n');
    const ok = expected ? expected.test(errors) : errors === '';
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `\n  errors were:\n${errors.replace(/^/gm, '    ') || '    (none)'}`}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(`\ncheck-packages self-test: ${cases.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
