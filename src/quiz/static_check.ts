/**
 * The static half of the forbidden-call check. It parses a submission's files with the TypeScript compiler
 * API (syntax only, no type checking: a few milliseconds a file) and follows a graded function through
 * everything it references: its own helpers, in its file or another submission file, imports of the library
 * under any alias, namespace access (mp.roundArray, mp['roundArray']), re-exports, require() and import().
 * It returns every library export and platform feature the function can reach; code the student wrote is
 * never one of them, whatever its name. What it cannot see (computed names, eval) the tripwire catches.
 */
import * as path from 'path';
import type * as TS from 'typescript';
import { typescript } from './tools';

/** A library export or platform feature that graded code reaches, and where. */
export interface Reached {
  readonly name: string;
  readonly where: string;
}

/** Library specifiers, as the grading child maps them: a path ending in src/mp, or a module under it. */
export const LIBRARY_SPECIFIER = /(?:^|[\\/])src[\\/]mp(?:[\\/]|$)/;

/** Platform features by the property or global name that reaches them. */
const PLATFORM_NAMES = new Map([
  ['Float16Array', 'Float16Array'],
  ['f16round', 'Math.f16round'],
  ['getFloat16', 'DataView.prototype.getFloat16'],
  ['setFloat16', 'DataView.prototype.setFloat16'],
]);

type Module = { readonly kind: 'library' } | { readonly kind: 'local'; readonly file: string };
/** What a name stands for: a whole module, or one export of it. */
type Binding = Module | { readonly kind: 'export'; readonly module: Module; readonly name: string };
/** A scope maps names to bindings; null marks the student's own local, which hides outer names. */
type Scope = ReadonlyMap<string, Binding | null>;

interface FileInfo {
  readonly rel: string;
  readonly source: TS.SourceFile;
  readonly bindings: Map<string, Binding>;
  readonly declarations: Map<string, TS.Node>;
  /** export name → the local name it exports, or a binding (export … from). */
  readonly exports: Map<string, string | Binding>;
  readonly starExports: Module[];
}

export class SubmissionAnalysis {
  private readonly infos = new Map<string, FileInfo>();
  private readonly ts = typescript();

  /** `files`: the submission's TypeScript files, by path relative to its folder ('lesson1/index.ts'). */
  constructor(private readonly files: ReadonlyMap<string, string>) {}

  /** Library exports and platform features that `exportName` of `file` can reach. */
  reached(file: string, exportName: string): Reached[] {
    const found: Reached[] = [];
    const visited = new Set<TS.Node>();
    const ts = this.ts;

    const report = (name: string, at: TS.Node): void => {
      const source = at.getSourceFile();
      const line = source.getLineAndCharacterOfPosition(at.getStart(source)).line + 1;
      found.push({ name, where: `${source.fileName}:${line}` });
    };

    const visitDeclaration = (info: FileInfo, node: TS.Node): void => {
      if (visited.has(node)) return;
      visited.add(node);
      walk(info, node, new Map());
    };

    const resolveExport = (module: Module, name: string, at: TS.Node, depth = 0): void => {
      if (module.kind === 'library') return report(name, at);
      const info = this.info(module.file);
      if (!info || depth > 20) return;
      const target = info.exports.get(name);
      if (typeof target === 'string') {
        const b = info.bindings.get(target);
        if (b) return use(b, undefined, at, depth + 1);
        const d = info.declarations.get(target);
        if (d) visitDeclaration(info, d);
      } else if (target) {
        use(target, undefined, at, depth + 1);
      } else {
        for (const star of info.starExports) resolveExport(star, name, at, depth + 1);
      }
    };

    /** A binding used at `expr` (an identifier or a require/import call); members of a module are followed. */
    const use = (b: Binding, expr: TS.Expression | undefined, at: TS.Node, depth = 0): void => {
      if (b.kind === 'export') return resolveExport(b.module, b.name, at, depth);
      if (!expr) return;
      for (const member of membersUsed(ts, expr)) resolveExport(b, member, at, depth);
    };

    const walk = (info: FileInfo, node: TS.Node, scope: Scope): void => {
      if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
      if (ts.isFunctionLike(node)) scope = this.functionScope(info, node, scope);
      if (ts.isIdentifier(node) && isReference(ts, node)) {
        const local = scope.get(node.text);
        if (local === null) return;
        const b = local ?? info.bindings.get(node.text);
        if (b) return use(b, node, node);
        const d = info.declarations.get(node.text);
        if (d) return visitDeclaration(info, d);
        if (node.text === 'Float16Array') report(node.text, node);
        return;
      }
      const member = memberName(ts, node);
      const feature = member && PLATFORM_NAMES.get(member);
      if (feature) report(feature, node);
      if (ts.isCallExpression(node)) {
        const module = this.moduleOf(info, node);
        if (module) use(module, node, node);
      }
      ts.forEachChild(node, (child) => walk(info, child, scope));
    };

    const info = this.info(file);
    if (info) resolveExport({ kind: 'local', file }, exportName, info.source);
    return found;
  }

