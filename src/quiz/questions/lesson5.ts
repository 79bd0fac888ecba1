/**
 * Lesson 5's questions. Expected values come from formulas written here for the grader: the exact binomial tail
 * in integers (BigInt), the roofline, the activation inventory of Korthikanti et al. (2022) checked against the
 * paper's equation 1, and a brute-force subset search. The wrong formulas next to them are the usual mistakes,
 * whose values the cases recognise.
 */
import { hidden, shown, type Question, type Uses } from '../question';

const exact = { compare: { kind: 'exact' } } as const;
const close = { compare: { kind: 'relative', tolerance: 1e-9 } } as const;
/** Plain arithmetic: nothing of the library, which holds the answers (memory plans, sums in a format). */
const NOTHING: Uses = { library: [], packages: [] };

// ---------------------------------------------------------------------------------------------------- l5.q1
/** Two score vectors: `both` images right for both, `a` right only for the first, `b` only for the second, `neither` wrong for both. */
function scores(both: number, a: number, b: number, neither = 0): [number[], number[]] {
  const first = [...Array(both + a).fill(1), ...Array(b + neither).fill(0)];
  const second = [...Array(both).fill(1), ...Array(a).fill(0), ...Array(b).fill(1), ...Array(neither).fill(0)];
  return [first, second];
}

/** a / b for non-negative integers of any size, as a double. */
function ratio(a: bigint, b: bigint): number {
  const shift = BigInt(Math.max(0, b.toString(2).length - 1000));
  return Number(a >> shift) / Number(b >> shift);
}

/** The exact two-sided McNemar p-value from the split of the disagreements, in integers: 2·Σ_{i≤k} C(n, i) / 2^n. */
function mcnemar(a: number, b: number): number {
  const n = a + b;
  let term = 1n;
  let sum = 1n;
  for (let i = 1; i <= Math.min(a, b); i++) {
    term = (term * BigInt(n - i + 1)) / BigInt(i);
    sum += term;
  }
  return Math.min(1, ratio(2n * sum, 1n << BigInt(n)));
}
// ---------------------------------------------------------------------------------------------------- l5.q2
const intensity = (m: number, n: number, k: number, b: number): number =>
  (2 * m * n * k) / (b * (m * k + k * n + m * n));
const roofline = (m: number, n: number, k: number, b: number, peak: number, bw: number): number =>
  Math.min(peak, bw * intensity(m, n, k, b));
// ---------------------------------------------------------------------------------------------------- l5.q3
interface LayerShape {
  tokens: number;
  batch: number;
  hidden: number;
  heads: number;
}
/** Korthikanti et al.'s inventory: 16x + 2y elements of `v` bytes and 2x + y one-byte masks (x = sbh, y = as²b). */
function activations(shape: LayerShape, v: number, recompute: 'none' | 'selective' | 'full'): number {
  const x = shape.tokens * shape.batch * shape.hidden;
  const y = shape.heads * shape.tokens ** 2 * shape.batch;
  if (recompute === 'full') return v * x;
  return recompute === 'selective' ? (16 * v + 2) * x : (16 * v + 2) * x + (2 * v + 1) * y;
}
const gpt3: LayerShape = { tokens: 2048, batch: 1, hidden: 12288, heads: 96 };
const small: LayerShape = { tokens: 512, batch: 4, hidden: 1024, heads: 16 };
// the inventory at 16 bits is the paper's equation 1, sbh(34 + 5as/h)
const eq1 = gpt3.tokens * gpt3.batch * gpt3.hidden * (34 + (5 * gpt3.heads * gpt3.tokens) / gpt3.hidden);
if (activations(gpt3, 2, 'none') !== eq1) throw new Error('lesson5.ts: the activation inventory must give equation 1');

// ---------------------------------------------------------------------------------------------------- l5.q4
/** Brute force over subsets: the most parameters that fit the accuracy budget. */
function bestSubset(layers: { params: number; drop: number }[], budget: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << layers.length; mask++) {
    const chosen = layers.filter((_, i) => mask & (1 << i));
    if (chosen.reduce((s, l) => s + l.drop, 0) <= budget + 1e-12)
      best = Math.max(
        best,
        chosen.reduce((s, l) => s + l.params, 0),
      );
  }
  return best;
}
const net = [
  { name: 'embed', params: 4000, drop: 0.4 },
  { name: 'block1', params: 3000, drop: 0.1 },
  { name: 'block2', params: 3000, drop: 0.15 },
  { name: 'head', params: 500, drop: 0.3 },
];

