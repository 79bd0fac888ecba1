/**
 * The staged copies that graded code runs from, in one temporary folder per grading process (a random name,
 * removed at exit):
 *
 *     library/            the whole library compiled to JavaScript; no sandbox sees it
 *     p-KEY-XXXXXX/src/   one per profile (allowed.ts): mp/ with the profile's modules, a stub that throws in
 *                         place of every other module, an index that loads each export when first read, and
 *                         quiz/errors.js (the exercises' NotImplementedError)
 *     p-KEY-XXXXXX/node_modules/
 *                         the profile's packages (links to the real ones) and a stub for each package of the
 *                         library that the profile leaves out
 *     child.js            the sandbox's harness (child.ts)
 *     compile.js          the submissions' compiler (compile.ts), run in a process per submission
 *     s-XXXXXX/           each submission, compiled with its source maps
 *
 * Folders made after graded code has run have random names (XXXXXX): code that can create files the
 * permission model does not see (Unix sockets, in the fallback without an OS sandbox) cannot take their place.
 * A sandbox sees one profile, one submission and the harness: the question bank, solutions/ and the rest of the
 * instructor's repository lie on no path it can name.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as TS from 'typescript';
import { libraryGraph, nodeModulesDir, type Profile } from './allowed';
import { GradingError } from './errors';
import type { Compiled } from './compile';
import { esbuild, typescript } from './tools';

const SRC = path.join(__dirname, '..');

/** A submission folder the grader will not read, and why; only that submission fails. */
export class UnreadableSubmission extends Error {
  override name = 'UnreadableSubmission';
}

/** A submission is a few small TypeScript files and answers.json. */
const LIMITS = { files: 200, fileBytes: 1 << 20, totalBytes: 8 << 20, depth: 8, entries: 5000 };

/**
 * A submission's TypeScript sources and JSON files, by '/'-separated path. Links, node_modules and hidden
 * folders are skipped; more files, bigger files or deeper folders than a submission needs are refused.
 */
export function readSubmission(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  let total = 0;
  let entries = 0;
  const walk = (sub: string, depth: number): void => {
    if (depth > LIMITS.depth) throw new UnreadableSubmission(`${sub} lies more than ${LIMITS.depth} folders deep`);
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      if (++entries > LIMITS.entries)
        throw new UnreadableSubmission(`it holds more than ${LIMITS.entries} files and folders`);
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(rel, depth + 1);
      else if (e.isFile() && /\.(ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        const size = fs.statSync(path.join(dir, rel)).size;
        total += size;
        if (size > LIMITS.fileBytes) throw new UnreadableSubmission(`${rel} is larger than 1 MiB`);
        if (total > LIMITS.totalBytes || files.size === LIMITS.files)
          throw new UnreadableSubmission(`it holds more than ${LIMITS.files} files or 8 MiB of .ts and .json`);
        files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
      }
    }
  };
  walk('', 0);
  return files;
}

/** One profile's staged library and packages. */
export interface ProfileStage {
  readonly profile: Profile;
  /** The folder holding mp/ and quiz/errors.js (a sandbox's /grading/src). */
  readonly src: string;
  /** Each package by name: the real folder, or a stub's. */
  readonly packages: ReadonlyMap<string, string>;
  /** A node_modules folder of links to those, for the sandbox without an OS sandbox. */
  readonly nodeModules: string;
}

export interface Stage {
  readonly root: string;
  /** The compiled harness, and the submissions' compiler. */
  readonly child: string;
  readonly compiler: string;
  profile(p: Profile): ProfileStage;
}

let shared: Stage | undefined;

/** The stage's folder, once this process has one. */
export const stageRoot = (): string | undefined => shared?.root;

