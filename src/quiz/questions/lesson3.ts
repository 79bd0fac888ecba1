import { castStats, roundValue, sumInFormat } from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const bits = { compare: { kind: 'bits' } } as const;
const exact = { compare: { kind: 'exact' } } as const;
/** Questions that may round with the library, but not count or sum with it. */
const ROUNDING: Uses = { library: ['formats', 'ops'], packages: ['@tensorflow/tfjs'] };
const f16 = (x: number): number => roundValue(x, 'float16');

const loss = (values: number[]) => {
  const s = castStats(Float32Array.from(values), 'float16');
  return { overflow: s.overflow, underflow: s.underflow };
};

// l3.q3: Kahan's sum in float16 is the library's, bit for bit (the same recurrence, every operation rounded)
const kahan = (values: number[]): number => sumInFormat(values, 'float16', { method: 'kahan' });
const many = (n: number, v: number): number[] => [1, ...new Array<number>(n).fill(v)];

// l3.q4: the share of non-zero updates a stored weight loses (round to nearest even, added in float32)
function lost(weights: number[], updates: number[], format: string): number {
  const moved = weights.map((w, i) => {
    const stored = roundValue(w, format);
    return updates[i] === 0 ? null : roundValue(Math.fround(stored + updates[i]!), format) === stored;
  });
  const counted = moved.filter((m) => m !== null);
  return counted.length === 0 ? 0 : counted.filter(Boolean).length / counted.length;
}

