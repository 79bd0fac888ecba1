/**
 * The autocast op table: which ops run in the policy's compute format and which stay in float32. It is the one
 * place that decides: `autocast` reads it on every call, and MixedDense and matMul run through `autocast`.
 * Each entry carries the category PyTorch's CUDA autocast gives the op, as torch's own test lists state it
 * (torch/testing/_internal/autocast_test_lists.py, `AutocastTestLists`), and a test checks every op the two
 * share, under float16 and bfloat16, against those lists (test/fixtures/autocast_lists.json).
 */
import type * as tf from '@tensorflow/tfjs';
import { OptionError, PolicyError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import type { FloatFormat } from '../formats/spec';
import { castToCompute } from './cast';
import { policy as toPolicy, type Policy } from './policy';

/**
 * - `compute`: matrix products, where low precision pays (tensor cores) and accumulation is float32 anyway;
 * - `float32`: ops whose range or accuracy suffers in 16 bits: exp/log/pow, sums, softmax, layer norm, losses;
 * - `promote`: ops on several inputs run in the widest input format;
 * - `passthrough`: ops run in their input's format (relu of a float16 tensor stays float16).
 */
export type CastRule = 'compute' | 'float32' | 'promote' | 'passthrough';

/**
 * Where torch's CUDA autocast puts an op:
 * - `lower_precision_fp`: its lists torch_fp16, nn_fp16, linalg_fp16 (the autocast dtype);
 * - `fp32`: torch_fp32, nn_fp32 (float32);
 * - `promote`: torch_need_autocast_promote (autocast casts to the widest input dtype);
 * - `builtin_promote`: torch_expect_builtin_promote (the op's own type promotion gives the widest input dtype);
 * - `input_dtype`: on none of the lists, so it runs in its input's dtype;
 * - `not_in_torch`: a tfjs or Keras op torch does not have; the entry says why it has its rule.
 */
export type TorchCategory =
  'lower_precision_fp' | 'fp32' | 'promote' | 'builtin_promote' | 'input_dtype' | 'not_in_torch';

export interface AutocastEntry {
  readonly rule: CastRule;
  readonly torch: TorchCategory;
  /** For a composite op torch's lists leave out: the listed ops it runs as (cross_entropy is log_softmax, nll_loss). */
  readonly via?: readonly string[];
  readonly why: string;
}

// One constructor per torch category: the rule each category gives is written here only.
const lowerPrecision = (why: string): AutocastEntry => ({ rule: 'compute', torch: 'lower_precision_fp', why });
const fp32 = (why: string, via?: readonly string[]): AutocastEntry => ({
  rule: 'float32',
  torch: 'fp32',
  why,
  ...(via ? { via } : {}),
});
const inputDtype = (why: string): AutocastEntry => ({ rule: 'passthrough', torch: 'input_dtype', why });
const builtinPromote: AutocastEntry = {
  rule: 'promote',
  torch: 'builtin_promote',
  why: 'joins or combines tensors: the widest input format keeps all values (torch promotes types itself)',
};
const notInTorch = (rule: CastRule, why: string): AutocastEntry => ({ rule, torch: 'not_in_torch', why });

const MATMUL = 'a matrix product: tensor cores multiply low-precision inputs and accumulate in float32';
const ELEMENTWISE = 'elementwise: exact or no worse in its input format';

export const AUTOCAST_OPS: Readonly<Record<string, AutocastEntry>> = {
  matmul: lowerPrecision(MATMUL),
  mm: lowerPrecision(MATMUL),
  bmm: lowerPrecision(MATMUL),
  addmm: lowerPrecision(MATMUL),
  baddbmm: lowerPrecision(MATMUL),
  linear: lowerPrecision(MATMUL),
  dense: notInTorch('compute', `Keras' name for linear: ${MATMUL}`),
  conv1d: lowerPrecision('a convolution is a matrix product'),
  conv2d: lowerPrecision('a convolution is a matrix product'),
  conv3d: lowerPrecision('a convolution is a matrix product'),
  exp: fp32('overflows float16 past x ≈ 11.1'),
  log: fp32('loses relative accuracy near 1, and log(0) needs care'),
  pow: fp32('overflows and underflows quickly'),
  sqrt: inputDtype('halves the exponent, so it cannot overflow; torch leaves it in its input dtype'),
  reciprocal: fp32('1/x of a small float16 overflows'),
  rsqrt: fp32('precision: torch lists it (only rsqrt(0) is infinite in float16)'),
  sum: fp32('a long sum in float16 stops growing once the total dwarfs each term (swamping)'),
  mean: inputDtype("torch returns its input's dtype; its reduction kernels accumulate in float32 inside"),
  prod: fp32('overflows and underflows quickly'),
  cumsum: fp32('a running sum: swamping again'),
  norm: fp32("a sum of squares: one entry above 256 squares past float16's 65504"),
  softmax: fp32("its probabilities' range: most fall below float16's normal range over a large vocabulary"),
  log_softmax: fp32('the loss starts from its output, as from softmax'),
  layer_norm: fp32('a mean and a variance'),
  batch_norm: inputDtype("cuDNN's batch norm takes float16 activations with float32 statistics and returns float16"),
  cross_entropy: fp32('a loss: torch runs it as log_softmax then nll_loss, both on its float32 list', [
    'log_softmax',
    'nll_loss',
  ]),
  binary_cross_entropy_with_logits: fp32('a loss'),
  mse_loss: fp32('a loss: squares, then a mean'),
  add: builtinPromote,
  mul: builtinPromote,
  relu: inputDtype(ELEMENTWISE),
  gelu: inputDtype(ELEMENTWISE),
  sigmoid: inputDtype(ELEMENTWISE),
  tanh: inputDtype(ELEMENTWISE),
  dropout: inputDtype(ELEMENTWISE),
  max_pool2d: inputDtype('picks one of its inputs'),
  avg_pool2d: inputDtype('averages a small window; torch leaves it in its input dtype'),
  cat: builtinPromote,
  stack: builtinPromote,
};

/**
 * The format an op's output has under a policy, given its inputs' formats; `table` (default AUTOCAST_OPS) lets
 * an experiment ask what a table with one rule changed would do.
 *
 *     autocastFormat('matmul', 'mixed_float16', ['float32', 'float32']).name   // 'float16'
 *     autocastFormat('softmax', 'mixed_float16', ['float16']).name             // 'float32'
 */
export function autocastFormat(
  op: string,
  policy: string | Policy,
  inputs: readonly FormatLike[],
  table: Readonly<Record<string, AutocastEntry>> = AUTOCAST_OPS,
): FloatFormat {
  const rule = ruleOf(op, table);
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
function ruleOf(op: string, table: Readonly<Record<string, AutocastEntry>> = AUTOCAST_OPS): CastRule {
  const entry = table[op];
  if (!entry) {
    const known = Object.keys(table);
    throw new PolicyError(`No autocast rule for op ${JSON.stringify(op)}. Known ops: ${known.join(', ')}.`, op, known);
  }
  return entry.rule;
}
