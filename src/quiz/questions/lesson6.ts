import { decode, DelayedScaling, getFormat } from '../../mp/index';
import { hidden, shown, type Question } from '../question';

const exact = { compare: { kind: 'exact' } } as const;
function delayed(history: number[], margin: number): number {
  const s = new DelayedScaling({ historyLength: Math.max(history.length, 1), margin });
  for (const amax of history) s.cast(Float32Array.of(amax));
  return s.scale;
}
const mx = (values: number[], emax: number): number => {
  const amax = Math.max(...values.map(Math.abs));
  return amax === 0 ? -127 : Math.floor(Math.log2(amax)) - emax;
};

export const LESSON6: Question[] = [
  {
    kind: 'code',
    id: 'l6.q1',
    title: 'Decode float8_e4m3fn',
    file: 'lesson6/index.ts',
    export: 'decodeE4M3',
    uses: { library: ['formats/registry'] },
    cases: [
      shown('one', [0b0_0111_000], decode(0b0_0111_000, 'float8_e4m3fn'), exact),
      shown('the largest value', [0b0_1111_110], decode(0b0_1111_110, 'float8_e4m3fn'), {
        ...exact,
        failureMessage: 'e4m3fn uses the top exponent for numbers: 448.',
      }),
      hidden('NaN', [0x7f], NaN, exact),
      hidden('a negative subnormal', [0b1_0000_011], decode(0b1_0000_011, 'float8_e4m3fn'), exact),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q2',
    title: 'Delayed scaling',
    file: 'lesson6/index.ts',
    export: 'delayedScale',
    uses: { library: ['formats/registry'] },
    cases: [
      shown('history [2, 8, 4]', [[2, 8, 4], 448, 0], delayed([2, 8, 4], 0), exact),
      hidden('with a margin of 1', [[3.5, 1], 448, 1], delayed([3.5, 1], 1), exact),
      hidden('no history yet', [[], 448, 0], 1, exact),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q3',
    title: "An MX block's shared scale",
    file: 'lesson6/index.ts',
    export: 'mxScaleExponent',
    uses: { library: ['formats/registry'] },
    cases: [
      shown('e4m3 elements', [[0.5, -3, 1.25], 8], mx([0.5, -3, 1.25], 8), exact),
      hidden('a power of two', [[4, -1], 8], mx([4, -1], 8), exact),
      hidden('all zero', [[0, 0], 2], -127, exact),
    ],
  },
  {
    kind: 'numeric',
    id: 'l6.c1',
    title: 'What is the largest finite float8_e4m3fn value?',
    points: 1,
    answer: getFormat('float8_e4m3fn').maxFinite,
  },
  { kind: 'numeric', id: 'l6.c2', title: 'And of float8_e5m2?', points: 1, answer: getFormat('float8_e5m2').maxFinite },
];
