/**
 * One pre-norm transformer block (attention, layer norm, MLP) over a tiny vocabulary, written op by op so that
 * every intermediate is stored in the format a framework's autocast gives it. Each op asks the autocast table
 * (AUTOCAST_OPS, or a copy with one rule changed) for its output format, then runs in float32 and rounds its
 * result to that format, forward and backward, as a float16 tensor and its float16 gradient hold it. The ops
 * torch fuses (softmax, layer_norm, cross_entropy) run as their formulas, each intermediate rounded to the op's
 * format: kept in float32 by the table, they are exact; changed to `compute`, they run on float16 tensors, as a
 * hand-written version does under `model.half()` (torch's own fused float16 kernels keep float32 accumulators
 * inside, which hides part of what this shows).
 *
 *     const block = new TransformerBlock({ vocab: 16, length: 8, seed: 0 });
 *     const logits = block.logits(tokens, new Precision('mixed_float16'));   // [batch, length, vocab]
 */
import * as tf from '@tensorflow/tfjs';
import { AUTOCAST_OPS, autocastFormat, type AutocastEntry, type CastRule } from '../../mp/amp/autocast';
import { policy as toPolicy, type Policy } from '../../mp/amp/policy';
import { checkOptionKeys, OptionError } from '../../mp/errors';
import { getFloatFormat } from '../../mp/formats/registry';
import type { FloatFormat } from '../../mp/formats/spec';
import { fakeCast } from '../../mp/ops/quantize';

/** A tensor and the format it is stored in, as a framework's dtype says. */
export interface Typed {
  readonly t: tf.Tensor;
  readonly format: FloatFormat;
}

/** The ops the block runs, each looked up in the autocast table. */
export const BLOCK_OPS = ['linear', 'matmul', 'mul', 'add', 'softmax', 'layer_norm', 'relu', 'cross_entropy'] as const;
export type BlockOp = (typeof BLOCK_OPS)[number];

const FLOAT32 = getFloatFormat('float32');

/** Rounds to `format`, and rounds the gradient too (a float16 tensor's gradient is float16). */
function round(t: tf.Tensor, format: FloatFormat): tf.Tensor {
  return format.name === 'float32' ? t : fakeCast(t, format, { gradient: 'round' });
}

/**
 * Where each op of the block runs: a policy and the autocast table, with some rules changed.
 *
 *     new Precision('mixed_float16', { softmax: 'compute' })   // the table, with softmax moved to float16
 */
export class Precision {
  readonly policy: Policy;
  readonly table: Readonly<Record<string, AutocastEntry>>;
  /** Each op run, with its inputs' formats and its own, in order (cleared by the caller when it likes). */
  readonly trace: { op: BlockOp; inputs: string[]; output: string }[] = [];

  constructor(
    policy: string | Policy,
    readonly changes: Readonly<Partial<Record<BlockOp, CastRule>>> = {},
  ) {
    this.policy = toPolicy(policy);
    for (const op of Object.keys(changes)) {
      if (!(BLOCK_OPS as readonly string[]).includes(op)) {
        throw new OptionError(
          `The block runs ${BLOCK_OPS.join(', ')}; no op ${JSON.stringify(op)} to change.`,
          'changes',
          op,
          BLOCK_OPS,
        );
      }
    }
    const changed = Object.entries(changes).map(([op, rule]) => [op, { ...AUTOCAST_OPS[op]!, rule }]);
    this.table = { ...AUTOCAST_OPS, ...Object.fromEntries(changed) };
  }

  /** The format `op` computes and stores its result in, for these inputs. */
  formatOf(op: BlockOp, inputs: readonly Typed[]): FloatFormat {
    return autocastFormat(
      op,
      this.policy,
      inputs.map((i) => i.format),
      this.table,
    );
  }

  /**
   * Runs `op`: its inputs cast to its format where the table says `compute`, the op in float32, its result
   * rounded to its format (forward and backward).
   */
  run(op: BlockOp, inputs: readonly Typed[], fn: (...t: tf.Tensor[]) => tf.Tensor): Typed {
    const format = this.formatOf(op, inputs);
    this.trace.push({ op, inputs: inputs.map((i) => i.format.name), output: format.name });
    const cast = this.table[op]!.rule === 'compute';
    const args = inputs.map((i) => (cast ? round(i.t, format) : i.t));
    return { t: round(fn(...args), format), format };
  }

