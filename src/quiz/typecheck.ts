/**
 * Type errors in a submission, reported as warnings. Grading runs code as it is (esbuild drops the types), so
 * a type error costs no points by itself, but it often points at the bug a case then shows. The files are
 * checked as if they stood in this course's exercises/ folder, with the course's compiler options, so that
 * their imports of the library resolve wherever the submission lies.
 */
import * as path from 'path';
import { typescript } from './tools';

const ROOT = path.join(__dirname, '../..');

/** Files outside the submission, parsed once per process. */
const parsed = new Map<string, import('typescript').SourceFile>();

/** "declared but never read": unfinished work, not a mistake. */
const UNUSED = new Set([6133, 6192, 6196, 6198]);

/**
 * One line per type error in the submission's TypeScript files (by path relative to it), with file and line.
 *
 *     typeWarnings(readSubmission('exercises'))
 *     // ['lesson1/index.ts:12:3 Type 'string' is not assignable to type 'number'. (TS2322)']
 */
export function typeWarnings(files: ReadonlyMap<string, string>): string[] {
  const ts = typescript();
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile).config as object;
  // no global type packages (node, mocha): exercises use none, and loading them triples the time
  const options = { ...ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options, noEmit: true, types: [] };
  const virtual = new Map(
    [...files].filter(([rel]) => rel.endsWith('.ts')).map(([rel, text]) => [path.join(ROOT, 'exercises', rel), text]),
  );
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (file, version, ...rest) => {
    const text = virtual.get(path.resolve(file));
    if (text !== undefined) return ts.createSourceFile(file, text, version);
    // the library and TypeScript's own declarations, parsed once per process
    const known = parsed.get(file) ?? getSourceFile(file, version, ...rest);
    if (known) parsed.set(file, known);
    return known;
  };
  host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists(file);
  host.readFile = (file) => virtual.get(path.resolve(file)) ?? readFile(file);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return [...virtual.keys()].flatMap((file) => {
    const source = program.getSourceFile(file);
    if (!source) return [];
    const rel = path.relative(path.join(ROOT, 'exercises'), file).split(path.sep).join('/');
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
      .filter((d) => !UNUSED.has(d.code))
      .map((d) => {
        const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
        return `${rel}:${line + 1}:${character + 1} ${message} (TS${d.code})`;
      });
  });
}
