/**
 * The kernel's prebuilt library (scripts/kernel/bundle.js, kernel_modules.js): built from src/, stale as soon
 * as a source changes, and, once installed in a kernel process, the same modules by their source paths for
 * tslab's type checking and for Node, one instance each, with no library file compiled.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './course';

const bundle = require('../../scripts/kernel/bundle.js') as {
  build(root: string): Promise<{ modules: string[] }>;
  staleReason(root: string): string | null;
};

/** A copy of what the bundle is built from, with the repo's node_modules linked in. */
function sourceCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-bundle-'));
  for (const item of ['package.json', 'tsconfig.json', 'src', 'scripts', 'exercises', 'solutions'])
    fs.cpSync(path.join(ROOT, item), path.join(dir, item), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
  return dir;
}

/**
 * Runs `body` in a fresh Node process at `root` after the kernel's mappings and warm-up are installed there, with `conv`
 * (tslab's converter), `manifest` and `root` in scope; returns what it printed as JSON.
 */
function inKernel(root: string, body: string): unknown {
  const script = `
    const path = require('path');
    const root = ${JSON.stringify(root)};
    process.chdir(root);
    const tslabDir = path.join(root, 'node_modules', 'tslab', 'dist');
    const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
    const manifest = require(path.join(root, 'scripts/kernel/bundle.js')).readManifest(root);
    const kernelModules = require(path.join(root, 'scripts/kernel/kernel_modules.js'));
    kernelModules.installKernelModules(root, manifest, ts);
    kernelModules.warmUpTypes(tslabDir); // as the launcher does: the first cell below must still get its outputs
    const conv = require(path.join(tslabDir, 'converter.js')).createConverter();
    const out = (() => { ${body} })();
    process.stdout.write(JSON.stringify(out));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout);
}

describe("the kernel's prebuilt library", function () {
  this.timeout(5 * 60_000);
  let root: string;

  before(async () => {
    root = sourceCopy();
    expect(bundle.staleReason(root)).to.match(/no bundle yet/);
    await bundle.build(root);
  });

  it('bundles the course, the grader and the library, and is fresh after a build', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'dist/kernel/manifest.json'), 'utf8'));
    expect(manifest.modules.slice(0, 3)).to.deep.equal(['course/index', 'quiz/index', 'mp/index']);
    expect(manifest.modules).to.include('quiz/errors'); // what exercises import
    expect(fs.existsSync(path.join(root, 'dist/kernel/types/course/index.d.ts'))).to.equal(true);
    expect(bundle.staleReason(root)).to.equal(null);
  });

  it('type-checks cells against the declarations: no library file is compiled, and type errors still show', () => {
    const result = inKernel(
      root,
      `const cell = (src) => { const r = conv.convert('', src);
         return { diagnostics: r.diagnostics.map((d) => d.messageText),
                  compiled: (r.sideOutputs || []).map((s) => path.relative(root, s.path)) }; };
       return {
         imports: cell("import * as mp from './src/course/index';\\nimport { check } from './src/quiz/index';\\n" +
           "import * as ex from './exercises/lesson1/index';\\nconst m: number = mp.getFormat('float16').maxFinite;"),
         wrong: cell("import * as mp from './src/course/index';\\nconst bad: string = mp.getFormat('float16').maxFinite;"),
       };`,
    ) as Record<string, { diagnostics: string[]; compiled: string[] }>;
    expect(result['imports']!.diagnostics).to.deep.equal([]);
    expect(result['imports']!.compiled).to.deep.equal([path.join('exercises', 'lesson1', 'index.js')]);
    expect(result['wrong']!.diagnostics).to.have.length(1);
    expect(result['wrong']!.diagnostics[0]).to.match(/number.*not assignable to type 'string'/);
  });

  it('gives Node one instance of each module, whichever path imports it', () => {
    const result = inKernel(
      root,
      `const course = require('./src/course/index');
       const fromExercise = require('module').createRequire(path.join(root, 'exercises/lesson1/index.js'));
       const exerciseErrors = fromExercise('../../src/quiz/errors');
       return {
         sameLibrary: course.roundArray === require('./src/mp/index').roundArray,
         sameErrors: exerciseErrors.NotImplementedError === require('./src/quiz/index').NotImplementedError,
         grader: require('./src/quiz/index').findQuestion('l1.q1').id,
         fromBundle: require.cache[path.join(root, 'dist/kernel/library.js')] !== undefined,
       };`,
    );
    expect(result).to.deep.equal({ sameLibrary: true, sameErrors: true, grader: 'l1.q1', fromBundle: true });
  });

  it('refuses an import once a source changed, asking for a restart (which rebuilds)', () => {
    const file = path.join(root, 'src/mp/formats/spec.ts');
    const result = inKernel(
      root,
      `require('./src/course/index');
       require('fs').appendFileSync(${JSON.stringify(file)}, '\\n// an edit\\n');
       const t = Date.now(); while (Date.now() - t < 1100);
       try { require('./src/course/index'); return 'loaded'; } catch (e) { return e.message; }`,
    );
    expect(result).to.match(/changed after this kernel loaded them\. Restart the kernel/);
    expect(bundle.staleReason(root)).to.match(/src\/ changed/);
  });
});
