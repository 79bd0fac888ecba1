import { decode, getFormat, type FloatFormat } from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const limits = (name: string) => {
  const f = getFormat(name) as FloatFormat;
  return { maxFinite: f.maxFinite, minNormal: f.minNormal, minSubnormal: f.minSubnormal, epsilon: f.epsilon };
};
const exact = { compare: { kind: 'exact' } } as const;
/** The formats by hand: no library (its registry holds these very limits), no package. */
const PLAIN: Uses = {};

export const LESSON1: Question[] = [
  {
    kind: 'code',
    id: 'l1.q1',
    title: "A format's limits from its exponent and mantissa bits",
    file: 'lesson1/index.ts',
    export: 'formatLimits',
    uses: PLAIN,
    cases: [
      shown('float16 (5, 10)', [5, 10], limits('float16'), { ...exact, failureMessage: 'float16 tops out at 65504.' }),
      shown('bfloat16 (8, 7)', [8, 7], limits('bfloat16'), exact),
      hidden('float8_e5m2 (5, 2)', [5, 2], limits('float8_e5m2'), exact),
      hidden('float8_e3m4 (3, 4)', [3, 4], limits('float8_e3m4'), {
        ...exact,
        failureMessage: 'Remember the all-ones exponent is reserved.',
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q2',
    title: 'Decode a float16 bit pattern',
    file: 'lesson1/index.ts',
    export: 'decodeFloat16',
    uses: PLAIN,
    cases: [
      shown('one', [0x3c00], decode(0x3c00, 'float16'), exact),
      shown('largest finite', [0x7bff], decode(0x7bff, 'float16'), exact),
      shown('negative zero', [0x8000], decode(0x8000, 'float16'), {
        ...exact,
        failureMessage: 'The sign bit alone gives −0.',
      }),
      hidden('smallest subnormal', [0x0001], decode(0x0001, 'float16'), {
        ...exact,
        failureMessage: 'Exponent field 0 has no implicit leading 1.',
      }),
      hidden('negative infinity', [0xfc00], decode(0xfc00, 'float16'), exact),
      hidden('a NaN', [0x7e01], decode(0x7e01, 'float16'), exact),
      hidden('-2.5', [0xc100], decode(0xc100, 'float16'), exact),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q3',
    title: 'Bytes to store values in a packed format',
    file: 'lesson1/index.ts',
    export: 'storageBytes',
    uses: PLAIN,
    cases: [
      shown('a million float16 values', [1_000_000, 16], 2_000_000, exact),
      shown('three float4 values', [3, 4], Math.ceil((3 * 4) / 8), {
        ...exact,
        failureMessage: 'A half-used byte still takes a byte.',
      }),
      hidden('five float6 values', [5, 6], Math.ceil((5 * 6) / 8), exact),
      hidden('the seed MLP in bfloat16', [50890, 16], 101780, exact),
    ],
  },
  {
    kind: 'numeric',
    id: 'l1.c1',
    title: 'What is the largest finite float16 value?',
    points: 1,
    answer: getFormat('float16').maxFinite,
  },
  {
    kind: 'numeric',
    id: 'l1.c2',
    title: 'How many exponent bits does bfloat16 have (the same as float32)?',
    points: 1,
    answer: (getFormat('bfloat16') as FloatFormat).expBits,
  },
];
