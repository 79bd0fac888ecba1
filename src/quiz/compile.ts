/**
 * Compiles one submission's TypeScript, in a process of its own (stage.ts starts it): esbuild's service dies
 * on some inputs (a few hundred thousand nested parentheses overflow its parser's stack), and in the grader
 * that would take every later submission's compilation with it. Reads {path: source} as JSON on stdin and
 * writes {path: {code} | {error}} on stdout; after a failure that is not the source's own syntax error it
 * stops, and the files it did not reach are compiled in a new process. Compiling (with esbuild, as tsx does)
 * lets the sandbox run plain Node, without a loader.
 */
import * as path from 'path';
import { esbuild } from './tools';

export type Compiled = Record<string, { readonly code: string } | { readonly error: string }>;

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => (input += d));
process.stdin.on('end', () => {
  const sources = JSON.parse(input) as Record<string, string>;
  const out: Compiled = {};
  for (const [rel, text] of Object.entries(sources)) {
    try {
      const { code } = esbuild().transformSync(text, {
        loader: 'ts',
        format: 'cjs',
        target: 'node20',
        sourcemap: 'inline', // stack traces name the line of the student's own .ts file
        sourcefile: path.posix.basename(rel),
        logLevel: 'silent',
      });
      out[rel] = { code };
    } catch (e) {
      const first = (e as { errors?: { text: string; location?: { line: number } }[] }).errors?.[0];
      if (first) out[rel] = { error: `line ${first.location?.line ?? '?'}: ${first.text}` };
      else {
        out[rel] = { error: `the compiler stopped (${e instanceof Error ? e.message : String(e)})` };
        break; // the service is gone: the files after this one go to a new process
      }
    }
  }
  process.stdout.write(JSON.stringify(out));
});