/** The stage of this process, built on first use and removed when the process exits. */
export function libraryStage(): Stage {
  if (shared) return shared;
  // the real path: the permission model compares the paths Node loads from, which are real paths
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mp-grading-')));
  process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  const library = path.join(root, 'library');
  const common = { platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' } as const;
  const sources = fs
    .readdirSync(path.join(SRC, 'mp'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(SRC, 'mp', f));
  esbuild().buildSync({
    ...common,
    entryPoints: [...sources, path.join(SRC, 'quiz', 'errors.ts')],
    outbase: SRC,
    outdir: library,
  });
  const child = path.join(root, 'child.js');
  esbuild().buildSync({
    ...common,
    entryPoints: [path.join(__dirname, 'child.ts')],
    bundle: true,
    banner: { js: '"use strict";' }, // strict code hands no caller, `this` or function to a stack-trace hook
    outfile: child,
  });
  const compiler = path.join(root, 'compile.js');
  esbuild().buildSync({
    ...common,
    entryPoints: [path.join(__dirname, 'compile.ts')],
    bundle: true,
    external: ['esbuild'],
    outfile: compiler,
  });
  const profiles = new Map<string, ProfileStage>();
  shared = {
    root,
    child,
    compiler,
    profile: (p) => {
      const known = profiles.get(p.key);
      if (known) return known;
      const staged = stageProfile(root, library, p);
      profiles.set(p.key, staged);
      return staged;
    },
  };
  return shared;
}

/**
 * A self-contained CommonJS module standing in for an absent one: each export (and each member of one) is a
 * function that throws NotAvailableError, so a file that merely imports it still loads, and using it fails
 * with a sentence that says what the exercise allows.
 */
function absentModule(from: string, names: readonly string[], rule: string, prefix = ''): string {
  return `"use strict";
// Generated by the grader: ${from} is not part of this sandbox.
const RULE = ${JSON.stringify(rule)};
class NotAvailableError extends Error {
  constructor(name) {
    super(name + " is not available here: this exercise may use " + RULE);
    this.name = "NotAvailableError";
    this.absent = name;
  }
}
const absent = (name) => new Proxy(function () {}, {
  apply() { throw new NotAvailableError(name); },
  construct() { throw new NotAvailableError(name); },
  get(target, key) {
    return typeof key !== "string" || key === "then" || key === "prototype" ? Reflect.get(target, key) : absent(name + "." + key);
  },
});
const exported = { __esModule: true };
for (const name of ${JSON.stringify(names)}) exported[name] = absent(${JSON.stringify(prefix)} + name);
module.exports = new Proxy(exported, {
  get(target, key) {
    return typeof key !== "string" || key === "then" || key in target ? Reflect.get(target, key) : absent(${JSON.stringify(prefix)} + key);
  },
});
`;
}

/**
 * The index's exports: exported name → [module, its name there]. It reads re-exports, imports, aliases of
 * imported values (`export const quantize = fakeCast`, a deprecated name) and type-only statements; anything
 * else is a GradingError, since a lazy index that missed it would hand submissions a different library.
 */
function indexExports(): Map<string, [string, string]> {
  const ts = typescript();
  const file = path.join(SRC, 'mp', 'index.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const graph = libraryGraph();
  const found = new Map<string, [string, string]>();
  const imported = new Map<string, [string, string]>();
  const moduleOf = (specifier: TS.Expression): string =>
    path.posix.join((specifier as TS.StringLiteral).text).replace(/^\.\//, '');
  const unreadable = (s: TS.Statement): GradingError =>
    new GradingError(`src/mp/index.ts: the grader's lazy index cannot read \`${s.getText(source).slice(0, 80)}\``);
  for (const s of source.statements) {
    if (ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s)) continue;
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      if (!clause || clause.isTypeOnly) continue; // a side effect (quiet, the version check) or types only
      const named = clause.namedBindings;
      if (clause.name || !named || !ts.isNamedImports(named)) throw unreadable(s);
      for (const e of named.elements)
        if (!e.isTypeOnly) imported.set(e.name.text, [moduleOf(s.moduleSpecifier), (e.propertyName ?? e.name).text]);
      continue;
    }
    if (ts.isVariableStatement(s) && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      for (const d of s.declarationList.declarations) {
        const from = d.initializer && ts.isIdentifier(d.initializer) ? imported.get(d.initializer.text) : undefined;
        if (!ts.isIdentifier(d.name) || !from) throw unreadable(s);
        found.set(d.name.text, from);
      }
      continue;
    }
    if (!ts.isExportDeclaration(s) || !s.moduleSpecifier || !ts.isStringLiteral(s.moduleSpecifier)) throw unreadable(s);
    if (s.isTypeOnly) continue;
    const module = moduleOf(s.moduleSpecifier);
    if (!s.exportClause) {
      for (const name of graph.get(module)?.exports ?? []) if (name !== 'default') found.set(name, [module, name]);
    } else if (ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements)
        if (!e.isTypeOnly) found.set(e.name.text, [module, (e.propertyName ?? e.name).text]);
    } else throw unreadable(s);
  }
  return found;
}

/** An index that loads a module when one of its exports is first read: a file that uses rounding loads no tensors. */
function lazyIndex(exported: ReadonlyMap<string, [string, string]>): string {
  const lines = [...exported].map(
    ([name, [module, key]]) =>
      `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => require(${JSON.stringify(`./${module}`)})[${JSON.stringify(key)}] });`,
  );
  return `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n${lines.join('\n')}\n`;
}

/** Names a package exports, where this process has loaded it (the library's tfjs); else none known. */
function loadedExports(name: string): string[] {
  try {
    const exported = require.cache[require.resolve(name)]?.exports as object | undefined;
    return exported ? Object.keys(exported).filter((k) => k !== '__esModule') : [];
  } catch {
    return [];
  }
}

/** A package's version where it is installed in the grader's node_modules, else undefined. */
function installedVersion(name: string): string | undefined {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(nodeModulesDir(), name, 'package.json'), 'utf8')) as { version?: string }
    ).version;
  } catch {
    return undefined;
  }
}

