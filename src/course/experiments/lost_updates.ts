/**
 * How many of one optimizer step's updates a weight kept in a 16-bit format would lose: the case for float32
 * master weights, measured on a trained model rather than argued. Adam's step for each weight is lr·m̂/(√v̂ + ε);
 * its moments m̂ and v̂ come from the gradients of a few training batches at the trained weights, as Adam would
 * hold them there. A weight stored in format F loses its update when rounding w_F − step back to F gives w_F
 * again: the step is smaller than half the gap between w_F and its neighbour.
 *
 *     const rows = await lostUpdates(model, { learningRates: [1e-3, 1e-5] });
 *     rows.find((r) => r.format === 'float16' && r.learningRate === 1e-5)!.lost   // share of steps rounded away
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { checkOptionKeys, OptionError } from '../../mp/errors';
import { roundArray } from '../../mp/formats/round';
import { batchTensors, epochBatches } from './batches';
import { loadMnist } from './mnist';
import { forward, MNIST_MLP, softmaxLoss } from './seed_mlp';

export interface LostUpdatesOptions {
  /** Default: 1e-2 down to 1e-6, a step per half decade. */
  readonly learningRates?: readonly number[];
  /** Storage formats compared (default float32, bfloat16, float16). */
  readonly formats?: readonly string[];
  /** Training batches whose gradients fill Adam's moments (default 20). */
  readonly batches?: number;
  /** Seeds the batches' order (default 0). */
  readonly seed?: number;
}

export interface LostUpdateRow {
  readonly format: string;
  readonly learningRate: number;
  /** Share of the weights with a non-zero step whose stored value that step leaves unchanged. */
  readonly lost: number;
}

// Adam's constants as tf.train.adam uses them (its epsilon is the float32 backends' epsilon, 1e-7).
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

const DEFAULT_RATES = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6];

/** The share of Adam's steps that weights stored in each format would round away, per learning rate. */
export async function lostUpdates(model: tf.Sequential, options: LostUpdatesOptions = {}): Promise<LostUpdateRow[]> {
  checkOptionKeys('lostUpdates', options, ['learningRates', 'formats', 'batches', 'seed']);
  const {
    learningRates = DEFAULT_RATES,
    formats = ['float32', 'bfloat16', 'float16'],
    batches = 20,
    seed = 0,
  } = options;
  if (!Number.isInteger(batches) || batches < 1) {
    throw new OptionError(`batches must be a whole number ≥ 1. Received: batches=${batches}`, 'batches', batches);
  }
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const directions = await adamDirections(model, weights, batches, seed);
  const values = await Promise.all(weights.map(async (w) => (await w.data()) as Float32Array));
  const w = concat(values);
  const rows: LostUpdateRow[] = [];
  for (const format of formats) {
    const stored = roundArray(w, format);
    for (const learningRate of learningRates) {
      const next = roundArray(
        Float32Array.from(stored, (v, i) => v - learningRate * directions[i]!),
        format,
      );
      let moved = 0;
      let lost = 0;
      for (let i = 0; i < w.length; i++) {
        if (directions[i] === 0) continue;
        moved++;
        if (next[i] === stored[i]) lost++;
      }
      rows.push({ format, learningRate, lost: lost / moved });
    }
  }
  return rows;
}

/** m̂/(√v̂ + ε) for every weight, after `batches` gradients at the current weights, concatenated in weight order. */
async function adamDirections(model: tf.Sequential, weights: tf.Variable[], batches: number, seed: number) {
  const { train } = loadMnist();
  const order = epochBatches(train.count, MNIST_MLP.batchSize, seedrandom.alea(String(seed))).slice(0, batches);
  let m: Float64Array | undefined;
  let v: Float64Array | undefined;
  for (const rows of order) {
    const { x, y } = batchTensors(train, rows);
    const { grads } = tf.variableGrads(() => softmaxLoss(y, forward(model, x)), weights);
    const g = concat(await Promise.all(weights.map(async (w) => (await grads[w.name]!.data()) as Float32Array)));
    tf.dispose([x, y, ...Object.values(grads)]);
    m ??= new Float64Array(g.length);
    v ??= new Float64Array(g.length);
    for (let i = 0; i < g.length; i++) {
      m[i] = BETA1 * m[i]! + (1 - BETA1) * g[i]!;
      v[i] = BETA2 * v[i]! + (1 - BETA2) * g[i]! * g[i]!;
    }
  }
  const [c1, c2] = [1 - BETA1 ** batches, 1 - BETA2 ** batches];
  return Float64Array.from(m!, (mi, i) => mi / c1 / (Math.sqrt(v![i]! / c2) + EPSILON));
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
  return out;
}
