/**
 * The sandboxed side of the grader: a plain Node process that runner.ts starts under the permission model.
 * It loads one compiled submission file from the staged copy and calls its exports on the arguments it is
 * sent; it never sees expected values. Each reply carries the result or the error, the tensors the call
 * leaked, whether it changed its arguments, and what the tripwire caught.
 */
import * as path from 'path';
import type { ChildConfig, Failure, FromChild, ToChild } from './protocol';
import { TamperWatch } from './tamper';
import { arm, guardModule, tripped } from './tripwire';
import { fromWire, toWire } from './wire';

const config = JSON.parse(process.argv[2]!) as ChildConfig;
// Nothing of the grader's environment (the shell adds PWD); Windows needs SystemRoot.
for (const key of Object.keys(process.env)) if (key !== 'SystemRoot') delete process.env[key];
const send = process.send!.bind(process) as (msg: FromChild) => void;
const LIBRARY = path.join(config.library, 'mp');
const inLibrary = (file: string | undefined): boolean => !!file && file.startsWith(LIBRARY + path.sep);
const readable = (file: string): boolean => config.readable.some((r) => file === r || file.startsWith(r + path.sep));

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

// Submissions import the library as exercises do ('../../src/mp', '../../src/quiz/errors'): wherever the
// submission lies, those resolve to the staged copies, and packages to the grader's node_modules. A
// relative or absolute path outside what the child may read is denied before Node looks for it.
Module._resolveFilename = function (request, parent, isMain, options) {
  const lib = /(?:^|[\\/])src[\\/](mp(?:[\\/].*)?|quiz[\\/]errors)$/.exec(request);
  if (lib) return resolve.call(this, path.join(config.library, lib[1]!), parent, isMain, options);
  if (Module.isBuiltin(request)) return resolve.call(this, request, parent, isMain, options);
  if (!request.startsWith('.') && !path.isAbsolute(request)) return resolve.call(this, request, packages, false);
  const from = (parent as { filename?: string } | undefined)?.filename;
  const target = path.resolve(from ? path.dirname(from) : process.cwd(), request);
  if (!readable(target)) throw denied(target);
  return resolve.call(this, request, parent, isMain, options);
};

let guard: ReadonlySet<string> = new Set();
const tamper = new TamperWatch();
Module._load = function (request, parent, isMain) {
  const real = load.call(this, request, parent, isMain);
  if (inLibrary(parent?.filename) || Module.isBuiltin(request)) return real;
  if (!inLibrary(Module._resolveFilename(request, parent, isMain))) return real;
  tamper.watchLibrary(real as Record<string, unknown>);
  return guard.size ? guardModule(real as Record<string, unknown>, guard) : real;
};

function failure(e: unknown): Failure {
  const err = e as Partial<Failure> | undefined;
  const { code, permission, resource } = err ?? {};
  return {
    name: String(err?.name ?? 'Error'),
    message: String(err?.message ?? e),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof permission === 'string' ? { permission } : {}),
    ...(typeof resource === 'string' ? { resource } : {}),
  };
}

type Engine = { memory(): { numTensors: number } };
/** Live tensors, if the code loaded tfjs (its engine sits on the global object). */
const tensors = (): number => (globalThis as { _tfengine?: Engine })._tfengine?.memory().numTensors ?? 0;

let exportsOf: Record<string, unknown> = {};

async function call(req: Extract<ToChild, { type: 'call' }>): Promise<void> {
  const fn = exportsOf[req.export];
  if (typeof fn !== 'function') {
    const message = `the file has no exported function ${req.export}`;
    return send({ type: 'result', index: req.index, error: { name: 'MissingExport', message }, tripped: [] });
  }
  const args = fromWire(req.args) as unknown[];
  const before = toWire(args);
  const live = tensors();
  const disarm = arm(req.forbid);
  try {
    const value = await (fn as (...a: unknown[]) => unknown)(...args);
    disarm();
    const reply = { leaked: tensors() - live, mutated: toWire(args) !== before, valueType: typeof value };
    send({ type: 'result', index: req.index, value: toWire(value), ...reply, tripped: [...tripped] });
  } catch (e) {
    disarm();
    send({ type: 'result', index: req.index, error: failure(e), tripped: [...tripped] });
  }
}

process.on('message', (req: ToChild) => {
  if (req.type === 'call') {
    void call(req);
    return;
  }
  guard = new Set(req.guard);
  try {
    exportsOf = require(req.file) as Record<string, unknown>;
    const changed = tamper.changed();
    if (!changed) return send({ type: 'loaded' });
    const message = `it changed ${changed} while loading, which grading does not allow`;
    send({ type: 'loadFailed', error: { name: 'Tampering', message } });
  } catch (e) {
    send({ type: 'loadFailed', error: failure(e) });
  }
});
send({ type: 'ready' });
