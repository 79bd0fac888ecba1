/**
 * Finished MNIST runs kept on disk (`.cache/runs/` in the course folder, git-ignored), so that a baseline one
 * lesson trains is reused by the next instead of trained again; cacheEntry, readEntry and writeEntry keep other
 * trained results the same way (lesson 4's block, in `.cache/blocks/`). An entry is keyed by everything that decides
 * the run's numbers: its options (policy, recipe, subset, loss scaling, how often the loss is read), the
 * backend, tfjs's version and a digest of the library's sources (src/mp, src/course), so an edit to the
 * library starts a new entry. It holds the result, the trained weights and the progress reports, so a cached
 * run returns what the fresh run returned, bit for bit, and replays its progress to `onProgress`.
 *
 *     const run = await trainMnist({ policy: 'float32', epochs: 2, trainLimit: 10_000, cache: true });
 *     describeCache(run);   // 'From the run cache: trained on 2026-12-07 by an earlier lesson on this machine …'
 */
import * as tf from '@tensorflow/tfjs';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { OptionError } from '../../mp/errors';
import { buildMlp, seedRecipe } from './seed_mlp';
import type { Progress } from './epochs';
import type { TrainOptions, TrainResult } from './train_options';

const COURSE_NAME = 'mixed-precision-course';
/** The cache's format: an entry of another format is trained again. */
export const FORMAT = 1;

interface Entry {
  readonly format: typeof FORMAT;
  readonly trainedAt: string;
  readonly key: Record<string, unknown>;
  readonly result: Omit<TrainResult, 'model' | 'cache'>;
  readonly weights: { readonly shape: number[]; readonly float32: string }[];
  readonly progress: Progress[];
}

/** The course folder: the nearest folder at or above the working directory whose package.json is the course's. */
function courseRoot(): string | null {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === COURSE_NAME) return dir;
    } catch {
      // no package.json here: look further up
    }
    if (path.dirname(dir) === dir) return null;
  }
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** A digest of the library's sources, so that an entry never outlives the code that trained it. */
function librarySources(root: string): string {
  const hash = crypto.createHash('sha256');
  for (const folder of ['src/mp', 'src/course']) {
    for (const file of filesUnder(path.join(root, folder)).sort()) {
      hash.update(path.relative(root, file).split(path.sep).join('/')).update('\0').update(fs.readFileSync(file));
    }
  }
  return hash.digest('hex');
}

/** JSON that keeps NaN and ±Infinity (a run without validation reports NaN), so a result round-trips exactly. */
const toJson = (x: unknown): string =>
  JSON.stringify(x, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
const fromJson = (s: string): unknown =>
  JSON.parse(s, (_, v) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v));

function keyOf(options: TrainOptions): Record<string, unknown> {
  if (typeof options.lossScale === 'object') {
    throw new OptionError(
      'cache keys a run by its options, and a LossScaler object has no key: pass lossScale as ' +
        "'dynamic', 'none' or a number, or leave cache off.",
      'lossScale',
      options.lossScale,
    );
  }
  const policy = options.policy ?? 'float32';
  return {
    run: 'trainMnist',
    policy: typeof policy === 'string' ? policy : policy.name,
    recipe: seedRecipe(options),
    trainLimit: options.trainLimit ?? null,
    lossScale: options.lossScale ?? 'default',
    lossMultiplier: options.lossMultiplier ?? 1,
    optimizer: options.optimizer ?? 'adam',
    epsilon: options.epsilon ?? null,
    weightUpdate: options.weightUpdate ?? 'nearest',
    progressEvery: options.progressEvery ?? null,
  };
}

/**
 * The file of the course's cache folder `.cache/<kind>/` (or `dir`) for a result keyed by `key`, and the whole
 * key: `key` plus what decides every result, the backend, tfjs's version and the library's sources. `what`
 * names the option that asked for the cache, for the error outside a course folder.
 */
