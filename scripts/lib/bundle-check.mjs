// The browser-bundle part of the install test. In a scratch project where tfjs and the packed
// packages are installed, Vite builds one page per package — the page imports tfjs and ONE
// export of the package — and the check asserts, per page:
//   - the bundle holds exactly one copy of tfjs: one package folder each of tfjs-core and
//     tfjs-layers among the bundled modules, and the tfjs-core engine's unique error text
//     appears exactly once in the emitted code;
//   - every file of the package that calls `registerClass` is in the bundle (its side effect
//     survived tree-shaking even though the page imports something else), and the registered
//     class names appear in the code.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

/** A string that exists once in tfjs-core's engine code (a second tfjs-core copy doubles it). */
const TFJS_CORE_MARKER = 'Backend name';

/** `{ name, from }` for each named export in a built index.js (`export { a, b as c } from './x.js'`). */
function namedExports(indexCode) {
  const found = [];
  for (const match of indexCode.matchAll(/export\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    for (const part of match[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name && !name.startsWith('type ')) found.push({ name, from: match[2] });
    }
  }
  return found;
}

/** The package's files (relative to its root) that call registerClass, and the class names they register. */
function registrations(packageDir) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSafe(join(packageDir, dir))) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.js') && /\bregisterClass\s*\(/.test(readFileSync(join(packageDir, path), 'utf8'))) files.push(path);
    }
  };
  walk('dist');
  const classNames = files.flatMap((file) =>
    [...readFileSync(join(packageDir, file), 'utf8').matchAll(/static\s+(?:get\s+)?className\s*(?:=|\(\)\s*\{\s*return)\s*['"]([^'"]+)['"]/g)].map((m) => m[1]),
  );
  return { manifest, files, classNames };
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Builds one page per package in `projectDir` (a single multi-page Vite build, so tfjs is parsed
 * once) and checks each page's chunks; returns `{ name, ok, detail }` per page.
 */
export async function bundleCheck(projectDir, packages) {
  const results = [];
  const pages = [];
  for (const pkg of packages) {
    const name = `${pkg.name} [browser bundle]`;
    try {
      const installedDir = join(projectDir, 'node_modules', pkg.name);
      const { manifest, files, classNames } = registrations(installedDir);
      const entry = manifest.exports['.'].import ?? manifest.exports['.'].default;
      const exports = namedExports(readFileSync(join(installedDir, entry), 'utf8')).filter((e) => /^[a-z]/.test(e.name));
      // Prefer a function that is not defined in a registering file, so the registration must
      // survive on its side effect alone (as when a user imports a helper, then loads a saved model).
      const chosen = exports.find((e) => !files.some((f) => f.endsWith(e.from.replace(/^\.\//, '')))) ?? exports[0];
      if (!chosen) throw new Error(`no value export found in ${entry}`);
      const page = `page-${pkg.folder}`;
      writeFileSync(
        join(projectDir, `${page}.js`),
        `import * as tf from '@tensorflow/tfjs';\nimport { ${chosen.name} } from '${pkg.name}';\n` +
          `document.body.textContent = [tf.version.tfjs, typeof ${chosen.name}].join(' ');\n`,
      );
      writeFileSync(join(projectDir, `${page}.html`), `<!doctype html><html><body><script type="module" src="./${page}.js"></script></body></html>\n`);
      pages.push({ pkg, name, page, chosen, files, classNames });
    } catch (error) {
      results.push({ name, ok: false, detail: String(error?.stack ?? error) });
    }
  }
  if (pages.length === 0) return results;

  let chunks;
  try {
    const output = await build({
      root: projectDir,
      logLevel: 'silent',
      configFile: false,
      build: {
        outDir: join(projectDir, 'dist'),
        emptyOutDir: true,
        minify: true,
        rollupOptions: { input: Object.fromEntries(pages.map(({ page }) => [page, join(projectDir, `${page}.html`)])) },
      },
    });
    chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).filter((o) => o.type === 'chunk');
  } catch (error) {
    return [...results, ...pages.map(({ name }) => ({ name, ok: false, detail: `vite build failed: ${error?.stack ?? error}` }))];
  }
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));

  for (const { pkg, name, page, chosen, files, classNames } of pages) {
    const entryChunk = chunks.find((c) => c.isEntry && (c.facadeModuleId?.endsWith(`/${page}.html`) || c.name === page));
    if (!entryChunk) {
      results.push({ name, ok: false, detail: `no entry chunk for ${page}` });
      continue;
    }
    // Everything the page loads: its entry chunk and the chunks it imports, transitively.
    const loaded = new Set();
    const queue = [entryChunk];
    while (queue.length > 0) {
      const chunk = queue.pop();
      if (loaded.has(chunk)) continue;
      loaded.add(chunk);
      for (const file of [...chunk.imports, ...chunk.dynamicImports]) if (byFile.has(file)) queue.push(byFile.get(file));
    }
    const moduleIds = [...loaded].flatMap((chunk) => Object.entries(chunk.modules).filter(([, m]) => m.renderedLength > 0).map(([id]) => id));
    const code = [...loaded].map((chunk) => chunk.code).join('\n');
    const problems = [];
    for (const tfjsPackage of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']) {
      const marker = `/node_modules/${tfjsPackage}/`;
      const roots = new Set(moduleIds.filter((id) => id.includes(marker)).map((id) => id.slice(0, id.lastIndexOf(marker))));
      if (roots.size !== 1) problems.push(`${roots.size} copies of ${tfjsPackage} (${[...roots].join(', ') || 'none'})`);
    }
    const markerCount = code.split(TFJS_CORE_MARKER).length - 1;
    if (markerCount !== 1) problems.push(`tfjs-core marker "${TFJS_CORE_MARKER}" appears ${markerCount} times`);
    for (const file of files) {
      if (!moduleIds.some((id) => id.endsWith(`/node_modules/${pkg.name}/${file}`))) {
        problems.push(`${file} calls registerClass but was tree-shaken away when the page imports only { ${chosen.name} }`);
      }
    }
    for (const className of classNames) {
      if (!code.includes(className)) problems.push(`registered class name '${className}' is missing from the bundle`);
    }
    const kilobytes = Math.round(code.length / 1024);
    results.push({
      name,
      ok: problems.length === 0,
      detail: problems.length
        ? problems.join('; ')
        : `imports { ${chosen.name} }: one tfjs, ${files.length} registering file(s) kept (${classNames.join(', ') || 'none'}), ${kilobytes} KiB`,
    });
  }
  return results;
}
