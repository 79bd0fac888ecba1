/**
 * Student stubs from reference solutions: each block between `// BEGIN SOLUTION <id>` and `// END SOLUTION`
 * becomes `throw new NotImplementedError('<id>')`, and imports used only by solution code (marked with
 * `// SOLUTION ONLY` at the end of the import line) are dropped. Doc comments stay on their functions.
 * The import of NotImplementedError carries a doc comment that links to it, which TypeScript counts as a use:
 * once a student has replaced every throw, the import is not "declared but never read" (noUnusedLocals).
 */
import { GradingError } from './errors';

const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION\s+(\S+)\s*$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;
const STUB_NOTE =
  '/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */';

/**
 * `notes`: a sentence per question id, added to the doc comment of the function that holds that question's
 * solution block (what the question may use, say).
 */
export function generateStub(
  source: string,
  notImplementedImport: string,
  notes: ReadonlyMap<string, string> = new Map(),
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
      const note = notes.get(open.id);
      if (note) addToDocComment(out, note);
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

/** Adds a paragraph to the doc comment right above the signature that ends `out`; none there, nothing added. */
function addToDocComment(out: string[], note: string): void {
  let end = out.length - 1;
  while (end >= 0 && !out[end]!.trimEnd().endsWith('*/')) {
    if (out[end]!.trim() === '') return;
    end--;
  }
  if (end < 0) return;
  const oneLine = /^(\s*)\/\*\*\s*(.*?)\s*\*\/\s*$/.exec(out[end]!);
  const indent = oneLine ? oneLine[1]! : (/^(\s*?) ?\*\//.exec(out[end]!)?.[1] ?? '');
  const paragraph = wrap(note, 110 - indent.length).map((l) => `${indent} * ${l}`);
  if (oneLine)
    out.splice(end, 1, `${indent}/**`, `${indent} * ${oneLine[2]}`, `${indent} *`, ...paragraph, `${indent} */`);
  else out.splice(end, 0, `${indent} *`, ...paragraph);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}
