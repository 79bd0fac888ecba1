/**
 * The library as the course kernel loads it: src/mp, src/course and src/quiz prebuilt into one JavaScript
 * bundle with their type declarations (dist/kernel/), so that a lesson's first cell type-checks against
 * declarations instead of compiling about a hundred files (the cause of a silent first cell).
 *
 *     node scripts/kernel/bundle.js          builds it (npm install runs this as `prepare`)
 *     node scripts/kernel/bundle.js --check  exits 1 if it is missing or older than src/
 *
 * dist/kernel/ holds library.js (every module of the three folders, one instance each, keyed by its path
 * under src/ without extension: 'course/index'), types/ (declarations mirroring src/) and manifest.json (the
 * hash of src/ it was built from, and the module keys). The kernel launcher (launch.js) rebuilds a stale
 * bundle before tslab starts and maps imports of those modules onto it (kernel_modules.js).
 * Plain JavaScript, like the launcher: it runs on any Node without a compiler.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

/** Where a course root keeps its bundle. */
function bundleDir(root) {
  return path.join(root, 'dist', 'kernel');
}

/** What notebooks import; the bundle holds every module these reach (exercises import some of them by path). */
const ENTRIES = ['course/index', 'quiz/index', 'mp/index'];

function filesUnder(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(file));
    else out.push(file);
  }
  return out;
}

/**
 * The hash of everything the bundle is made from: every file under src/ (path and content) and this
 * builder. A change to any of them makes the bundle stale; times are not used (a checkout resets them).
 */
function sourceHash(root) {
  const src = path.join(root, 'src');
  const hash = crypto.createHash('sha256');
  for (const file of filesUnder(src).sort()) {
    hash.update(path.relative(src, file).split(path.sep).join('/') + '\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  hash.update(fs.readFileSync(__filename));
  return hash.digest('hex');
}

function readManifest(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(bundleDir(root), 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Why the bundle cannot be used as it is (missing, or built from other sources), or null when it can. */
function staleReason(root) {
  const manifest = readManifest(root);
  if (!manifest) return `${path.relative(root, bundleDir(root))} has no bundle yet`;
  if (manifest.sourceHash !== sourceHash(root)) return 'src/ changed since the bundle was built';
  return null;
}

/** The module key of a source file ('course/index' for src/course/index.ts), or null outside src/. */
function moduleKey(root, file) {
  const rel = path.relative(path.join(root, 'src'), file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.replace(/\.ts$/, '').split(path.sep).join('/');
}

/**
 * Bundles every module reachable from ENTRIES into library.js. A module that reads __dirname (the grader
 * finds its questions and stages the library from it) gets its own source folder's path back, computed
 * from the bundle's location, so the bundle behaves as the sources do.
 */
async function bundleJs(root, outDir) {
  const esbuild = require('esbuild');
  const src = path.join(root, 'src');
  // first pass: which modules the entries reach
  const probe = esbuild.buildSync({
    entryPoints: ENTRIES.map((k) => path.join(src, `${k}.ts`)),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    packages: 'external',
    outdir: outDir,
    logLevel: 'silent',
  });
  const keys = Object.keys(probe.metafile.inputs)
    .map((input) => moduleKey(root, path.resolve(root, input)))
    .filter((k) => k !== null && !ENTRIES.includes(k))
    .sort();
  // the entries first, so that modules run in the order the library's index gives them
  const ordered = [...ENTRIES, ...keys];
  const entry = [
    ...ordered.map((k, i) => `import * as m${i} from ${JSON.stringify(`./${k}`)};`),
    `export const modules = { ${ordered.map((k, i) => `${JSON.stringify(k)}: m${i}`).join(', ')} };`,
  ].join('\n');
  const outfile = path.join(outDir, 'library.js');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: src, sourcefile: 'kernel-entry.ts', loader: 'ts' },
    bundle: true,
    outfile,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    plugins: [
      {
        name: 'source-dirname',
        setup(build) {
          build.onLoad({ filter: /\.ts$/ }, (args) => {
            const code = fs.readFileSync(args.path, 'utf8');
            if (!/\b__dirname\b/.test(code)) return undefined;
            // outDir is a sibling of dist/kernel (build swaps it in), so the relative path holds there too
            const rel = path.relative(outDir, path.dirname(args.path)).split(path.sep).join('/');
            const shim = `const __dirname = require('path').join(__filename, '..', ${JSON.stringify(rel)});\n`;
            return { contents: shim + code, loader: 'ts' };
          });
        },
      },
    ],
  });
  return ordered;
}

/** Declarations for every module under src/, with tslab's own TypeScript, so that tslab can read them. */
function declarations(root, outDir) {
  const ts = require('@tslab/typescript-for-tslab');
  const src = path.join(root, 'src');
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
  const program = ts.createProgram(
    ENTRIES.map((k) => path.join(src, `${k}.ts`)),
    {
      ...options,
      types: ['node'],
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: src,
      outDir: path.join(outDir, 'types'),
    },
  );
  const result = program.emit();
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
    throw new Error(`type declarations failed:\n${ts.formatDiagnostics(errors, host)}`);
  }
}

/**
 * Builds dist/kernel/ from src/ into a fresh folder, then swaps it in, so that a kernel starting meanwhile
 * sees the old bundle or the new one, never half of one. Returns the manifest.
 */
async function build(root) {
  const dir = bundleDir(root);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const hash = sourceHash(root);
    const modules = await bundleJs(root, tmp);
    declarations(root, tmp);
    const manifest = { sourceHash: hash, modules };
    fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    return manifest;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { build, bundleDir, moduleKey, readManifest, sourceHash, staleReason };

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  if (process.argv.includes('--check')) {
    const reason = staleReason(root);
    console.log(reason ?? 'dist/kernel is up to date');
    process.exit(reason ? 1 : 0);
  }
  const t0 = Date.now();
  build(root).then(
    ({ modules }) =>
      console.log(`Built the kernel's library bundle (${modules.length} modules) in ${Date.now() - t0} ms.`),
    // npm install must not fail for this: the kernel then compiles the library from its sources (slower)
    (e) => console.warn(`warning: the kernel's library bundle was not built; lessons will compile src/.\n${e.message}`),
  );
}
