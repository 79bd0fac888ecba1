/**
 * The transformer block of models/transformer_block.ts trained on a task made here, with no download: reverse a
 * sequence of random tokens. Each output position must copy the token at the mirrored position, which only
 * attention can fetch, so the task exercises every part of the block. Batches come from a seeded generator.
 *
 *     const run = await trainBlock({ policy: 'mixed_float16', steps: 300 });
 *     run.accuracy;   // share of held-out tokens predicted right
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { DisabledLossScaler, DynamicLossScaler, StaticLossScaler, type LossScaler } from '../../mp/amp/loss_scaler';
import { LossScaleOptimizer } from '../../mp/amp/optimizer';
import type { CastRule } from '../../mp/amp/autocast';
import { checkOptionKeys } from '../../mp/errors';
import { Precision, TransformerBlock, type BlockOp } from '../models/transformer_block';
import { cacheEntry, FORMAT, readEntry, weightsFromText, weightsToText, writeEntry } from './run_cache';

/** The task and the recipe every block run takes its defaults from. */
export const REVERSAL_TASK = {
  vocab: 16,
  length: 8,
  dim: 32,
  batchSize: 64,
  steps: 100,
  learningRate: 3e-3,
  /** Held-out sequences the accuracy is measured on. */
  evalSequences: 512,
} as const;

/** `count` random sequences and their reversals, as int32 [count, length] tensors. */
export function reversalBatch(
  count: number,
  rand: () => number,
  task: { vocab: number; length: number } = REVERSAL_TASK,
): { tokens: tf.Tensor2D; targets: tf.Tensor2D } {
  const { vocab, length } = task;
  const tokens = new Int32Array(count * length);
  const targets = new Int32Array(count * length);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < length; i++) tokens[s * length + i] = Math.floor(rand() * vocab);
    for (let i = 0; i < length; i++) targets[s * length + i] = tokens[s * length + length - 1 - i]!;
  }
  return {
    tokens: tf.tensor2d(tokens, [count, length], 'int32'),
    targets: tf.tensor2d(targets, [count, length], 'int32'),
  };
}

/** The held-out sequences every evaluation uses (the same for every run). */
export function evalSequences(): { tokens: tf.Tensor2D; targets: tf.Tensor2D } {
  return reversalBatch(REVERSAL_TASK.evalSequences, seedrandom.alea('reversal-eval'));
}

/**
 * A block's token accuracy and mean loss on the held-out sequences, each op where `p` puts it, and the share of
 * sequences whose logits hold inf or NaN.
 */
export async function evaluateBlock(
  block: TransformerBlock,
  p: Precision,
): Promise<{ accuracy: number; loss: number; nonFinite: number }> {
  const { tokens, targets } = evalSequences();
  const [accuracy, loss, nonFinite] = tf.tidy(() => {
    const logits = block.logits(tokens, p);
    const right = tf.equal(tf.argMax(logits, -1), targets);
    const bad = tf.logicalNot(tf.all(tf.isFinite(logits.reshape([logits.shape[0], -1])), 1));
    return [tf.mean(tf.cast(right, 'float32')), block.loss(tokens, targets, p), tf.mean(tf.cast(bad, 'float32'))];
  });
  const values = await Promise.all([accuracy!, loss!, nonFinite!].map(async (t) => (await t.data())[0]!));
  tf.dispose([accuracy!, loss!, nonFinite!, tokens, targets]);
  return { accuracy: values[0]!, loss: values[1]!, nonFinite: values[2]! };
}

/**
 * `count` batches of the reversal task, the same for the same seed: for loops written in a lesson.
 *
 *     const batches = reversalBatches(20, 0);   // 20 × { tokens, targets } of REVERSAL_TASK.batchSize sequences
 */
export function reversalBatches(
  count: number,
  seed: number,
  batchSize: number = REVERSAL_TASK.batchSize,
): { tokens: tf.Tensor2D; targets: tf.Tensor2D }[] {
  const rand = seedrandom.alea(`reversal-${seed}`);
  return Array.from({ length: count }, () => reversalBatch(batchSize, rand));
}

export interface BlockTrainOptions {
  /** The policy the block computes under. Default mixed_float16. */
  readonly policy?: string;
  /** Autocast rules changed for this run, e.g. { softmax: 'compute' }. Default none. */
  readonly changes?: Readonly<Partial<Record<BlockOp, CastRule>>>;
  /** 'dynamic' (torch's GradScaler rule), 'none', or a fixed scale. Default: dynamic where the policy needs it. */
  readonly lossScale?: 'dynamic' | 'none' | number;
  readonly steps?: number;
  /** Adam's learning rate. Default REVERSAL_TASK.learningRate. */
  readonly learningRate?: number;
  readonly seed?: number;
  /** Return the trained block (the caller disposes it) instead of disposing it. */
  readonly keepBlock?: boolean;
  /** Called every `every` steps with the step and its loss (a read back). */
  readonly onStep?: (step: number, loss: number) => void;
  readonly every?: number;
  /**
   * Keep the run in the course's cache (`.cache/blocks/`, or `dir`), keyed by these options and the library, and
   * return it from there next time, weights included: training is seeded, so it is the block training gives.
   */
  readonly cache?: boolean | { readonly dir: string };
}

