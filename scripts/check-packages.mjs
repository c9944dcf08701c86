// Checks every publishable package the way it will be published (the `npm pack` tarball):
//   publint (strict: warnings count as errors), @arethetypeswrong/cli with the esm-only profile,
//   the tfjs peer dependency and internal dependency ranges, that no test or config file is
//   published, that every file calling `registerClass` is listed in `sideEffects` and reachable
//   from the entry point, and that the package README has the required sections.
//
// Usage: node scripts/check-packages.mjs [package names or folders...]
// Needs built packages (npm run build). Exits 1 when any package has an error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { checkPackage } from './lib/package-checks.mjs';
import { publishablePackages, repoRoot, selectPackages } from './lib/workspace.mjs';

const all = publishablePackages();
const selected = selectPackages(all, process.argv.slice(2));
const scratch = mkdtempSync(join(tmpdir(), 'gs-check-packages-'));
let failedPackages = 0;
try {
  for (const pkg of selected) {
    const problems = await checkPackage(pkg, all, scratch).catch((error) => [{ level: 'error', text: `check crashed: ${error.stack}` }]);
    const errors = problems.filter((p) => p.level === 'error');
    if (errors.length > 0) failedPackages++;
    console.log(`${errors.length > 0 ? 'FAIL' : 'ok  '} ${pkg.name} (${posix.relative(repoRoot, pkg.dir)})`);
    for (const problem of problems) console.log(`  ${problem.level === 'error' ? 'error  ' : 'warning'} ${problem.text}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`\ncheck:packages: ${selected.length - failedPackages} passed, ${failedPackages} failed`);
process.exit(failedPackages > 0 ? 1 : 0);
