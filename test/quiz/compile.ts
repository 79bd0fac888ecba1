/** Type errors with the project's compiler options, for tests that prove signatures by the type checker. */
import * as path from 'path';
import type * as TS from 'typescript';

/**
 * The errors that `files` (and what they import) give under `root`'s tsconfig.json, with `overlay` standing in
 * for some files' text.
 */
export function typeErrors(root: string, files: string[], overlay = new Map<string, string>()): string[] {
  const ts = require('typescript') as typeof TS;
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile).config as object;
  // no global type packages: the files checked here use none, and loading them triples the time
  const options = { ...ts.parseJsonConfigFileContent(config, ts.sys, root).options, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, readFile } = host;
  host.getSourceFile = (file, version, ...rest) => {
    const text = overlay.get(path.resolve(file));
    return text === undefined ? getSourceFile(file, version, ...rest) : ts.createSourceFile(file, text, version);
  };
  host.readFile = (file) => overlay.get(path.resolve(file)) ?? readFile(file);
  const program = ts.createProgram(files, options, host);
  return files.flatMap((file) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
      const where = path.relative(root, d.file?.fileName ?? file);
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')} (TS${d.code})`;
    }),
  );
}