  /**
   * Runs a composite op (softmax, layer_norm, cross_entropy) as its formula: inputs cast where the rule is
   * `compute`, and every intermediate `r(·)` rounded to the op's format.
   */
  formula(
    op: BlockOp,
    inputs: readonly Typed[],
    fn: (r: (t: tf.Tensor) => tf.Tensor, ...t: tf.Tensor[]) => tf.Tensor,
  ): Typed {
    const format = this.formatOf(op, inputs);
    const r = (t: tf.Tensor): tf.Tensor => round(t, format);
    return this.run(op, inputs, (...t) => fn(r, ...t));
  }
}

export interface BlockOptions {
  /** Tokens 0..vocab−1. */
  readonly vocab: number;
  /** Positions per sequence. */
  readonly length: number;
  /** Width of the residual stream. Default 32. */
  readonly dim?: number;
  /** Width of the MLP's hidden layer. Default 4·dim. */
  readonly hidden?: number;
  /** Seeds the initial weights. Default 0. */
  readonly seed?: number;
  /** The factor on q·kᵀ before the softmax. Default 1/√dim. */
  readonly attentionScale?: number;
  /**
   * Multiply q and k by √attentionScale each before their product, as torch's scaled_dot_product_attention does
   * in its math path ("Scale q, k before matmul for stability"), instead of scaling the product. Default false:
   * softmax(q·kᵀ·scale) as the formula reads.
   */
  readonly scaleFirst?: boolean;
}

/**
 * Changes that leave the block's function the same in exact arithmetic: `residual` multiplies the residual stream
 * (the embeddings and the two sublayer outputs; every layer norm divides it out again), `queryKey` multiplies q and
 * k (and divides the attention scale by its square), so activations grow as large models' do; `scaleFirst`
 * changes where the attention scale is applied (BlockOptions.scaleFirst).
 */
export interface Rescaling {
  readonly residual?: number;
  readonly queryKey?: number;
  readonly scaleFirst?: boolean;
}

const LN_EPS = 1e-5;

/** Layer norm as its formula: (x − μ)·rsqrt(var + ε)·γ + β over the last axis, var = mean((x − μ)²). */
function layerNorm(r: (t: tf.Tensor) => tf.Tensor, x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const d = r(tf.sub(x, r(tf.mean(x, -1, true))));
  const variance = r(tf.mean(r(tf.square(d)), -1, true));
  const normed = r(tf.mul(d, r(tf.rsqrt(r(tf.add(variance, LN_EPS))))));
  return r(tf.add(r(tf.mul(normed, gamma)), beta));
}

