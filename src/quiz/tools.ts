/**
 * The compilers grading uses, loaded on first use (a notebook that never calls check() does not pay for
 * them): esbuild, which compiles submissions exactly as tsx runs them, and the TypeScript compiler API, with
 * which the stage reads the library's index and typecheck.ts finds a submission's type errors. (Not named
 * after the packages: in a tslab kernel, require('esbuild') from this folder would load a module of ours by
 * that name.)
 */
import type * as Esbuild from 'esbuild';
import type * as TS from 'typescript';

let esbuildModule: typeof Esbuild | undefined;
let typescriptModule: typeof TS | undefined;

export function esbuild(): typeof Esbuild {
  esbuildModule ??= require('esbuild') as typeof Esbuild;
  return esbuildModule;
}

export function typescript(): typeof TS {
  typescriptModule ??= require('typescript') as typeof TS;
  return typescriptModule;
}
