/** Messages between the grader (runner.ts) and its sandboxed child (child.ts). Expected values have no field here. */

/** How the child starts: where the staged library lies and what it may load (argv[2], as JSON). */
export interface ChildConfig {
  /** The staged library's folder: LIBRARY/mp/…, LIBRARY/quiz/errors.js. */
  readonly library: string;
  readonly nodeModules: string;
  /** Folders and files the child may load modules from; a require of anything else is denied. */
  readonly readable: readonly string[];
}

export type ToChild =
  /** Load one submission file; `guard`: library exports that some question of the file forbids. */
  | { readonly type: 'load'; readonly file: string; readonly guard: readonly string[] }
  /** Call one export; `forbid`: the library exports and platform features this question forbids. */
  | {
      readonly type: 'call';
      readonly index: number;
      readonly export: string;
      readonly args: string;
      readonly forbid: readonly string[];
    };

/** An error, with the permission model's fields when it denied an access. */
export interface Failure {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly permission?: string;
  readonly resource?: string;
}

export type FromChild =
  | { readonly type: 'ready' }
  | { readonly type: 'loaded' }
  | { readonly type: 'loadFailed'; readonly error: Failure }
  | {
      readonly type: 'result';
      readonly index: number;
      readonly value?: string;
      readonly valueType?: string;
      readonly leaked?: number;
      readonly mutated?: boolean;
      readonly error?: Failure;
      /** Forbidden library exports and platform features the call reached. */
      readonly tripped: readonly string[];
    };
