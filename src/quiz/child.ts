/**
 * The harness inside a sandbox (sandbox.ts starts it). It loads one compiled submission file and calls its
 * exports on the arguments it is sent; it never sees expected values.
 *
 * Threat model. Submission code runs in this process and can do whatever JavaScript and the APIs Node leaves
 * it can: patch built-ins, write on any open file descriptor, hook stack traces, hang, exit. So:
 * - The grader believes a line only if it starts with the token: a secret the grader writes on stdin, read
 *   here before any submission code loads and kept in this module's closure. Only `reply` uses it, through
 *   functions captured before submission code runs, on objects without a prototype (no toJSON, no setter can
 *   see the line). This file is strict code, so a stack-trace hook gets no function or `this` of its frames,
 *   and the APIs that read the heap (v8's snapshots, queryObjects and flags) are removed before the
 *   submission loads; the permission model keeps the inspector off, SIGUSR1 included. Nothing else here
 *   holds the token or `reply`: no listener, global or export.
 * - The grader never trusts a line beyond its shape: a bad or unexpected one ends the sandbox as this
 *   submission's failure, and a result only counts if it compares equal to an expected value that is never
 *   in this process.
 * - Leaked tensors, changed arguments and changes at load are measured here with captured functions and an own
 *   walk of the arguments (no toJSON, no getter). Code that edits tfjs's own counters can hide its own leak: it
 *   wins nothing the function did not compute, and costs no one else.
 * - What a question does not allow is absent from the staged library and packages; nothing here guards it.
 * - Time, memory, the file system, processes and the network are the sandbox's limits, not this file's.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CallRequest, ChildConfig } from './protocol';
import { TamperWatch } from './tamper';
import { fromWire, toWire } from './wire';

// Captured before any submission code runs.
const { readSync, writeSync } = fs;
const { apply, ownKeys } = Reflect;
const { create, getOwnPropertyDescriptor, getPrototypeOf, hasOwn, is } = Object;
const stringify = JSON.stringify;
const parse = JSON.parse;
const text = String;
const { setInterval, clearInterval } = globalThis;
const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const ARRAY = Array.prototype;
const OBJECT = Object.prototype;

const COMMANDS = 0; // stdin
const REPLIES = 3;
const config = parse(process.argv[2]!) as ChildConfig;

let pending = '';
const chunk = Buffer.alloc(1 << 16);
/** The next line the grader sent, or undefined when it closed the pipe. */
function readLine(): string | undefined {
  for (;;) {
    const newline = pending.indexOf('\n');
    if (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      return line;
    }
    let n: number;
    try {
      n = readSync(COMMANDS, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') return undefined;
      sleep(2);
      continue;
    }
    if (n === 0) return undefined;
    pending += chunk.toString('utf8', 0, n);
  }
}

const token = readLine() ?? '';
chunk.fill(0);

/** The only writer of the token. `body` holds primitives and prototype-free objects only. */
function reply(body: object): void {
  const line = token + ' ' + stringify(body) + '\n';
  for (;;) {
    try {
      writeSync(REPLIES, line);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') process.exit(70);
      sleep(2);
    }
  }
}

/** A prototype-free copy of plain fields, for `reply`. */
function record(fields: Record<string, unknown>): object {
  const out = create(null) as Record<string, unknown>;
  const keys = ownKeys(fields);
  for (let i = 0; i < keys.length; i++) out[keys[i] as string] = fields[keys[i] as string];
  return out;
}

// The APIs that could read the token out of the heap go before any submission code can call them.
const v8 = require('v8') as Record<string, unknown>;
for (const name of ['getHeapSnapshot', 'writeHeapSnapshot', 'setHeapSnapshotNearHeapLimit', 'queryObjects'])
  delete v8[name];
delete v8.setFlagsFromString; // --allow-natives-syntax and the like
// Nothing of the grader's environment (the shell adds PWD).
for (const key of Object.keys(process.env)) if (key !== 'SystemRoot') delete process.env[key];
// A question with rules runs without the platform's float16 conversions (Node 20 has none; later ones do).
if (!config.float16) {
  delete (globalThis as Record<string, unknown>).Float16Array;
  delete (Math as unknown as Record<string, unknown>).f16round;
  delete (DataView.prototype as unknown as Record<string, unknown>).getFloat16;
  delete (DataView.prototype as unknown as Record<string, unknown>).setFloat16;
}

const inside = (file: string | undefined, dir: string): boolean =>
  !!file && (file === dir || file.startsWith(dir + path.sep));
const readable = [config.submission, config.library, config.nodeModules];
const LIBRARY_REQUEST = /(?:^|[\\/])src[\\/](mp(?:[\\/].*)?|quiz[\\/]errors)$/;

const Module = require('module') as {
  _resolveFilename(request: string, parent: unknown, isMain?: boolean, options?: unknown): string;
  _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
  isBuiltin(request: string): boolean;
};
const resolve = Module._resolveFilename;
const load = Module._load;
const packages = { id: '<grader>', filename: null, paths: [config.nodeModules] };

function denied(resource: string): Error {
  return Object.assign(new Error('Access to this API has been restricted'), {
    code: 'ERR_ACCESS_DENIED',
    permission: 'FileSystemRead',
    resource,
  });
}

// Submissions import the library as exercises do ('../../src/mp', '../../src/quiz/errors'): wherever the file
// lies, those resolve to the profile's staged copy, and packages to the profile's node_modules. A path outside
// what the sandbox holds is refused before Node looks for it.
Module._resolveFilename = function (request, parent, isMain, options) {
  const lib = LIBRARY_REQUEST.exec(request);
  if (lib) return resolve.call(this, path.join(config.library, lib[1]!), parent, isMain, options);
  if (Module.isBuiltin(request)) return resolve.call(this, request, parent, isMain, options);
  const from = (parent as { filename?: string } | undefined)?.filename ?? undefined;
  if (!request.startsWith('.') && !path.isAbsolute(request)) {
    const ours = !from || inside(from, config.submission) || inside(from, config.library);
    return ours ? resolve.call(this, request, packages, false) : resolve.call(this, request, parent, isMain, options);
  }
  const target = path.resolve(from ? path.dirname(from) : process.cwd(), request);
  if (!readable.some((r) => inside(target, r)) && inside(from, config.submission)) throw denied(target);
  return resolve.call(this, request, parent, isMain, options);
};

const tamper = new TamperWatch();
const INDEX = path.join(config.library, 'mp', 'index.js');
Module._load = function (request, parent, isMain) {
  const real = load.call(this, request, parent, isMain);
  if (Module.isBuiltin(request)) return real;
  const file = Module._resolveFilename(request, parent, isMain);
  // the index's exports are getters that load modules: watching it would load the whole library
  if (inside(file, path.join(config.library, 'mp')) && file !== INDEX)
    tamper.watchLibrary(real as Record<string, unknown>);
  return real;
};

/** Where in the submission's own files an error was thrown ('lesson1/index.ts:12'), from its stack. */
function thrownAt(stack: string): string | undefined {
  const prefix = config.submission + path.sep;
  for (const line of stack.split('\n')) {
    const at = line.indexOf(prefix);
    if (at < 0) continue;
    const match = /^([^:()\s]+\.ts):(\d+)/.exec(line.slice(at + prefix.length));
    if (match) return `${match[1]!.split(path.sep).join('/')}:${match[2]}`;
  }
  return undefined;
}

/** An error's fields as plain strings; reading them runs submission code (getters), so each is guarded. */
function failure(e: unknown): object {
  const field = (key: string): string | undefined => {
    try {
      const v = (e as Record<string, unknown> | null | undefined)?.[key];
      return v === undefined || v === null ? undefined : text(v).slice(0, 4000);
    } catch {
      return undefined;
    }
  };
  let stack = field('stack');
  const fields: Record<string, unknown> = {
    name: field('name') ?? 'Error',
    message: field('message') ?? (typeof e === 'object' ? '' : text(e).slice(0, 4000)),
  };
  for (const key of ['code', 'permission', 'resource', 'absent']) {
    const v = field(key);
    if (v !== undefined) fields[key] = v;
  }
  const at = stack ? thrownAt(stack) : undefined;
  if (at) fields.at = at;
  stack = undefined;
  return record(fields);
}

/** The arguments' contents, read without toJSON or getters: a changed element, property or prototype shows. */
function fingerprint(v: unknown, depth = 0): string {
  if (depth > 64) return '…';
  if (typeof v === 'number') return is(v, -0) ? '-0' : text(v);
  if (typeof v !== 'object' || v === null) return `${typeof v}:${text(v)}`;
  const proto = getPrototypeOf(v);
  let out = proto === ARRAY ? '[' : proto === OBJECT ? '{' : '?';
  const keys = ownKeys(v);
  for (let i = 0; i < keys.length; i++) {
    const d = getOwnPropertyDescriptor(v, keys[i]!)!;
    out += `${text(keys[i])}=${hasOwn(d, 'value') ? fingerprint(d.value, depth + 1) : 'accessor'},`;
  }
  return out + ']';
}

type Engine = { memory(): { numTensors: number } };
let engine: { self: Engine; memory: Engine['memory'] } | undefined;
/** Live tensors, once the code has loaded tfjs (its engine sits on the global object). */
function tensors(): number {
  try {
    if (!engine) {
      const self = (globalThis as { _tfengine?: Engine })._tfengine;
      if (!self) return 0;
      engine = { self, memory: self.memory };
    }
    const n = (apply(engine.memory, engine.self, []) as { numTensors: unknown }).numTensors;
    return typeof n === 'number' ? n : 0;
  } catch {
    return 0;
  }
}

let exportsOf: Record<string, unknown> = {};

async function call(req: CallRequest): Promise<void> {
  const index = req.index;
  let fn: unknown;
  try {
    fn = exportsOf[req.export];
  } catch (e) {
    return reply(record({ type: 'result', index, error: failure(e) }));
  }
  if (typeof fn !== 'function') {
    const error = record({ name: 'MissingExport', message: `the file has no exported function ${req.export}` });
    return reply(record({ type: 'result', index, error }));
  }
  const args = fromWire(req.args) as unknown[];
  const before = fingerprint(args);
  const live = tensors();
  let value: unknown;
  // the process stays up while the call is pending: a promise that never settles is a timeout, not an exit
  const alive = setInterval(() => undefined, 1 << 30);
  try {
    value = await apply(fn as (...a: unknown[]) => unknown, undefined, args);
  } catch (e) {
    return reply(record({ type: 'result', index, error: failure(e) }));
  } finally {
    clearInterval(alive);
  }
  let after: string;
  try {
    after = fingerprint(args);
  } catch {
    after = '';
  }
  const measured = { leaked: tensors() - live, mutated: after !== before, valueType: typeof value };
  let wire: string;
  try {
    wire = typeof value === 'function' || value === undefined ? 'null' : toWire(value);
  } catch (e) {
    const error = failure(e);
    (error as Record<string, unknown>).name = 'UnsendableValue';
    return reply(record({ type: 'result', index, error }));
  }
  if (typeof wire !== 'string') wire = 'null'; // a symbol, or a toJSON that returns undefined
  reply(record({ type: 'result', index, value: wire, ...measured }));
}

async function main(): Promise<void> {
  try {
    exportsOf = require(path.join(config.submission, config.file)) as Record<string, unknown>;
  } catch (e) {
    return reply(record({ type: 'loadFailed', error: failure(e) }));
  }
  const changed = tamper.changed();
  if (changed) {
    const message = `it changed ${changed} while loading, which grading does not allow`;
    return reply(record({ type: 'loadFailed', error: record({ name: 'Tampering', message }) }));
  }
  tensors();
  reply(record({ type: 'loaded' }));
  for (let line = readLine(); line !== undefined; line = readLine()) await call(parse(line) as CallRequest);
  process.exit(0);
}

void main();