/** Softmax over the last axis as its formula: e = exp(x − max x), e / Σe. */
function softmax(r: (t: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor {
  const e = r(tf.exp(r(tf.sub(x, tf.max(x, -1, true)))));
  return r(tf.div(e, r(tf.sum(e, -1, true))));
}

/** Mean cross-entropy of logits [n, vocab] against one-hot rows, through log-softmax: z − log Σ exp z. */
function crossEntropy(r: (t: tf.Tensor) => tf.Tensor, logits: tf.Tensor, oneHot: tf.Tensor): tf.Tensor {
  const z = r(tf.sub(logits, tf.max(logits, -1, true)));
  const logSoftmax = r(tf.sub(z, r(tf.log(r(tf.sum(r(tf.exp(z)), -1, true))))));
  return r(tf.neg(tf.mean(r(tf.sum(tf.mul(logSoftmax, oneHot), -1)))));
}

/** What TransformerBlock.forward returns. */
export interface BlockActivations {
  /** [batch, length, vocab]. */
  readonly logits: Typed;
  /** q·kᵀ times the attention scale, [batch, length, length]. */
  readonly attentionLogits: Typed;
  /** The inputs of the three layer norms: the residual stream before attention, before the MLP, at the end. */
  readonly normInputs: readonly Typed[];
  /** The attention's and the MLP's outputs, added to the residual stream. */
  readonly sublayerOutputs: readonly Typed[];
}

/**
 * The block: token and position embeddings, then x += attention(LN(x)), x += MLP(LN(x)), and a linear read-out
 * of LN(x). One attention head of width `dim`. The weights are float32 master weights (tf.Variables).
 */
export class TransformerBlock {
  readonly vocab: number;
  readonly length: number;
  readonly dim: number;
  readonly hidden: number;
  readonly attentionScale: number;
  readonly scaleFirst: boolean;
  readonly weights: Readonly<Record<string, tf.Variable>>;

  constructor(options: BlockOptions) {
    checkOptionKeys('TransformerBlock', options, [
      'vocab',
      'length',
      'dim',
      'hidden',
      'seed',
      'attentionScale',
      'scaleFirst',
    ]);
    const { vocab, length, dim = 32, seed = 0 } = options;
    const hidden = options.hidden ?? 4 * dim;
    for (const [name, v] of Object.entries({ vocab, length, dim, hidden })) {
      if (!Number.isInteger(v) || v < 1) {
        throw new OptionError(`${name} must be an integer ≥ 1. Received: ${String(v)}`, name, v);
      }
    }
    this.vocab = vocab;
    this.length = length;
    this.dim = dim;
    this.hidden = hidden;
    this.attentionScale = options.attentionScale ?? 1 / Math.sqrt(dim);
    this.scaleFirst = options.scaleFirst ?? false;
    // tfjs treats a seed of 0 as no seed (a fresh Math.random draw), so the seeds used here start at 1.
    let s = seed * 100 + 1;
    const normal = (shape: number[], std: number): tf.Variable =>
      tf.variable(tf.randomNormal(shape, 0, std, 'float32', s++));
    const constant = (shape: number[], value: number): tf.Variable => tf.variable(tf.fill(shape, value));
    const w = (fanIn: number, fanOut: number): tf.Variable => normal([fanIn, fanOut], 1 / Math.sqrt(fanIn));
    this.weights = tf.tidy(() => ({
      tokens: normal([vocab, dim], 1),
      positions: normal([length, dim], 1),
      ln1Gain: constant([dim], 1),
      ln1Bias: constant([dim], 0),
      query: w(dim, dim),
      key: w(dim, dim),
      value: w(dim, dim),
      out: w(dim, dim),
      outBias: constant([dim], 0),
      ln2Gain: constant([dim], 1),
      ln2Bias: constant([dim], 0),
      up: w(dim, hidden),
      upBias: constant([hidden], 0),
      down: w(hidden, dim),
      downBias: constant([dim], 0),
      lnFGain: constant([dim], 1),
      lnFBias: constant([dim], 0),
      readout: w(dim, vocab),
      readoutBias: constant([vocab], 0),
    }));
  }

  /** The variables, for an optimizer. */
  get variables(): tf.Variable[] {
    return Object.values(this.weights);
  }

  /**
   * A copy computing the same function with larger activations (see Rescaling); the caller disposes it.
   *
   *     const big = block.rescaled({ residual: 300 });   // same predictions in float32, a 300× residual stream
   */
  rescaled(by: Rescaling): TransformerBlock {
    checkOptionKeys('rescaled', by, ['residual', 'queryKey', 'scaleFirst']);
    const { residual = 1, queryKey = 1, scaleFirst = this.scaleFirst } = by;
    for (const [name, v] of Object.entries({ residual, queryKey })) {
      if (!(v > 0 && Number.isFinite(v))) {
        throw new OptionError(`${name} must be a finite number > 0. Received: ${String(v)}`, name, v);
      }
    }
    const factor: Record<string, number> = {
      tokens: residual,
      positions: residual,
      out: residual,
      outBias: residual,
      down: residual,
      downBias: residual,
      query: queryKey,
      key: queryKey,
    };
    const copy = new TransformerBlock({
      vocab: this.vocab,
      length: this.length,
      dim: this.dim,
      hidden: this.hidden,
      attentionScale: this.attentionScale / (queryKey * queryKey),
      scaleFirst,
    });
    tf.tidy(() => {
      for (const [name, v] of Object.entries(this.weights)) copy.weights[name]!.assign(tf.mul(v, factor[name] ?? 1));
    });
    return copy;
  }

  /** Logits [batch, length, vocab] for int32 tokens [batch, length], each op where `p` puts it. */
  logits(tokens: tf.Tensor2D, p: Precision): tf.Tensor3D {
    return this.forward(tokens, p).logits.t as tf.Tensor3D;
  }

  /** Mean cross-entropy of the predicted tokens against `targets` (int32 [batch, length]). */
  loss(tokens: tf.Tensor2D, targets: tf.Tensor2D, p: Precision): tf.Scalar {
    const { logits } = this.forward(tokens, p);
    const oneHot = tf.oneHot(targets.flatten(), this.vocab).toFloat();
    const rows: Typed = { t: logits.t.reshape([-1, this.vocab]), format: logits.format };
    const target: Typed = { t: oneHot, format: FLOAT32 };
    return p.formula('cross_entropy', [rows, target], crossEntropy).t as tf.Scalar;
  }

  /**
   * The forward pass, with the intermediates lesson 4 inspects: the attention logits, the three layer norms'
   * inputs (the residual stream at each) and the two sublayers' outputs added to it.
   */
  forward(tokens: tf.Tensor2D, p: Precision): BlockActivations {
    const W = this.weights;
    const [batch, length] = tokens.shape;
    if (length !== this.length || tokens.dtype !== 'int32') {
      throw new OptionError(
        `tokens must be int32 [batch, ${this.length}]. Received: ${tokens.dtype} [${tokens.shape.join(', ')}]`,
        'tokens',
        tokens.shape,
      );
    }
    const f32 = (t: tf.Tensor): Typed => ({ t, format: FLOAT32 });
    const param = (name: string): Typed => f32(W[name]!);
    const linear = (x: Typed, w: string, b?: string): Typed =>
      p.run('linear', b ? [x, param(w), param(b)] : [x, param(w)], (xt, wt, bt) => {
        const flat = tf.matMul(xt!.reshape([-1, xt!.shape[xt!.rank - 1]!]), wt!);
        const y = bt ? tf.add(flat, bt) : flat;
        return y.reshape([...xt!.shape.slice(0, -1), wt!.shape[1]!]);
      });
    const norm = (x: Typed, gain: string, bias: string): Typed =>
      p.formula('layer_norm', [x, param(gain), param(bias)], layerNorm);

    // embeddings: a lookup in float32 tables (torch's embedding returns its weight's dtype), written as a
    // one-hot product, exact in float32, whose gradient every backend has (wasm lacks gather's)
    const lookup = tf.matMul(tf.oneHot(tokens.flatten(), this.vocab).toFloat(), W.tokens!);
    const x0 = f32(tf.add(lookup.reshape([batch, length, this.dim]), W.positions!.slice([0, 0], [length, this.dim])));
    // attention: softmax(q·kᵀ/√d)·v, one head
    const h = norm(x0, 'ln1Gain', 'ln1Bias');
    const [q, k, v] = [linear(h, 'query'), linear(h, 'key'), linear(h, 'value')];
    const product = (a: Typed, b: Typed): Typed =>
      p.run('matmul', [a, b], (at, bt) => tf.matMul(at!, bt!, false, true));
    const times = (a: Typed, factor: number): Typed => p.run('mul', [a], (t) => tf.mul(t!, factor));
    const root = Math.sqrt(this.attentionScale);
    const attentionLogits = this.scaleFirst
      ? product(times(q, root), times(k, root))
      : times(product(q, k), this.attentionScale);
    const weights = p.formula('softmax', [attentionLogits], softmax);
    const mixed = p.run('matmul', [weights, v], (wt, vt) => tf.matMul(wt!, vt!));
    const attention = linear(mixed, 'out', 'outBias');
    const x1 = p.run('add', [x0, attention], (a, b) => tf.add(a!, b!));
    // MLP: relu(LN(x)·W1 + b1)·W2 + b2
    const up = linear(norm(x1, 'ln2Gain', 'ln2Bias'), 'up', 'upBias');
    const act = p.run('relu', [up], (u) => tf.relu(u!));
    const mlp = linear(act, 'down', 'downBias');
    const residual = p.run('add', [x1, mlp], (a, b) => tf.add(a!, b!));
    const logits = linear(norm(residual, 'lnFGain', 'lnFBias'), 'readout', 'readoutBias');
    return { logits, attentionLogits, normInputs: [x0, x1, residual], sublayerOutputs: [attention, mlp] };
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
