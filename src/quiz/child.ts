/**
 * The isolated side of the grader: a child process that loads one submission file and runs one function on
 * the arguments it is sent. It never sees expected values. It reports the result, or the error, plus any
 * tensors the call leaked and whether it changed its arguments.
 */
import * as path from 'path';
import { decode, encode } from './wire';

interface Request {
  readonly file: string;
  readonly export: string;
  readonly index: number;
  readonly args: string;
}

// Submissions import the library as exercises do ('../../src/mp', '../../src/quiz/errors'). Wherever the
// submission folder lies, those imports (and packages) resolve to this repository's copies.
const REPO_MODULES: Record<string, string> = {
  mp: path.join(__dirname, '../mp'),
  'quiz/errors': path.join(__dirname, 'errors'),
};
const Module = require('module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = Module._resolveFilename;
Module._resolveFilename = (request: string, ...rest: unknown[]): string => {
  const m = /(?:^|\/)src\/(mp|quiz\/errors)$/.exec(request);
  try {
    return resolve(m ? REPO_MODULES[m[1]!]! : request, ...rest);
  } catch (e) {
    // packages (e.g. @tensorflow/tfjs) come from this repository's node_modules
    if (request.startsWith('.') || path.isAbsolute(request)) throw e;
    return require.resolve(request, { paths: [path.join(__dirname, '../..')] });
  }
};

type TfLike = { memory(): { numTensors: number } };
let tf: TfLike | undefined;
try {
  tf = require('@tensorflow/tfjs') as TfLike;
} catch {
  tf = undefined;
}

async function run(req: Request): Promise<void> {
  const send = (msg: object): void => {
    process.send!(msg);
  };
  try {
    const mod = require(path.resolve(req.file)) as Record<string, unknown>;
    const fn = mod[req.export];
    if (typeof fn !== 'function') {
      send({
        index: req.index,
        error: { name: 'MissingExport', message: `${req.file} has no exported function ${req.export}` },
      });
      return;
    }
    const args = decode(req.args) as unknown[];
    const before = encode(args);
    const tensors = tf?.memory().numTensors ?? 0;
    const value = await (fn as (...a: unknown[]) => unknown)(...args);
    const leaked = (tf?.memory().numTensors ?? 0) - tensors;
    send({ index: req.index, value: encode(value), leaked, mutated: encode(args) !== before, type: typeof value });
  } catch (e) {
    const err = e as Error;
    send({ index: req.index, error: { name: err?.name ?? 'Error', message: String(err?.message ?? e) } });
  }
}

process.on('message', (req: Request) => {
  void run(req);
});
process.send!({ ready: true });