export interface BlockRun {
  readonly policy: string;
  readonly changes: Readonly<Partial<Record<BlockOp, CastRule>>>;
  /** The loss at each reported step. */
  readonly losses: readonly { readonly step: number; readonly loss: number }[];
  /** Held-out token accuracy after training, under the same precision. */
  readonly accuracy: number;
  /** Held-out loss after training, under the same precision. */
  readonly evalLoss: number;
  readonly skipped: number;
  readonly finalScale: number;
  readonly seconds: number;
  /** The trained block, with keepBlock. */
  readonly block?: TransformerBlock;
}

function scalerFor(option: BlockTrainOptions['lossScale'], needs: boolean): LossScaler {
  if (typeof option === 'number') return new StaticLossScaler(option);
  if (option === 'none' || (option === undefined && !needs)) return new DisabledLossScaler();
  return new DynamicLossScaler();
}

interface BlockEntry {
  readonly format: typeof FORMAT;
  readonly key: Record<string, unknown>;
  readonly result: Omit<BlockRun, 'block'>;
  readonly weights: { readonly shape: number[]; readonly float32: string }[];
}

/**
 * Trains a fresh block on sequence reversal and measures it on held-out sequences; with `cache`, returns the
 * run kept from an earlier call with the same options, replaying its losses to onStep.
 */
export async function trainBlock(options: BlockTrainOptions = {}): Promise<BlockRun> {
  checkOptionKeys('trainBlock', options, [
    'policy',
    'changes',
    'lossScale',
    'steps',
    'learningRate',
    'seed',
    'keepBlock',
    'onStep',
    'every',
    'cache',
  ]);
  if (!options.cache) return train(options);
  const { seed } = settled(options);
  const what = { name: 'cache', value: options.cache };
  const dir = typeof options.cache === 'object' ? options.cache.dir : undefined;
  const { file, key: whole } = cacheEntry('blocks', { run: 'trainBlock', ...settled(options) }, what, dir);
  const stored = readEntry<BlockEntry>(file, whole);
  if (stored) {
    for (const { step, loss } of stored.result.losses) options.onStep?.(step, loss);
    if (!options.keepBlock) return stored.result;
    const { vocab, length, dim } = REVERSAL_TASK;
    const block = new TransformerBlock({ vocab, length, dim, seed });
    const values = weightsFromText(stored.weights);
    block.variables.forEach((v, i) => v.assign(values[i]!));
    tf.dispose(values);
    return { ...stored.result, block };
  }
  const { block, ...result } = await train({ ...options, keepBlock: true });
  writeEntry<BlockEntry>(file, { format: FORMAT, key: whole, result, weights: await weightsToText(block!.variables) });
  if (options.keepBlock) return { ...result, block };
  block!.dispose();
  return result;
}

/** A run's settings, defaults filled in: what the run does, and what keys its cache entry. */
function settled(options: BlockTrainOptions) {
  return {
    policy: options.policy ?? 'mixed_float16',
    changes: options.changes ?? {},
    lossScale: options.lossScale,
    steps: options.steps ?? REVERSAL_TASK.steps,
    learningRate: options.learningRate ?? REVERSAL_TASK.learningRate,
    seed: options.seed ?? 0,
    every: options.every ?? 10,
  };
}

async function train(options: BlockTrainOptions): Promise<BlockRun> {
  const { policy, changes, lossScale, steps, learningRate, seed, every } = settled(options);
  const p = new Precision(policy, changes);
  const { vocab, length, dim } = REVERSAL_TASK;
  const block = new TransformerBlock({ vocab, length, dim, seed });
  const scaler = scalerFor(lossScale, p.policy.needsLossScaling);
  const optimizer = new LossScaleOptimizer(tf.train.adam(learningRate), scaler, p.policy.variable);
  const rand = seedrandom.alea(`reversal-${seed}`);
  const losses: { step: number; loss: number }[] = [];
  const start = performance.now();
  for (let step = 1; step <= steps; step++) {
    const { tokens, targets } = reversalBatch(REVERSAL_TASK.batchSize, rand);
    const read = step % every === 0 || step === steps;
    const loss = optimizer.minimize(() => tf.tidy(() => block.loss(tokens, targets, p)), read, block.variables);
    tf.dispose([tokens, targets]);
    if (loss) {
      const value = (await loss.data())[0]!;
      loss.dispose();
      losses.push({ step, loss: value });
      options.onStep?.(step, value);
      await tf.nextFrame();
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const { accuracy, loss: evalLoss } = await evaluateBlock(block, p);
  const result: BlockRun = {
    policy: p.policy.name,
    changes,
    losses,
    accuracy,
    evalLoss,
    skipped: (await scaler.readStats()).skipped,
    finalScale: await scaler.readScale(),
    seconds,
    ...(options.keepBlock ? { block } : {}),
  };
  await scaler.release();
  optimizer.dispose();
  if (!options.keepBlock) block.dispose();
  return result;
}
