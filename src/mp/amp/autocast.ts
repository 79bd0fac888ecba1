/**
 * The autocast op table: which ops run in the policy's compute format and which stay in float32. It is the one
 * place that decides: `autocast` reads it on every call, and MixedDense and matMul run through `autocast`.
 * It follows PyTorch's CUDA autocast lists (torch/csrc/autocast_mode.cpp), and a test checks it against the
 * output dtypes torch 2.11 produced for float32 inputs.
 */
import type * as tf from '@tensorflow/tfjs';
import { OptionError, PolicyError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import type { FloatFormat } from '../formats/spec';
import { castToCompute } from './cast';
import { policy as toPolicy, type Policy } from './policy';

/**
 * - `compute`: matrix products, where low precision pays (tensor cores) and accumulation is float32 anyway;
 * - `float32`: ops whose range or accuracy suffers in 16 bits: exp/log/pow, reductions, softmax, norms, losses;
 * - `promote`: ops on several inputs run in the widest input format;
 * - `passthrough`: elementwise ops run in their input's format (relu of a float16 tensor stays float16).
 */
export type CastRule = 'compute' | 'float32' | 'promote' | 'passthrough';

export interface AutocastEntry {
  readonly rule: CastRule;
  readonly why: string;
}

const compute = (why: string): AutocastEntry => ({ rule: 'compute', why });
const fp32 = (why: string): AutocastEntry => ({ rule: 'float32', why });
const passthrough: AutocastEntry = { rule: 'passthrough', why: 'elementwise: exact or no worse in its input format' };
const promote: AutocastEntry = { rule: 'promote', why: 'joins tensors: the widest input format keeps all values' };
const MATMUL = 'a matrix product: tensor cores multiply low-precision inputs and accumulate in float32';

export const AUTOCAST_OPS: Readonly<Record<string, AutocastEntry>> = {
  matmul: compute(MATMUL),
  mm: compute(MATMUL),
  bmm: compute(MATMUL),
  addmm: compute(MATMUL),
  baddbmm: compute(MATMUL),
  linear: compute(MATMUL),
  dense: compute(`${MATMUL} (Keras' name for linear)`),
  conv1d: compute('a convolution is a matrix product'),
  conv2d: compute('a convolution is a matrix product'),
  conv3d: compute('a convolution is a matrix product'),
  exp: fp32('overflows float16 past x ≈ 11.1'),
  log: fp32('loses relative accuracy near 1, and log(0) needs care'),
  pow: fp32('overflows and underflows quickly'),
  sqrt: fp32('feeds norms; kept in float32 as torch does'),
  reciprocal: fp32('1/x of a small float16 overflows'),
  rsqrt: fp32('1/sqrt(x) of a small float16 overflows'),
  sum: fp32('a long sum in float16 stops growing once the total dwarfs each term (swamping)'),
  mean: fp32('a sum in disguise'),
  prod: fp32('overflows and underflows quickly'),
  cumsum: fp32('a running sum: swamping again'),
  norm: fp32('a sum of squares overflows float16 past 256 for unit-scale entries'),
  softmax: fp32('exp of logits, then a sum'),
  log_softmax: fp32('exp, sum and log'),
  layer_norm: fp32('a mean and a variance'),
  batch_norm: fp32('a mean and a variance'),
  cross_entropy: fp32('a loss: log of probabilities, then a mean'),
  binary_cross_entropy_with_logits: fp32('a loss'),
  mse_loss: fp32('a loss: squares, then a mean'),
  add: passthrough,
  mul: passthrough,
  relu: passthrough,
  gelu: passthrough,
  sigmoid: passthrough,
  tanh: passthrough,
  dropout: passthrough,
  max_pool2d: passthrough,
  avg_pool2d: passthrough,
  cat: promote,
  stack: promote,
};

/**
 * The format an op's output has under a policy, given its inputs' formats.
 *
 *     autocastFormat('matmul', 'mixed_float16', ['float32', 'float32']).name   // 'float16'
 *     autocastFormat('softmax', 'mixed_float16', ['float16']).name             // 'float32'
 */
export function autocastFormat(op: string, policy: string | Policy, inputs: readonly FormatLike[]): FloatFormat {
  const rule = ruleOf(op);
  const p = toPolicy(policy);
  const formats = inputs.map((i) => getFloatFormat(i));
  switch (rule) {
    case 'compute':
      return p.compute;
    case 'float32':
      return getFloatFormat('float32');
    case 'promote':
    case 'passthrough':
      if (formats.length === 0) {
        throw new OptionError(`${op} takes its format from its inputs; pass at least one.`, 'inputs', inputs);
      }
      // the widest input: most mantissa bits, then most exponent bits
      return formats.reduce((a, b) =>
        b.manBits > a.manBits || (b.manBits === a.manBits && b.expBits > a.expBits) ? b : a,
      );
  }
}

/**
 * Runs `op` on `inputs` under a policy, as the table says. A `compute` op gets its inputs cast to the compute
 * format and its result stored in it (cast points: gradients are rounded on the way back too); under every other
 * rule the op computes in float32 on values already exact there, so nothing is cast.
 *
 *     autocast('matmul', 'mixed_float16', [a, b], tf.matMul)   // round16(round16(a)·round16(b))
 */
export function autocast(
  op: string,
  policy: string | Policy,
  inputs: readonly tf.Tensor[],
  run: (...inputs: tf.Tensor[]) => tf.Tensor,
): tf.Tensor {
  if (ruleOf(op) !== 'compute') return run(...inputs);
  const p = toPolicy(policy);
  return castToCompute(run(...inputs.map((x) => castToCompute(x, p))), p);
}

/** The rule of `op`, read from the table now. Throws PolicyError listing the known ops. */
function ruleOf(op: string): CastRule {
  const entry = AUTOCAST_OPS[op];
  if (!entry) {
    const known = Object.keys(AUTOCAST_OPS);
    throw new PolicyError(`No autocast rule for op ${JSON.stringify(op)}. Known ops: ${known.join(', ')}.`, op, known);
  }
  return entry.rule;
}