export const LESSON5: Question[] = [
  {
    kind: 'code',
    id: 'l5.q1',
    title: "McNemar's exact test from two score vectors",
    file: 'lesson5/index.ts',
    export: 'mcnemarPValue',
    uses: NOTHING,
    cases: [
      shown('6 disagreements against 2', scores(90, 6, 2), mcnemar(6, 2), {
        ...close,
        failureMessage: 'Only the images the two disagree on count, and the test is two-sided.',
      }),
      shown('no disagreement at all', scores(50, 0, 0, 3), 1, close),
      hidden('an even split', scores(40, 7, 7, 2), mcnemar(7, 7), {
        ...close,
        failureMessage: 'Twice a tail can exceed 1: a p-value cannot.',
      }),
      hidden('a lopsided split among many agreements', scores(900, 20, 60, 40), mcnemar(20, 60), {
        ...close,
        failureMessage: 'Exact and two-sided: not the chi-square approximation, not one tail.',
      }),
      hidden('thousands of disagreements', scores(100, 3000, 3100), mcnemar(3000, 3100), {
        ...close,
        points: 2,
        failureMessage: 'C(n, i) and 2^n overflow a double long before n = 6100: build the terms in log space.',
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q2',
    title: "A product's bound on the roofline",
    file: 'lesson5/index.ts',
    export: 'attainableTflops',
    uses: NOTHING,
    cases: [
      shown(
        '4096³ in bfloat16 on an H200-like chip',
        [4096, 4096, 4096, 2, 795, 4.24],
        roofline(4096, 4096, 4096, 2, 795, 4.24),
        close,
      ),
      shown("the seed MLP's second layer in float32", [128, 10, 64, 4, 51, 4.24], roofline(128, 10, 64, 4, 51, 4.24), {
        ...close,
        failureMessage:
          'Below the ridge the bound is bandwidth × intensity, with 2·m·n·k FLOPs over b·(m·k + k·n + m·n) bytes.',
      }),
      hidden(
        'one vector through a 4096×4096 layer',
        [1, 4096, 4096, 2, 990, 4.8],
        roofline(1, 4096, 4096, 2, 990, 4.8),
        {
          ...close,
          failureMessage: 'The bound is the smaller of the two limits.',
        },
      ),
      hidden('a thin inner dimension', [4096, 4096, 64, 2, 1000, 4.24], roofline(4096, 4096, 64, 2, 1000, 4.24), {
        ...close,
        failureMessage: 'C is written once too: its m·n elements count.',
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q3',
    title: 'Activation bytes of a transformer layer',
    file: 'lesson5/index.ts',
    export: 'activationBytes',
    uses: NOTHING,
    cases: [
      shown('GPT-3 175B layer, 16-bit, no recomputation', [gpt3, 2, 'none'], activations(gpt3, 2, 'none'), exact),
      shown('a small layer, full recomputation, 16-bit', [small, 2, 'full'], activations(small, 2, 'full'), exact),
      hidden('float32 values, no recomputation', [gpt3, 4, 'none'], activations(gpt3, 4, 'none'), {
        ...exact,
        points: 2,
        failureMessage: 'Dropout masks take one byte whatever the values take.',
      }),
      hidden('selective recomputation, 16-bit', [small, 2, 'selective'], activations(small, 2, 'selective'), exact),
      hidden('full recomputation, float32', [small, 4, 'full'], activations(small, 4, 'full'), {
        ...exact,
        failureMessage: "The kept input takes the values' bytes.",
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q4',
    title: 'Per-layer precision within an accuracy budget',
    file: 'lesson5/index.ts',
    export: 'maxLowPrecisionParams',
    uses: NOTHING,
    cases: [
      shown('budget 0.3 points', [net, 0.3], bestSubset(net, 0.3), exact),
      hidden('budget 0.55 points', [net, 0.55], bestSubset(net, 0.55), {
        ...exact,
        failureMessage: 'Greedy by size is not optimal: try every subset.',
      }),
      hidden('no budget', [net, 0], bestSubset(net, 0), exact),
    ],
  },
  {
    kind: 'choice',
    id: 'l5.c1',
    title:
      'Training with Adam, a mixed policy keeps every activation in 16 bits. Why does the memory per parameter not fall?',
    points: 1,
    choices: [
      'the float32 master weights, gradients and both moments stay, and a 16-bit copy of the weights comes on top',
      'a 16-bit value is stored in a 32-bit slot on the GPU',
      'the loss scaler keeps a float32 copy of every gradient',
      'it does fall by half, as the number of bits does',
    ],
    answer: 'a',
  },
  {
    kind: 'choice',
    id: 'l5.c2',
    title: "Why is the seed's MLP slower under bfloat16 autocast than in float32 on an H200?",
    points: 1,
    choices: [
      'its products are far too small for the tensor cores: the step is launch-bound, and autocast adds cast kernels',
      'bfloat16 arithmetic is slower than float32 arithmetic on tensor cores',
      'lower precision needs more steps to converge',
      'the H200 has no bfloat16 tensor cores',
    ],
    answer: 'a',
  },
  {
    kind: 'choice',
    id: 'l5.c3',
    title:
      "mixed_float16 and float32, trained from the same seed, disagree on 6 test images, all 6 in mixed_float16's favour: McNemar's p = 0.03. What does this show?",
    points: 2,
    choices: [
      'that these two networks differ; whether the policy changes accuracy needs several seeds per policy',
      'that mixed_float16 trains more accurate models than float32',
      'nothing: a gap below one standard error of an accuracy is noise',
      'that float16 rounding acts as a regulariser',
    ],
    answer: 'a',
  },
  {
    kind: 'choice',
    id: 'l5.c4',
    title:
      'Your float32 baseline ran with TF32 on. Why is the speed-up of bfloat16 autocast over it far smaller than the bfloat16 ÷ float32 matmul throughput suggests?',
    points: 1,
    choices: [
      'TF32 already runs the float32 products on tensor cores, with 10-bit mantissa inputs',
      'TF32 stores tensors in 19 bits and halves the memory traffic',
      'TF32 turns autocast off',
      'bfloat16 products are slower than TF32 ones',
    ],
    answer: 'a',
  },
  {
    kind: 'numeric',
    id: 'l5.c5',
    title:
      'Two classifiers disagree on 10 test images, 9 to 1. The exact two-sided McNemar p-value is N/1024: what is N?',
    points: 2,
    answer: Math.round(mcnemar(9, 1) * 1024),
  },
  {
    kind: 'numeric',
    id: 'l5.c6',
    title:
      'A 13B-parameter model, mixed-precision Adam, ZeRO stage 2 over 16 GPUs: model states per GPU, in GB (10⁹ bytes)?',
    points: 2,
    answer: (2 * 13e9 + ((2 + 12) * 13e9) / 16) / 1e9,
  },
];
