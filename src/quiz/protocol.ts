/**
 * The messages between the grader (runner.ts, through sandbox.ts) and the harness in a sandbox (child.ts):
 * one JSON object per line. Expected values have no field here. What comes from a sandbox is read by
 * `readReply`, which accepts only these shapes and sizes and never throws.
 */
import { readWire } from './wire';

/** How the harness starts (argv[2], as JSON): where things lie inside the sandbox. Nothing in it is secret. */
export interface ChildConfig {
  /** The staged submission, and the compiled file to load from it ('lesson1/index.js'). */
  readonly submission: string;
  readonly file: string;
  /** The profile's folder holding mp/ and quiz/errors.js. */
  readonly library: string;
  /** The profile's node_modules. */
  readonly nodeModules: string;
  /** Whether the platform's float16 conversions stay. */
  readonly float16: boolean;
}

/** The grader's messages, after the first line (the channel's token): one call each. */
export interface CallRequest {
  readonly type: 'call';
  readonly index: number;
  readonly export: string;
  /** The arguments, in the wire format. */
  readonly args: string;
}

/** An error from the sandbox, each field as the submission's process reported it. */
export interface Failure {
  readonly name: string;
  readonly message: string;
  /** The permission model's fields when it denied an access. */
  readonly code?: string;
  readonly permission?: string;
  readonly resource?: string;
  /** What the code used that its question does not allow (a stub's NotAvailableError). */
  readonly absent?: string;
  /** Where it was thrown: 'lesson1/index.ts:12', in the submission's own file. */
  readonly at?: string;
}

export type Reply =
  | { readonly type: 'loaded' }
  | { readonly type: 'loadFailed'; readonly error: Failure }
  | {
      readonly type: 'result';
      readonly index: number;
      readonly value: unknown;
      readonly valueType: string;
      readonly leaked: number;
      readonly mutated: boolean;
    }
  | { readonly type: 'result'; readonly index: number; readonly error: Failure };

/** A line may hold a result this long; a longer line ends the sandbox. */
export const MAX_LINE = 1 << 20;
/** Longest text kept from any field of a failure. */
const MAX_FIELD = 2000;

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, max = MAX_FIELD): string | undefined =>
  typeof v === 'string' ? (v.length > max ? `${v.slice(0, max)}…` : v) : undefined;

function failure(v: unknown): Failure | undefined {
  if (!isFields(v)) return undefined;
  const name = text(v.name, 200);
  const message = text(v.message);
  if (name === undefined || message === undefined) return undefined;
  const optional = (key: string): Fields => {
    const t = text(v[key], 500);
    return t === undefined ? {} : { [key]: t };
  };
  return {
    name,
    message,
    ...optional('code'),
    ...optional('permission'),
    ...optional('resource'),
    ...optional('absent'),
    ...optional('at'),
  };
}

/**
 * The reply in one line's JSON, or why it is not one ('a line that is not JSON', …): only the four shapes
 * above, with fields of the right types and sizes, count.
 */
export function readReply(json: string): Reply | { problem: string } {
  let m: unknown;
  try {
    m = JSON.parse(json);
  } catch {
    return { problem: 'a line that is not JSON' };
  }
  if (!isFields(m)) return { problem: 'a message that is not an object' };
  if (m.type === 'loaded') return { type: 'loaded' };
  if (m.type === 'loadFailed') {
    const error = failure(m.error);
    return error ? { type: 'loadFailed', error } : { problem: 'a load failure without an error' };
  }
  if (m.type !== 'result') return { problem: 'a message of an unknown type' };
  const index = m.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0)
    return { problem: 'a result without an index' };
  if (m.error !== undefined) {
    const error = failure(m.error);
    return error ? { type: 'result', index, error } : { problem: 'a result with a malformed error' };
  }
  const { valueType, leaked, mutated } = m;
  if (typeof valueType !== 'string' || valueType.length > 20) return { problem: 'a result without a value type' };
  if (typeof leaked !== 'number' || !Number.isFinite(leaked)) return { problem: 'a result without a tensor count' };
  if (typeof mutated !== 'boolean') return { problem: 'a result without the mutation check' };
  const value = readWire(m.value, MAX_LINE);
  if ('problem' in value) return { problem: `a result with ${value.problem}` };
  return { type: 'result', index, value: value.value, valueType, leaked, mutated };
}
