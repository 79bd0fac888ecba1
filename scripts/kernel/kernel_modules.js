/**
 * Maps the kernel's imports of the library onto its prebuilt bundle (bundle.js), so that notebooks,
 * exercises and solutions keep importing the sources by path ('./src/course/index', '../../src/mp/index')
 * and get one instance of each module, loaded from one file instead of compiled from about a hundred.
 *
 * - For Node: a require by path that resolves to a bundled module under src/ returns that module of
 *   dist/kernel/library.js (loaded once, on the first such require).
 * - For tslab's TypeScript: a bundled module's src/…/x.ts is hidden and src/…/x.d.ts shows the declaration
 *   the bundle was built with, so tslab type-checks cells against declarations and compiles no library file.
 *
 * Every such require first checks that src/ still matches the bundle. If a source changed while the kernel
 * runs, the cell fails with a message to restart the kernel (which rebuilds the bundle): an edit is never
 * silently ignored.
 */
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { bundleDir, moduleKey, sourceHash } = require('./bundle');

/** How often (ms) a require re-reads src/ to compare it with the bundle: an import cell pays it at most once. */
const RECHECK_MS = 1000;

/**
 * Installs both mappings for the course at `root`, whose bundle was built from the current sources as
 * `manifest` says. `ts` is the TypeScript that tslab compiles with.
 */
function installKernelModules(root, manifest, ts) {
  const dir = bundleDir(root);
  const bundled = new Set(manifest.modules);
  const typesOf = (key) => path.join(dir, 'types', `${key}.d.ts`);
  const srcFile = (key) => path.join(root, 'src', `${key}.ts`);
  let library = null;
  let checkedAt = Date.now();

  function assertFresh() {
    if (Date.now() - checkedAt < RECHECK_MS) return;
    checkedAt = Date.now();
    if (sourceHash(root) !== manifest.sourceHash) {
      throw new Error(
        'The library sources in src/ changed after this kernel loaded them. Restart the kernel ' +
          '(Kernel → Restart Kernel) to rebuild the library with your edits, then run the cells again.',
      );
    }
  }

  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if ((request.startsWith('.') || path.isAbsolute(request)) && parent && parent.filename) {
      const key = moduleKey(root, path.resolve(path.dirname(parent.filename), request));
      if (key !== null && bundled.has(key)) {
        assertFresh();
        const filename = srcFile(key);
        if (!Module._cache[filename]) {
          library ??= require(path.join(dir, 'library.js')).modules;
          const mod = new Module(filename, null);
          mod.filename = filename;
          mod.exports = library[key];
          mod.loaded = true;
          Module._cache[filename] = mod;
        }
        return filename;
      }
    }
    return resolve.call(this, request, parent, ...rest);
  };

  // For TypeScript: a path's module key when its declaration was built, for its .ts and .d.ts forms.
  const declared = (file, ext) => {
    if (!file.endsWith(ext)) return null;
    const key = moduleKey(root, path.resolve(file.slice(0, -ext.length) + '.ts'));
    return key !== null && fs.existsSync(typesOf(key)) ? key : null;
  };
  const { fileExists, readFile } = ts.sys;
  ts.sys.fileExists = (file) => {
    if (file.endsWith('.d.ts')) return declared(file, '.d.ts') !== null || fileExists.call(ts.sys, file);
    return declared(file, '.ts') === null && fileExists.call(ts.sys, file);
  };
  ts.sys.readFile = (file, encoding) => {
    const key = declared(file, '.d.ts');
    return key !== null ? fs.readFileSync(typesOf(key), 'utf8') : readFile.call(ts.sys, file, encoding);
  };
}

/** A cell that imports what every lesson's first cell imports: tfjs and the library, all declarations. */
const WARM_UP = [
  "import * as tf from '@tensorflow/tfjs';",
  "import * as mp from './src/course/index';",
  "import * as quiz from './src/quiz/index';",
].join('\n');

/**
 * Has tslab's converter for Node, once created as the kernel starts, type-check WARM_UP, so that the hundreds of
 * declaration files of tfjs and the library are parsed while the student reads the lesson's opening rather than
 * when the first cell runs. It imports no .ts file, so no compiled output is dropped.
 */
function warmUpTypes(tslabDir) {
  const converter = require(path.join(tslabDir, 'converter.js'));
  const create = converter.createConverter;
  converter.createConverter = (options) => {
    const conv = create(options);
    if (!(options && options.isBrowser)) conv.convert('', WARM_UP);
    return conv;
  };
}

module.exports = { installKernelModules, warmUpTypes };
