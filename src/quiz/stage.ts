/**
 * The staged copy that graded code runs from. Once per process, the library (src/mp, and the exercises'
 * NotImplementedError) and the grading child are compiled to JavaScript into a temporary folder; each
 * submission is compiled into a folder of its own beside them. The child may read only those and
 * node_modules, so the question bank, solutions/ and the rest of the instructor's repository lie on no path
 * it can name. Compiling here (with esbuild, as tsx does) lets the child run on plain Node, without a loader.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { esbuild } from './tools';

const SRC = path.join(__dirname, '..');

export interface LibraryStage {
  /** The temporary folder; the child cannot read it, only the folders below. */
  readonly root: string;
  /** Compiled library: LIBRARY/mp/…, LIBRARY/quiz/errors.js. */
  readonly library: string;
  /** The compiled grading child. */
  readonly child: string;
  readonly nodeModules: string;
}

export interface StagedSubmission {
  readonly dir: string;
  /** Why a file did not compile, by its path relative to the submission. */
  readonly compileErrors: ReadonlyMap<string, string>;
  remove(): void;
}

/** A submission's TypeScript sources and JSON files, by '/'-separated path; links and node_modules are skipped. */
export function readSubmission(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(rel);
      else if (e.isFile() && /\.(ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts'))
        files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return files;
}

function sourcesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

let shared: LibraryStage | undefined;
let submissions = 0;

/** The compiled library and child, built on first use and removed when the process exits. */
export function libraryStage(): LibraryStage {
  if (shared) return shared;
  // the real path: the permission model compares the paths Node loads from, which are real paths
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mp-grading-')));
  process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  const library = path.join(root, 'lib', 'src');
  const common = { platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' } as const;
  esbuild().buildSync({
    ...common,
    entryPoints: [...sourcesUnder(path.join(SRC, 'mp')), path.join(SRC, 'quiz', 'errors.ts')],
    outbase: SRC,
    outdir: library,
  });
  const child = path.join(root, 'lib', 'child.js');
  esbuild().buildSync({ ...common, entryPoints: [path.join(__dirname, 'child.ts')], bundle: true, outfile: child });
  const nodeModules = path.resolve(path.dirname(require.resolve('@tensorflow/tfjs/package.json')), '../..');
  shared = { root, library, child, nodeModules };
  return shared;
}

/** Compiles a submission's files (from readSubmission) into a new folder of the stage. */
export function stageSubmission(stage: LibraryStage, files: ReadonlyMap<string, string>): StagedSubmission {
  const dir = path.join(stage.root, `s${++submissions}`);
  const compileErrors = new Map<string, string>();
  for (const [rel, text] of files) {
    const target = path.join(dir, rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!rel.endsWith('.ts')) {
      fs.writeFileSync(target, text);
      continue;
    }
    try {
      const { code } = esbuild().transformSync(text, {
        loader: 'ts',
        format: 'cjs',
        target: 'node20',
        sourcefile: rel,
        logLevel: 'silent',
      });
      fs.writeFileSync(target, code);
    } catch (e) {
      const first = (e as { errors?: { text: string; location?: { line: number } }[] }).errors?.[0];
      compileErrors.set(rel, first ? `line ${first.location?.line ?? '?'}: ${first.text}` : String(e));
    }
  }
  return { dir, compileErrors, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
