/**
 * Student stubs from reference solutions: each block between `// BEGIN SOLUTION <id>` and `// END SOLUTION`
 * becomes `throw new NotImplementedError('<id>')`, and imports used only by solution code (marked with
 * `// SOLUTION ONLY` at the end of the import line) are dropped. Doc comments stay on their functions, or give
 * way to the question's own (its prompt, in every language), and gain what the question may use.
 * The import of NotImplementedError carries a doc comment that links to it, which TypeScript counts as a use:
 * once a student has replaced every throw, the import is not "declared but never read" (noUnusedLocals).
 */
import { GradingError } from './errors';

const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION\s+(\S+)\s*$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;
const STUB_NOTE =
  '/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */';

/** What the stub's doc comment says for one question, in paragraphs. */
export interface StubDoc {
  /** Replace the solution's doc comment with these (the question's prompt); without them it stays. */
  readonly replace?: readonly string[];
  /** Add these to the doc comment (what the question may use, say). */
  readonly add?: readonly string[];
}

/**
 * `docs`: by question id, what the doc comment of the function holding that question's solution block says.
 *
 *     generateStub(source, '../../src/quiz/errors', new Map([['l1.q1', { add: ['Graded as plain TypeScript…'] }]]))
 */
export function generateStub(
  source: string,
  notImplementedImport: string,
  docs: ReadonlyMap<string, StubDoc> = new Map(),
): string {
  const out: string[] = [];
  let open: { indent: string; id: string; line: number } | undefined;
  let needsImport = false;
  source.split('\n').forEach((line, i) => {
    const begin = BEGIN.exec(line);
    if (open) {
      if (END.test(line)) {
        out.push(`${open.indent}throw new NotImplementedError('${open.id}');`);
        open = undefined;
      } else if (begin) {
        throw new GradingError(`line ${i + 1}: BEGIN SOLUTION inside the block opened on line ${open.line}`);
      }
      return;
    }
    if (begin) {
      open = { indent: begin[1]!, id: begin[2]!, line: i + 1 };
      const doc = docs.get(open.id);
      if (doc) rewriteDocComment(out, doc);
      needsImport = true;
    } else if (END.test(line)) {
      throw new GradingError(`line ${i + 1}: END SOLUTION without BEGIN SOLUTION`);
    } else if (!line.trimEnd().endsWith('// SOLUTION ONLY')) {
      out.push(line);
    }
  });
  if (open) throw new GradingError(`BEGIN SOLUTION on line ${open.line} is never closed`);
  if (!needsImport) return out.join('\n');
  // after the file's leading comment, so that every function keeps the doc comment above it
  let at = out[0]?.startsWith('/**') ? out.findIndex((l) => l.trimEnd().endsWith('*/')) + 1 : 0;
  while (at < out.length && out[at]!.trim() === '') at++;
  out.splice(at, 0, STUB_NOTE, `import { NotImplementedError } from '${notImplementedImport}';`, '');
  return out.join('\n');
}

/**
 * Rewrites the doc comment right above the signature that ends `out`: replaced by `doc.replace` where given,
 * with `doc.add`'s paragraphs after it. Without a doc comment there, nothing changes.
 */
function rewriteDocComment(out: string[], doc: StubDoc): void {
  let end = out.length - 1;
  while (end >= 0 && !out[end]!.trimEnd().endsWith('*/')) {
    if (out[end]!.trim() === '') return;
    end--;
  }
  if (end < 0) return;
  let start = end;
  while (start > 0 && !out[start]!.trimStart().startsWith('/**')) start--;
  const indent = /^(\s*)/.exec(out[start]!)![1]!;
  const kept = out
    .slice(start, end + 1)
    .join('\n')
    .replace(/^\s*\/\*\*\s?/, '')
    .replace(/\s*\*\/\s*$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''));
  const paragraphs = [...(doc.replace ?? [kept.join('\n')]), ...(doc.add ?? [])];
  const lines = paragraphs.flatMap((p, i) => [
    ...(i ? [''] : []),
    ...p.split('\n').flatMap((l) => (doc.replace || i > 0 ? wrap(l, 110 - indent.length) : [l])),
  ]);
  out.splice(
    start,
    end - start + 1,
    `${indent}/**`,
    ...lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`),
    `${indent} */`,
  );
}

/** Characters that take two columns (CJK), which may end a line anywhere, unlike a word. */
const WIDE = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;
/** Punctuation that never starts a line. */
const CLOSING = /^[，。、；：！？）》」』,.;:!?)]/;

/** Lines of at most `width` columns: words stay whole, Chinese breaks between characters. */
export function wrap(text: string, width: number): string[] {
  const tokens =
    text.match(
      /\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef][，。、；：！？）》」』]*|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+/g,
    ) ?? [];
  const columns = (s: string): number => [...s].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);
  const lines: string[] = [''];
  for (const token of tokens) {
    const last = lines.length - 1;
    if (/^\s+$/.test(token)) {
      if (lines[last]) lines[last] += ' ';
    } else if (!lines[last]!.trim() || CLOSING.test(token) || columns(lines[last]!) + columns(token) <= width) {
      lines[last] += token;
    } else {
      lines[last] = lines[last]!.trimEnd();
      lines.push(token);
    }
  }
  return lines.map((l) => l.trimEnd());
}