export function cacheEntry(
  kind: string,
  key: Record<string, unknown>,
  what: { readonly name: string; readonly value: unknown },
  dir?: string,
): { file: string; key: Record<string, unknown> } {
  const root = courseRoot();
  if (!root) {
    throw new OptionError(
      `${what.name} needs the course folder (a package.json named ${COURSE_NAME} at or above ${process.cwd()}), ` +
        'whose sources key its entries.',
      what.name,
      what.value,
    );
  }
  const whole = { ...key, backend: tf.getBackend(), tfjs: tf.version.tfjs, library: librarySources(root) };
  const name = crypto.createHash('sha256').update(toJson(whole)).digest('hex').slice(0, 32);
  return { file: path.join(dir ?? path.join(root, '.cache', kind), `${name}.json`), key: whole };
}

/** A cache entry's stored value (NaN and ±Infinity kept), if the file holds one made under exactly `key`. */
export function readEntry<T extends { readonly format: number; readonly key: Record<string, unknown> }>(
  file: string,
  key: Record<string, unknown>,
): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  const entry = fromJson(fs.readFileSync(file, 'utf8')) as T;
  return entry.format === FORMAT && toJson(entry.key) === toJson(key) ? entry : undefined;
}

/** Stores a cache entry whole or not at all (written aside, then renamed), so a reader never sees half of one. */
export function writeEntry<T extends { readonly format: number; readonly key: Record<string, unknown> }>(
  file: string,
  entry: T,
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, toJson(entry));
  fs.renameSync(tmp, file);
}

/** Float32 weights as base64 text, and back: what an entry stores of a model. */
export async function weightsToText(
  weights: readonly tf.Tensor[],
): Promise<{ readonly shape: number[]; readonly float32: string }[]> {
  return Promise.all(
    weights.map(async (w) => ({ shape: w.shape, float32: Buffer.from((await w.data()).buffer).toString('base64') })),
  );
}
export function weightsFromText(
  weights: readonly { readonly shape: number[]; readonly float32: string }[],
): tf.Tensor[] {
  return weights.map((w) => {
    const bytes = Buffer.from(w.float32, 'base64');
    return tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), w.shape);
  });
}

function entryFile(options: TrainOptions): { file: string; key: Record<string, unknown> } {
  const dir = typeof options.cache === 'object' ? options.cache.dir : undefined;
  return cacheEntry('runs', keyOf(options), { name: 'cache', value: options.cache }, dir);
}

function restore(entry: Entry, options: TrainOptions, file: string): TrainResult {
  for (const p of entry.progress) options.onProgress?.(p);
  const cache = { hit: true, file, trainedAt: entry.trainedAt };
  if (!options.keepModel) return { ...entry.result, cache };
  const model = buildMlp(options.policy ?? 'float32', { seed: seedRecipe(options).seed });
  const values = weightsFromText(entry.weights);
  model.setWeights(values);
  tf.dispose(values);
  return { ...entry.result, cache, model };
}

/**
 * trainMnist's run through the cache: the entry for these options if there is one, else `train` (always
 * keeping the model, to store its weights) and a new entry.
 */
export async function cachedRun(
  options: TrainOptions,
  train: (options: TrainOptions) => Promise<TrainResult>,
): Promise<TrainResult> {
  const { file, key } = entryFile(options);
  const stored = readEntry<Entry>(file, key);
  if (stored) return restore(stored, options, file);
  const progress: Progress[] = [];
  const onProgress = (p: Progress): void => {
    progress.push(p);
    options.onProgress?.(p);
  };
  const { model, ...result } = await train({ ...options, keepModel: true, onProgress });
  const weights = await weightsToText(model!.getWeights());
  const trainedAt = new Date().toISOString();
  writeEntry<Entry>(file, { format: FORMAT, trainedAt, key, result, weights, progress });
  if (!options.keepModel) model!.dispose();
  return { ...result, cache: { hit: false, file, trainedAt }, ...(options.keepModel ? { model } : {}) };
}

/** One sentence for a lesson: whether `run` was trained now or came from the cache, and how to train it again. */
export function describeCache(run: TrainResult): string {
  if (!run.cache) return `${run.policy}: trained now (no cache).`;
  const where = path.relative(courseRoot() ?? process.cwd(), run.cache.file);
  return run.cache.hit
    ? `${run.policy}: from the run cache (${where}), trained on ${run.cache.trainedAt.slice(0, 10)} with the same ` +
        'options and library by an earlier lesson; delete .cache/runs/ to train it again.'
    : `${run.policy}: trained now, and kept in the run cache (${where}) for the lessons that reuse it.`;
}