  /** The module a require('…') or import('…') call loads, if it is the library or a submission file. */
  private moduleOf(info: FileInfo, call: TS.CallExpression): Module | undefined {
    const ts = this.ts;
    const isRequire = ts.isIdentifier(call.expression) && call.expression.text === 'require';
    const arg = call.arguments[0];
    if (!(isRequire || call.expression.kind === ts.SyntaxKind.ImportKeyword) || !arg) return undefined;
    return ts.isStringLiteralLike(arg) ? this.resolve(info.rel, arg.text) : undefined;
  }

  private resolve(from: string, specifier: string): Module | undefined {
    if (LIBRARY_SPECIFIER.test(specifier)) return { kind: 'library' };
    if (!specifier.startsWith('.')) return undefined;
    const base = path.posix.join(path.posix.dirname(from), specifier.replace(/\.[cm]?js$/, ''));
    const file = [base, `${base}.ts`, `${base}/index.ts`].find((f) => this.files.has(f));
    return file ? { kind: 'local', file } : undefined;
  }

  /** Bindings a variable declaration makes from a module expression (`const mp = require(…)`, `const { a } = await import(…)`). */
  private bindingsOf(info: FileInfo, d: TS.VariableDeclaration, into: Map<string, Binding | null>): boolean {
    const ts = this.ts;
    let init = d.initializer;
    while (init && (ts.isParenthesizedExpression(init) || ts.isAwaitExpression(init) || ts.isAsExpression(init)))
      init = init.expression;
    const module = init && ts.isCallExpression(init) ? this.moduleOf(info, init) : undefined;
    if (!module) return false;
    if (ts.isIdentifier(d.name)) into.set(d.name.text, module);
    else if (ts.isObjectBindingPattern(d.name)) {
      for (const e of d.name.elements) {
        const imported = e.propertyName ?? e.name;
        if (ts.isIdentifier(e.name) && ts.isIdentifier(imported))
          into.set(e.name.text, { kind: 'export', module, name: imported.text });
      }
    }
    return true;
  }

