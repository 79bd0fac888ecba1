/**
 * What a question forbids, resolved to names: library exports (listed, or every export of a listed library
 * module) and platform features. The static check (static_check.ts) and the run-time tripwire (tripwire.ts)
 * both work from these names; the exercise texts and feedback quote them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GradingError } from './errors';
import { PLATFORM_FEATURES, type CodeQuestion, type PlatformFeature } from './question';
import { typescript } from './tools';

export const LIBRARY_DIR = path.join(__dirname, '../mp');

export interface ForbiddenNames {
  readonly library: readonly string[];
  readonly platform: readonly PlatformFeature[];
}

const moduleExports = new Map<string, string[]>();

/** The functions and classes a library module exports ('quant/mx' → mxQuantize, …), read from its source. */
export function libraryModuleExports(module: string, libraryDir = LIBRARY_DIR): string[] {
  const file = path.join(libraryDir, `${module}.ts`);
  const known = moduleExports.get(file);
  if (known) return known;
  if (!fs.existsSync(file)) {
    const modules = fs
      .readdirSync(libraryDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, '').split(path.sep).join('/'));
    throw new GradingError(`Unknown library module '${module}'. Modules: ${modules.sort().join(', ')}.`);
  }
  const ts = typescript();
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const exported = (node: import('typescript').Node): boolean =>
    ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const callable = (e: import('typescript').Expression | undefined): boolean =>
    !!e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e));
  const names: string[] = [];
  for (const s of source.statements) {
    if (!exported(s)) continue;
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) names.push(s.name.text);
    if (ts.isVariableStatement(s))
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name) && callable(d.initializer)) names.push(d.name.text);
  }
  moduleExports.set(file, names);
  return names;
}

export function forbiddenNames(q: CodeQuestion, libraryDir = LIBRARY_DIR): ForbiddenNames {
  const f = q.forbidden ?? {};
  for (const p of f.platform ?? []) {
    if (!PLATFORM_FEATURES.includes(p))
      throw new GradingError(`${q.id}: unknown platform feature '${p}'. Features: ${PLATFORM_FEATURES.join(', ')}.`);
  }
  const library = new Set(f.library ?? []);
  for (const m of f.libraryModules ?? []) for (const name of libraryModuleExports(m, libraryDir)) library.add(name);
  return { library: [...library].sort(), platform: [...(f.platform ?? [])] };
}

/** A sentence for an exercise's doc comment: what the question forbids, or undefined. */
export function forbiddenNote(q: CodeQuestion, libraryDir = LIBRARY_DIR): string | undefined {
  const { library, platform } = forbiddenNames(q, libraryDir);
  const list = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');
  const parts = [
    ...(library.length ? [`the library's ${list(library)}`] : []),
    ...(platform.length ? [`the platform's ${list(platform)}`] : []),
  ];
  return parts.length ? `Not allowed here (the question scores 0 if used): ${parts.join('; ')}.` : undefined;
}

/** The reason a question scores 0 for a forbidden call, as feedback says it. */
export function forbiddenReason(name: string): string {
  return (PLATFORM_FEATURES as readonly string[]).includes(name)
    ? `uses \`${name}\`, which this exercise asks you not to use`
    : `uses \`${name}\` from the library, which this exercise asks you to write yourself`;
}
