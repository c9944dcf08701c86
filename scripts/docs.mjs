// Builds the API reference of every publishable package into docs/api with TypeDoc (options in
// typedoc.json: every public symbol must be documented, warnings are errors), then prints the
// undocumented or unexported-but-referenced symbols grouped by package.
//
// Usage: node scripts/docs.mjs [package names or folders...] [-- extra typedoc args, e.g. --emit none]
import { spawn } from 'node:child_process';
import { join, relative } from 'node:path';
import { publishablePackages, repoRoot, selectPackages } from './lib/workspace.mjs';

const separator = process.argv.indexOf('--');
const wanted = separator === -1 ? process.argv.slice(2) : process.argv.slice(2, separator);
const extra = separator === -1 ? [] : process.argv.slice(separator + 1);
const packages = selectPackages(publishablePackages(), wanted);
const args = [...packages.flatMap((p) => ['--entryPoints', relative(repoRoot, p.dir)]), ...extra];

const child = spawn(join(repoRoot, 'node_modules', '.bin', 'typedoc'), args, { cwd: repoRoot, env: { ...process.env, FORCE_COLOR: '0' } });
let output = '';
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
}
const code = await new Promise((resolveExit) => child.on('close', (exitCode) => resolveExit(exitCode ?? 1)));

// "[warning] Foo.bar (CallSignature), defined in @gs/core/src/plugin.ts, does not have any documentation"
const byPackage = new Map(packages.map((p) => [p.name, []]));
const ansiColor = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
for (const line of output.replace(ansiColor, '').split('\n')) {
  const match = /\[warning\]\s+(.+?), defined in (@gs\/[^/]+)\/(\S+?), (does not have any documentation|is referenced by .*)$/.exec(line);
  if (!match) continue;
  const [, symbol, pkg, file, what] = match;
  const note = what.startsWith('does not') ? 'undocumented' : `not exported: ${what}`;
  byPackage.get(pkg)?.push(`${symbol} (${file}): ${note}`);
}
console.log('\nAPI documentation problems per package:');
for (const [name, problems] of byPackage) {
  console.log(`  ${name}: ${problems.length === 0 ? 'none' : `${problems.length}`}`);
  for (const problem of problems) console.log(`    - ${problem}`);
}
console.log(code === 0 ? `\ndocs: API reference written to docs/api` : `\ndocs: typedoc failed (exit ${code}); warnings are errors`);
process.exit(code);
