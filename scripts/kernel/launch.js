#!/usr/bin/env node
/**
 * Starts the course's Jupyter kernel: tslab, from the course's root folder.
 *
 * tslab compiles each cell with rootDir set to its working directory, and Jupyter starts a kernel in the
 * notebook's folder, so from notebooks/ an `import … from '../src/mp'` fails ("not under rootDir"). This
 * launcher walks up from that folder to the course root (the nearest package.json that names this course)
 * and starts tslab there. Notebooks then import `./src/course/index`, `./src/quiz` and `./exercises/lessonN`, paths
 * from the root. We chose this over importing the library by its package name because it needs no link
 * (symlinks need extra rights on Windows), works for any copy of the course (a student
 * release, a graded copy) with the kernel registered once, and lets tslab recompile an edited exercise file
 * when its import cell is re-run. Plain JavaScript, so that it runs on any Node without a compiler.
 *
 * Before tslab starts, the launcher makes sure the library's prebuilt bundle matches src/ (bundle.js; built
 * by npm install, rebuilt here where a source changed) and maps the library's modules onto it
 * (kernel_modules.js): the same import paths, but a first cell that type-checks declarations instead of
 * compiling the library.
 *
 * Usage (from kernel.json): node launch.js {connection_file}
 */
'use strict';
const fs = require('fs');
const path = require('path');

const COURSE_NAME = 'mixed-precision-course';

function isCourseRoot(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === COURSE_NAME;
  } catch {
    return false;
  }
}

/** The nearest course root at or above `start`, or this launcher's own course. */
function courseRoot(start) {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (isCourseRoot(dir)) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..', '..');
  }
}

const connectionFile = process.argv[2];
if (!connectionFile) {
  console.error('usage: node launch.js CONNECTION_FILE (Jupyter passes it; see kernel.json)');
  process.exit(2);
}
const root = courseRoot(process.cwd());
// Jupyter starts a kernel in its notebook's folder: the grader reads the lesson's language from it
// (notebooks/zh/ holds the Chinese lessons; src/quiz/text.ts), since the kernel runs from the course root.
// Jupyter's server also passes the notebook's path as JPY_SESSION_NAME; nbclient passes only the folder.
process.env.MP_NOTEBOOK_DIR = process.cwd();
process.chdir(root);
// tslab from the course folder itself, so that the library's display calls reach this kernel's tslab.
const tslab = path.join(root, 'node_modules', 'tslab', 'dist', 'main.js');
if (!fs.existsSync(tslab)) {
  console.error(`tslab is not installed in ${root}: run npm install there.`);
  process.exit(1);
}

/**
 * The library's prebuilt bundle, rebuilt first where src/ changed (this kernel's log says so); null where it
 * cannot be built, and the lessons then compile the library from src/ as before, only slower.
 */
async function libraryBundle() {
  const bundle = require('./bundle');
  const stale = bundle.staleReason(root);
  if (!stale) return bundle.readManifest(root);
  console.error(`${stale}: building the library bundle for the kernel (node scripts/kernel/bundle.js)…`);
  try {
    return await bundle.build(root);
  } catch (e) {
    console.error(`The library bundle could not be built; lessons compile src/ instead (slower).\n${e.message}`);
    return null;
  }
}

libraryBundle().then((manifest) => {
  if (manifest) {
    const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [path.dirname(tslab)] }));
    const { installKernelModules, warmUpTypes } = require('./kernel_modules');
    installKernelModules(root, manifest, ts);
    warmUpTypes(path.dirname(tslab));
  }
  require(tslab).startKernel({ configPath: path.resolve(connectionFile), enableFindLocal: false });
});
