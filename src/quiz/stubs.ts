/**
 * Student stubs from reference solutions: each block between `// BEGIN SOLUTION <id>` and `// END SOLUTION`
 * becomes `throw new NotImplementedError('<id>')`, and imports used only by solution code (marked with
 * `// SOLUTION ONLY` at the end of the import line) are dropped.
 */
import { GradingError } from './errors';

const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION\s+(\S+)\s*$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;

export function generateStub(source: string, notImplementedImport: string): string {
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
      needsImport = true;
    } else if (END.test(line)) {
      throw new GradingError(`line ${i + 1}: END SOLUTION without BEGIN SOLUTION`);
    } else if (!line.trimEnd().endsWith('// SOLUTION ONLY')) {
      out.push(line);
    }
  });
  if (open) throw new GradingError(`BEGIN SOLUTION on line ${open.line} is never closed`);
  if (!needsImport) return out.join('\n');
  // after the leading doc comment, before the rest
  const firstCode = out.findIndex((l) => !l.startsWith('/**') && !l.startsWith(' *') && l.trim() !== '');
  out.splice(firstCode, 0, `import { NotImplementedError } from '${notImplementedImport}';`, '');
  return out.join('\n');
}