function stageProfile(root: string, library: string, p: Profile): ProfileStage {
  const dir = fs.mkdtempSync(path.join(root, `p-${p.key}-`));
  const src = path.join(dir, 'src');
  const graph = libraryGraph();
  const allowed = new Set(p.modules);
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  for (const [module, info] of graph) {
    const target = path.join(src, 'mp', `${module}.js`);
    if (allowed.has(module)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(library, 'mp', `${module}.js`), target);
    } else write(target, absentModule(`the library's ${module}`, info.exports, p.rule));
  }
  write(path.join(src, 'mp', 'index.js'), lazyIndex(indexExports()));
  write(path.join(src, 'quiz', 'errors.js'), fs.readFileSync(path.join(library, 'quiz', 'errors.js'), 'utf8'));

  const realModules = nodeModulesDir();
  const nodeModules = path.join(dir, 'node_modules');
  const packages = new Map<string, string>();
  for (const name of p.packages) packages.set(name, fs.realpathSync(path.join(realModules, name)));
  const libraryPackages = new Set([...graph.values()].flatMap((m) => m.packages));
  for (const name of libraryPackages) {
    if (packages.has(name)) continue;
    const stub = path.join(nodeModules, name);
    // the installed version stays: the library checks its packages' releases as it loads (tfjs_internals.ts)
    write(path.join(stub, 'package.json'), JSON.stringify({ name, version: installedVersion(name), main: 'index.js' }));
    write(path.join(stub, 'index.js'), absentModule(`the package ${name}`, loadedExports(name), p.rule, `${name}.`));
    packages.set(name, stub);
  }
  for (const [name, real] of packages) {
    const link = path.join(nodeModules, name);
    if (real === link) continue;
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(real, link, 'junction');
  }
  return { profile: p, src, packages, nodeModules };
}

export interface StagedSubmission {
  readonly dir: string;
  /** Why a file did not compile, by its path relative to the submission. */
  readonly compileErrors: ReadonlyMap<string, string>;
  remove(): void;
}

/** Longest a submission's compilation may take, in ms: esbuild compiles a submission in well under a second. */
const COMPILE_MS = 60_000;

/** Compiles TypeScript sources in one process of its own (compile.ts); a process that fails compiles nothing. */
function compileOnce(stage: Stage, sources: Record<string, string>): Promise<Compiled> {
  return new Promise((resolve) => {
    const failed = (why: string): void =>
      resolve(Object.fromEntries(Object.keys(sources).map((rel) => [rel, { error: `the compiler stopped (${why})` }])));
    const worker = spawn(process.execPath, [stage.compiler], {
      env: { NODE_PATH: nodeModulesDir() },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const timer = setTimeout(() => worker.kill('SIGKILL'), COMPILE_MS);
    let out = '';
    worker.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    worker.stdin!.on('error', () => undefined);
    worker.on('error', (e) => failed(e.message));
    worker.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out) as Compiled);
      } catch {
        failed(signal ? `${signal}, after ${COMPILE_MS / 1000} s at most` : `exit code ${code}`);
      }
    });
    worker.stdin!.end(JSON.stringify(sources));
  });
}

/**
 * Compiles TypeScript sources in processes of their own: whatever a source does to the compiler, only that
 * file fails to compile, with the reason. Each process compiles at least one file, or all fail.
 */
async function compile(stage: Stage, sources: Record<string, string>): Promise<Compiled> {
  const out: Compiled = {};
  let pending = Object.keys(sources);
  while (pending.length) {
    const done = await compileOnce(stage, Object.fromEntries(pending.map((rel) => [rel, sources[rel]!])));
    const left = pending.filter((rel) => !Object.hasOwn(done, rel));
    if (left.length === pending.length) break; // no progress: stageSubmission reports these as failures
    for (const rel of pending) if (Object.hasOwn(done, rel)) out[rel] = done[rel]!;
    pending = left;
  }
  return out;
}

/** Compiles a submission's files (from readSubmission) into a new folder of the stage, whose name is random. */
export async function stageSubmission(stage: Stage, files: ReadonlyMap<string, string>): Promise<StagedSubmission> {
  const dir = fs.mkdtempSync(path.join(stage.root, 's-'));
  const write = (rel: string, text: string): void => {
    const target = path.join(dir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  };
  const sources: Record<string, string> = {};
  for (const [rel, text] of files) {
    if (rel.endsWith('.ts')) sources[rel] = text;
    else write(rel, text);
  }
  const compiled = Object.keys(sources).length ? await compile(stage, sources) : {};
  const compileErrors = new Map<string, string>();
  for (const rel of Object.keys(sources)) {
    const result = compiled[rel] ?? { error: 'the compiler gave no result' };
    if ('code' in result) write(rel.replace(/\.ts$/, '.js'), result.code);
    else compileErrors.set(rel, result.error);
  }
  return { dir, compileErrors, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
