/**
 * What a coding question's function may use, resolved into a profile: the exact library modules and npm
 * packages that a sandbox for that question holds (stage.ts stages them; every other module is a stub that
 * throws). A question's `uses` lists modules and packages; each brings what it imports, read from the library's
 * import graph as esbuild compiles it, so type-only imports bring nothing. A question without `uses` gets the
 * whole library. Questions of one file with the same profile share a sandbox.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { GradingError } from './errors';
import { MSG } from './messages';
import type { CodeQuestion, Uses } from './question';
import { joinText, type Translated } from './text';
import { esbuild } from './tools';

export const LIBRARY_DIR = path.join(__dirname, '../mp');

/** One library module ('formats/round'): the modules and packages it imports, and the names it exports. */
export interface LibraryModule {
  readonly imports: readonly string[];
  readonly packages: readonly string[];
  readonly exports: readonly string[];
}

export interface Profile {
  /** 'all', or a short hash of the modules and packages: the profile's folder in the stage. */
  readonly key: string;
  /** Library modules the sandbox holds, sorted. */
  readonly modules: readonly string[];
  /** npm packages it holds (with their own dependencies), sorted. */
  readonly packages: readonly string[];
  /** Whether the platform's float16 conversions stay: only where the question sets no rule. */
  readonly float16: boolean;
  /** What the code may use, in feedback's words: "only the library's `formats/registry`". */
  readonly rule: string;
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
/** An npm package's name: never a path, so no rule can bring a folder above node_modules into a sandbox. */
const PACKAGE_NAME = /^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
/**
 * Whether an import esbuild left external names a package. It also leaves out a relative import whose names
 * are all types (`import { type X } from './x'`, which compiles to nothing) and its own '<runtime>'.
 */
const isPackageImport = (specifier: string): boolean =>
  !BUILTINS.has(specifier) && PACKAGE_NAME.test(packageOf(specifier));

const graphs = new Map<string, ReadonlyMap<string, LibraryModule>>();

/** Every module of the library ('formats/round' → its imports and exports), from one esbuild pass. */
export function libraryGraph(libraryDir = LIBRARY_DIR): ReadonlyMap<string, LibraryModule> {
  const known = graphs.get(libraryDir);
  if (known) return known;
  const sources = fs
    .readdirSync(libraryDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.split(path.sep).join('/'));
  const { metafile } = esbuild().buildSync({
    absWorkingDir: libraryDir,
    entryPoints: sources,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outdir: 'out',
    logLevel: 'silent',
  });
  const exportsOf = new Map(
    Object.values(metafile!.outputs).flatMap((o) => (o.entryPoint ? [[o.entryPoint, o.exports] as const] : [])),
  );
  const graph = new Map<string, LibraryModule>();
  for (const source of sources) {
    const imports = metafile!.inputs[source]?.imports ?? [];
    graph.set(source.replace(/\.ts$/, ''), {
      imports: imports.filter((i) => !i.external).map((i) => i.path.replace(/\.ts$/, '')),
      packages: [
        ...new Set(imports.filter((i) => i.external && isPackageImport(i.path)).map((i) => packageOf(i.path))),
      ],
      exports: exportsOf.get(source) ?? [],
    });
  }
  graphs.set(libraryDir, graph);
  return graph;
}

let nodeModules: string | undefined;

/** The folder that holds the library's packages (the grader's own node_modules), as a real path. */
export function nodeModulesDir(): string {
  nodeModules ??= fs.realpathSync(
    path.resolve(path.dirname(require.resolve('@tensorflow/tfjs/package.json')), '../..'),
  );
  return nodeModules;
}

/** The packages and, recursively, the packages they depend on that are installed at the top of node_modules. */
export function withDependencies(names: Iterable<string>, nodeModules = nodeModulesDir()): string[] {
  const found = new Set<string>();
  const visit = (name: string): void => {
    if (found.has(name) || !PACKAGE_NAME.test(name)) return;
    const manifest = path.join(nodeModules, name, 'package.json');
    if (!fs.existsSync(manifest)) return; // an optional dependency that is not installed
    found.add(name);
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'])
      for (const dep of Object.keys(pkg[field] ?? {})) visit(dep);
  };
  for (const name of names) visit(name);
  return [...found].sort();
}

/** Library modules matching an entry of `uses.library`: the module itself, or every module in the folder. */
function matching(entry: string, graph: ReadonlyMap<string, LibraryModule>): string[] {
  const found = [...graph.keys()].filter((m) => m === entry || m.startsWith(`${entry}/`));
  if (found.length === 0) {
    const folders = [...new Set([...graph.keys()].flatMap((m) => (m.includes('/') ? [m.split('/')[0]!] : [])))];
    throw new GradingError(
      `Unknown library module '${entry}'. Modules: ${[...graph.keys()].sort().join(', ')}; folders: ${folders.sort().join(', ')}.`,
    );
  }
  return found;
}

/** What `uses` allows, in feedback's words. */
export function ruleText(uses: Uses): Translated {
  const list = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');
  const parts = [
    ...(uses.library?.length ? [MSG.libraryModules(list(uses.library))] : []),
    ...(uses.packages?.length ? [MSG.packages(list(uses.packages), uses.packages.length > 1)] : []),
  ];
  if (!parts.length) return MSG.nothingAllowed;
  return MSG.only(parts.length === 1 ? parts[0]! : joinText(parts[0]!, MSG.and, parts[1]!));
}

const profiles = new Map<string, Profile>();

/** The profile a question's cases run in. */
export function profileOf(q: CodeQuestion, libraryDir = LIBRARY_DIR): Profile {
  const cacheKey = `${libraryDir}|${JSON.stringify(q.uses ?? null)}`;
  const known = profiles.get(cacheKey);
  if (known) return known;
  const graph = libraryGraph(libraryDir);
  const uses = q.uses;
  const modules = new Set<string>();
  const add = (m: string): void => {
    if (modules.has(m)) return;
    modules.add(m);
    for (const i of graph.get(m)?.imports ?? []) add(i);
  };
  for (const entry of uses ? (uses.library ?? []) : graph.keys()) for (const m of matching(entry, graph)) add(m);
  const nodeModules = nodeModulesDir();
  for (const p of uses?.packages ?? [])
    if (!fs.existsSync(path.join(nodeModules, p, 'package.json')))
      throw new GradingError(`${q.id}: the package '${p}' is not installed in ${nodeModules}.`);
  const direct = [...modules].flatMap((m) => graph.get(m)!.packages);
  const packages = withDependencies([...direct, ...(uses?.packages ?? [])], nodeModules);
  const sorted = [...modules].sort();
  const key = uses
    ? createHash('sha256')
        .update(JSON.stringify([sorted, packages]))
        .digest('hex')
        .slice(0, 12)
    : 'all';
  const profile = { key, modules: sorted, packages, float16: !uses, rule: uses ? ruleText(uses).en : 'everything' };
  profiles.set(cacheKey, profile);
  return profile;
}

/** The sentence an exercise's doc comment carries about its question's rule, or undefined (no rule). */
export function usesNote(q: CodeQuestion): Translated | undefined {
  if (!q.uses) return undefined;
  const allowed = [...(q.uses.library ?? []), ...(q.uses.packages ?? [])].length > 0;
  return allowed ? MSG.usesNoteOnly(ruleText(q.uses)) : MSG.usesNotePlain;
}
