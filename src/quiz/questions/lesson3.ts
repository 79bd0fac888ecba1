import { castStats, roundValue } from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const bits = { compare: { kind: 'bits' } } as const;
/** Questions that may round with the library, but not count or sum with it. */
const ROUNDING: Uses = { library: ['formats', 'ops'], packages: ['@tensorflow/tfjs'] };
const f16 = (x: number): number => roundValue(x, 'float16');
const loss = (values: number[]) => {
  const s = castStats(Float32Array.from(values), 'float16');
  return { overflow: s.overflow, underflow: s.underflow };
};
/** The exact sum, rounded once to float16: Kahan's sum should be within 2 ulps of it. */
const exactSum = (values: number[]): number => f16(values.reduce((s, v) => s + f16(v), 0));
const many = (n: number, v: number): number[] => [1, ...new Array<number>(n).fill(v)];

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
      hidden('just below overflow', [65519], f16(65519), bits),
      hidden('a subnormal', [Math.fround(1e-6)], f16(1e-6), {
        ...bits,
        failureMessage: 'Below 2^-14 the spacing stays 2^-24.',
      }),
      hidden('underflow to -0', [-1e-9], f16(-1e-9), {
        ...bits,
        failureMessage: 'A negative value that underflows keeps its sign: −0.',
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
      shown('a mixed bag', [[1e5, 1, 1e-9, 0.5]], loss([1e5, 1, 1e-9, 0.5]), { compare: { kind: 'exact' } }),
      hidden('gradients', [[1e-8, 3e-8, 1e-7, 0, -70000]], loss([1e-8, 3e-8, 1e-7, 0, -70000]), {
        compare: { kind: 'exact' },
        failureMessage: 'Zero is not underflow: only non-zero values that become 0 count.',
      }),
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
      shown('1 plus 1000 × 0.0001', [many(1000, 1e-4)], exactSum(many(1000, 1e-4)), {
        compare: { kind: 'ulps', format: 'float16', ulps: 2 },
        failureMessage: 'A naive float16 sum stays at 1 here: each 1e-4 is below half an ulp of 1.',
      }),
      hidden('1 plus 3000 × 0.0003', [many(3000, 3e-4)], exactSum(many(3000, 3e-4)), {
        compare: { kind: 'ulps', format: 'float16', ulps: 2 },
      }),
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
      shown('bfloat16 weights of 1', [[1, 1, 1], [1e-3, 1e-2, 0], 'bfloat16'], 0.5, { compare: { kind: 'exact' } }),
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