  /** The names a function declares (parameters and locals, not those of nested functions). */
  private functionScope(info: FileInfo, fn: TS.SignatureDeclaration, outer: Scope): Scope {
    const ts = this.ts;
    const scope = new Map(outer);
    const declare = (name: TS.BindingName): void => {
      if (ts.isIdentifier(name)) scope.set(name.text, null);
      else for (const e of name.elements) if (!ts.isOmittedExpression(e)) declare(e.name);
    };
    for (const p of fn.parameters) declare(p.name);
    const collect = (node: TS.Node): void => {
      if (ts.isVariableDeclaration(node)) {
        if (!this.bindingsOf(info, node, scope)) declare(node.name);
      } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
        scope.set(node.name.text, null);
      } else if (ts.isCatchClause(node) && node.variableDeclaration) {
        declare(node.variableDeclaration.name);
      }
      if (!ts.isFunctionLike(node) && !ts.isClassLike(node)) ts.forEachChild(node, collect);
    };
    if ('body' in fn && fn.body) ts.forEachChild(fn.body, collect);
    return scope;
  }

  private info(rel: string): FileInfo | undefined {
    const cached = this.infos.get(rel);
    if (cached) return cached;
    const text = this.files.get(rel);
    if (text === undefined) return undefined;
    const ts = this.ts;
    const source = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const info: FileInfo = {
      rel,
      source,
      bindings: new Map(),
      declarations: new Map(),
      exports: new Map(),
      starExports: [],
    };
    this.infos.set(rel, info);
    const exported = (s: TS.Node): boolean =>
      ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    for (const s of source.statements) {
      if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && !s.importClause?.isTypeOnly) {
        const module = this.resolve(rel, s.moduleSpecifier.text);
        const clause = s.importClause;
        if (!module || !clause) continue;
        if (clause.name) info.bindings.set(clause.name.text, module);
        const named = clause.namedBindings;
        if (named && ts.isNamespaceImport(named)) info.bindings.set(named.name.text, module);
        else if (named && ts.isNamedImports(named))
          for (const e of named.elements)
            if (!e.isTypeOnly)
              info.bindings.set(e.name.text, { kind: 'export', module, name: (e.propertyName ?? e.name).text });
      } else if (ts.isImportEqualsDeclaration(s) && ts.isExternalModuleReference(s.moduleReference)) {
        const spec = s.moduleReference.expression;
        const module = ts.isStringLiteral(spec) ? this.resolve(rel, spec.text) : undefined;
        if (module) info.bindings.set(s.name.text, module);
      } else if (ts.isExportDeclaration(s) && !s.isTypeOnly) {
        const module =
          s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)
            ? this.resolve(rel, s.moduleSpecifier.text)
            : undefined;
        if (!s.exportClause) {
          if (module) info.starExports.push(module);
        } else if (ts.isNamedExports(s.exportClause)) {
          for (const e of s.exportClause.elements) {
            const local = (e.propertyName ?? e.name).text;
            if (!s.moduleSpecifier) info.exports.set(e.name.text, local);
            else if (module) info.exports.set(e.name.text, { kind: 'export', module, name: local });
          }
        }
      } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) {
        info.declarations.set(s.name.text, s);
        if (exported(s)) info.exports.set(s.name.text, s.name.text);
      } else if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) {
          if (this.bindingsOf(info, d, info.bindings as Map<string, Binding | null>)) continue;
          for (const name of boundNames(ts, d.name)) {
            info.declarations.set(name, d);
            if (exported(s)) info.exports.set(name, name);
          }
        }
      }
    }
    return info;
  }
}

function boundNames(ts: typeof TS, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(ts, e.name)));
}

/** Whether an identifier reads a value (not a declaration's name, a property name or a label). */
function isReference(ts: typeof TS, id: TS.Identifier): boolean {
  const parent = id.parent as TS.Node & { name?: TS.Node; propertyName?: TS.Node; label?: TS.Node };
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  return parent.name !== id && parent.propertyName !== id && parent.label !== id;
}

/** `x.name` or `x['name']`: the member name, when it is written out. */
function memberName(ts: typeof TS, node: TS.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))
    return node.argumentExpression.text;
  return undefined;
}

/** Members read from a module value: `m.a`, `m['a']`, `(await import(…)).a`, `const { a } = m`. */
function membersUsed(ts: typeof TS, expr: TS.Expression): string[] {
  let node: TS.Node = expr;
  while (
    ts.isParenthesizedExpression(node.parent) ||
    ts.isAwaitExpression(node.parent) ||
    ts.isAsExpression(node.parent)
  )
    node = node.parent;
  const parent = node.parent;
  const member = memberName(ts, parent);
  if (member !== undefined && (parent as TS.PropertyAccessExpression | TS.ElementAccessExpression).expression === node)
    return [member];
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isObjectBindingPattern(parent.name))
    return parent.name.elements.flatMap((e) => {
      const key = e.propertyName ?? e.name;
      return ts.isIdentifier(key) ? [key.text] : [];
    });
  return [];
}