export const LESSON3: Question[] = [
  {
    kind: 'code',
    id: 'l3.q1',
    title: 'Round to float16 yourself',
    file: 'lesson3/index.ts',
    export: 'roundToFloat16',
    uses: { library: ['formats/registry'] }, // rounding by hand
    cases: [
      shown('a third', [Math.fround(1 / 3)], f16(1 / 3), bits),
      shown('a tie rounds to even', [2049], f16(2049), {
        ...bits,
        failureMessage: '2049 lies halfway between 2048 and 2050.',
      }),
      shown('overflow', [65520], f16(65520), { ...bits, failureMessage: 'From 65520 up, float16 rounds to infinity.' }),
      hidden('a tie between odd neighbours, negative', [-2051], f16(-2051), {
        ...bits,
        failureMessage: 'Caught: a negative tie that does not go to the even neighbour.',
      }),
      hidden('just below the overflow midpoint', [65519], f16(65519), {
        ...bits,
        failureMessage: 'Caught: overflow from just above 65504 instead of from the midpoint to the next step.',
      }),
      hidden('a subnormal', [Math.fround(1e-6)], f16(1e-6), {
        ...bits,
        failureMessage: 'Caught: below 2^-14 the spacing stays 2^-24 (subnormals).',
      }),
      hidden('between half the smallest subnormal and it', [3e-8], f16(3e-8), {
        ...bits,
        failureMessage: 'Caught: flushing to 0 every value below the smallest subnormal.',
      }),
      hidden('half the smallest subnormal, a tie', [2 ** -25], f16(2 ** -25), bits),
      hidden('underflow to -0', [-1e-9], f16(-1e-9), {
        ...bits,
        failureMessage: 'Caught: a negative value that underflows keeps its sign: −0.',
      }),
      hidden('NaN', [NaN], NaN, bits),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q2',
    title: 'Count overflow and underflow',
    file: 'lesson3/index.ts',
    export: 'castLoss',
    uses: ROUNDING,
    cases: [
      shown('a mixed bag', [[1e5, 1, 1e-9, 0.5]], loss([1e5, 1, 1e-9, 0.5]), exact),
      hidden(
        'between 65504 and the overflow midpoint',
        [[65510, 65519.5, 65520, -70000]],
        loss([65510, 65519.5, 65520, -70000]),
        {
          ...exact,
          failureMessage: 'Caught: counting everything above 65504 as overflow.',
        },
      ),
      hidden('zeros are not underflow', [[0, -0, 1e-9, 1]], loss([0, -0, 1e-9, 1]), {
        ...exact,
        failureMessage: 'Caught: counting zeros as underflow.',
      }),
      hidden(
        'around the smallest subnormal',
        [[2 ** -25, 3e-8, 2 ** -24, 1e-5]],
        loss([2 ** -25, 3e-8, 2 ** -24, 1e-5]),
        {
          ...exact,
          failureMessage:
            'Caught: a threshold instead of the rounding (below 2^-24, or subnormals, counted as underflow).',
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q3',
    title: 'Kahan summation in float16',
    file: 'lesson3/index.ts',
    export: 'kahanSumFloat16',
    uses: ROUNDING,
    cases: [
      shown('1 plus 1000 × 0.0001', [many(1000, 1e-4)], kahan(many(1000, 1e-4)), {
        ...bits,
        failureMessage: 'A naive float16 sum stays at 1 here: each 1e-4 is below half an ulp of 1.',
      }),
      hidden('1 plus 3000 × 0.0003', [many(3000, 3e-4)], kahan(many(3000, 3e-4)), bits),
      hidden(
        'three terms that cancel',
        [[0.10113525390625, 0.1527099609375, -0.302001953125]],
        kahan([0.10113525390625, 0.1527099609375, -0.302001953125]),
        { ...bits, failureMessage: 'Caught: a compensation or correction left unrounded.' },
      ),
      hidden(
        'large terms that cancel',
        [[13.40625, -0.02264404296875, -3986, -78.625, 3092]],
        kahan([13.40625, -0.02264404296875, -3986, -78.625, 3092]),
        { ...bits, failureMessage: 'Caught: a compensation or correction left unrounded.' },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q4',
    title: 'Updates that weights stored in 16 bits lose',
    file: 'lesson3/index.ts',
    export: 'lostUpdates',
    uses: ROUNDING,
    cases: [
      shown(
        'bfloat16 weights of 1',
        [[1, 1, 1], [1e-3, 1e-2, 0], 'bfloat16'],
        lost([1, 1, 1], [1e-3, 1e-2, 0], 'bfloat16'),
        exact,
      ),
      hidden(
        'a tie from an even and from an odd weight',
        [[1, 1 + 2 ** -7], [2 ** -8, 2 ** -8], 'bfloat16'],
        lost([1, 1 + 2 ** -7], [2 ** -8, 2 ** -8], 'bfloat16'),
        {
          ...exact,
          failureMessage: 'Caught: a tie is neither always lost nor always kept: it goes to the even neighbour.',
        },
      ),
      hidden(
        'just below a power of two',
        [[1, 1], [-0.003, 0.003], 'bfloat16'],
        lost([1, 1], [-0.003, 0.003], 'bfloat16'),
        {
          ...exact,
          failureMessage: 'Caught: the gap below a power of two is half the gap above it.',
        },
      ),
      hidden('zero updates', [[1, 1, 1], [0, 0, 1e-3], 'bfloat16'], lost([1, 1, 1], [0, 0, 1e-3], 'bfloat16'), {
        ...exact,
        failureMessage: 'Caught: updates of 0 counted.',
      }),
      hidden('a weight the format cannot hold', [[1.001], [0.003], 'bfloat16'], lost([1.001], [0.003], 'bfloat16'), {
        ...exact,
        failureMessage: 'Caught: the weight used as given, not as the format stores it.',
      }),
      hidden(
        'float16 weights',
        [[-2, 1000, 0.5], [1e-4, 0.2, 1e-3], 'float16'],
        lost([-2, 1000, 0.5], [1e-4, 0.2, 1e-3], 'float16'),
        exact,
      ),
    ],
  },
  {
    kind: 'numeric',
    id: 'l3.c1',
    title:
      'A language model has V = 128 000 tokens and averages its loss over N = 4 096 tokens; most logit gradients are ' +
      'about 1/(V·N). What is the smallest power-of-two loss scale S for which such an entry does not round to 0 in float16?',
    points: 2,
    answer: 16,
  },
  {
    kind: 'choice',
    id: 'l3.c2',
    title: 'Why does a loss scaler divide the gradients by S before the optimizer step?',
    points: 1,
    choices: [
      "Adam's ε and a clipping threshold are absolute numbers: scaled gradients change what they do",
      'Dividing restores the precision float16 lost in the backward pass',
      'Scaled gradients would underflow in the float32 master weights',
      'Dividing the learning rate by S instead would underflow in float16',
    ],
    answer: "Adam's ε and a clipping threshold are absolute numbers: scaled gradients change what they do",
  },
  {
    kind: 'choice',
    id: 'l3.c3',
    title: 'Which problem remains when weights are stored in bfloat16 without a float32 master copy?',
    points: 1,
    choices: [
      'Gradients underflow unless the loss is scaled',
      "Its dynamic range is smaller than float16's",
      'Updates below half an ulp of a weight are rounded away',
      'None: bfloat16 weights train exactly like float32 ones',
    ],
    answer: 'Updates below half an ulp of a weight are rounded away',
  },
  {
    kind: 'choice',
    id: 'l3.c4',
    title: 'Why does stochastic rounding let bfloat16 weights keep learning where round-to-nearest stalls?',
    points: 1,
    choices: [
      'It keeps more significant bits',
      'Its rounding is right on average, so small updates add up',
      'Backpropagation corrects its random errors',
      'It rounds every update up',
    ],
    answer: 'Its rounding is right on average, so small updates add up',
  },
];
