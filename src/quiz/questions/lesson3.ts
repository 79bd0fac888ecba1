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
    kind: 'numeric',
    id: 'l3.c1',
    title: 'In float16, what is 2048 + 1?',
    points: 1,
    answer: f16(2048 + 1),
  },
];
