import { decode, DelayedScaling, mxQuantize, nvfp4Quantize, type MxFormat } from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const exact = { compare: { kind: 'exact' } } as const;
/** Float rounding and the format specs: what NVFP4's E4M3 block scales need, not the library's quantizers. */
const ROUNDING: Uses = { library: ['formats/round'] };

const e4m3 = (code: number): number => decode(code, 'float8_e4m3fn');

interface Settings {
  historyLength: number;
  fp8Max: number;
  margin: number;
  algo: 'max' | 'most_recent';
}
const TE = (more: Partial<Settings> = {}): Settings => ({
  historyLength: 4,
  fp8Max: 448,
  margin: 0,
  algo: 'max',
  ...more,
});
/** The scale each step casts with, from the library's DelayedScaling (Transformer Engine's recipe). */
function delayed(amaxes: number[], s: Settings): number[] {
  const ds = new DelayedScaling({
    format: s.fp8Max === 448 ? 'float8_e4m3fn' : 'float8_e5m2',
    historyLength: s.historyLength,
    margin: s.margin,
    amaxComputeAlgo: s.algo,
  });
  return amaxes.map((amax) => {
    const used = ds.scale;
    ds.record(amax);
    ds.update();
    return used;
  });
}

/** The MX format whose elements have this emax_elem. */
const MX_BY_EMAX: Record<number, MxFormat> = {
  8: 'MXFP8_E4M3',
  15: 'MXFP8_E5M2',
  4: 'MXFP6_E3M2',
  2: 'MXFP4_E2M1',
  0: 'MXINT8',
};
function mxExponents(values: number[], rows: number, cols: number, emax: number, blockSize: number): number[] {
  const r = mxQuantize(Float32Array.from(values), MX_BY_EMAX[emax]!, blockSize, { shape: [rows, cols] });
  return Array.from(r.scaleExponents);
}

function nvfp4(values: number[]): { globalScale: number; blockScales: number[] } {
  const r = nvfp4Quantize(Float32Array.from(values));
  return { globalScale: r.globalScale, blockScales: Array.from(r.blockScales) };
}
const f32 = (xs: number[]): number[] => xs.map(Math.fround);

export const LESSON6: Question[] = [
  {
    kind: 'code',
    id: 'l6.q1',
    title: 'Decode float8_e4m3fn',
    file: 'lesson6/index.ts',
    export: 'decodeE4M3',
    uses: ROUNDING,
    cases: [
      shown('one (0x38)', [0x38], e4m3(0x38), exact),
      shown('the largest value (0x7e)', [0x7e], e4m3(0x7e), exact),
      hidden('the top exponent holds numbers, not infinity', [0x78], e4m3(0x78), exact),
      hidden('NaN is S.1111.111 only', [0xff], NaN, exact),
      hidden('a subnormal', [0x03], e4m3(0x03), exact),
      hidden('negative zero', [0x80], -0, exact),
      hidden('a negative normal', [0xd5], e4m3(0xd5), exact),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q2',
    title: "Transformer Engine's delayed scaling, step by step",
    file: 'lesson6/index.ts',
    export: 'delayedScales',
    uses: ROUNDING,
    cases: [
      shown('a steady tensor', [[2, 2, 2], TE()], delayed([2, 2, 2], TE()), exact),
      shown(
        'the window includes the step just measured',
        [[1, 4, 1, 1, 1], TE({ historyLength: 2 })],
        delayed([1, 4, 1, 1, 1], TE({ historyLength: 2 })),
        exact,
      ),
      hidden('the scale is a float32 number', [[3, 3], TE()], delayed([3, 3], TE()), exact),
      hidden(
        'a margin of one binade',
        [[3.5, 1, 1], TE({ margin: 1 })],
        delayed([3.5, 1, 1], TE({ margin: 1 })),
        exact,
      ),
      hidden(
        'an all-zero window keeps the previous scale',
        [[2, 0, 0, 0], TE({ historyLength: 2 })],
        delayed([2, 0, 0, 0], TE({ historyLength: 2 })),
        exact,
      ),
      hidden(
        'an infinite amax keeps the previous scale',
        [[2, Infinity, 2, 2], TE({ historyLength: 2 })],
        delayed([2, Infinity, 2, 2], TE({ historyLength: 2 })),
        exact,
      ),
      hidden(
        'a NaN in the window keeps the previous scale',
        [[2, NaN, 1, 1], TE({ historyLength: 2 })],
        delayed([2, NaN, 1, 1], TE({ historyLength: 2 })),
        exact,
      ),
      hidden(
        "'most_recent' takes the last amax",
        [[4, 1, 1], TE({ algo: 'most_recent', historyLength: 3 })],
        delayed([4, 1, 1], TE({ algo: 'most_recent', historyLength: 3 })),
        exact,
      ),
      hidden(
        'a scale past float32 becomes the largest float32',
        [[1e-40, 1e-40], TE({ fp8Max: 57344 })],
        delayed(f32([1e-40, 1e-40]), TE({ fp8Max: 57344 })),
        exact,
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q3',
    title: "MX blocks' shared exponents",
    file: 'lesson6/index.ts',
    export: 'mxScaleExponents',
    uses: ROUNDING,
    cases: [
      shown(
        'one block of e4m3 elements',
        [[0.5, -3, 1.25], 1, 3, 8, 32],
        mxExponents([0.5, -3, 1.25], 1, 3, 8, 32),
        exact,
      ),
      shown(
        'two rows of two blocks (e2m1)',
        [[1, 2, 0.25, 0.5, 8, 1, 3, 0.75], 2, 4, 2, 2],
        mxExponents([1, 2, 0.25, 0.5, 8, 1, 3, 0.75], 2, 4, 2, 2),
        exact,
      ),
      hidden('a power of two', [[4, -1], 1, 2, 8, 32], mxExponents([4, -1], 1, 2, 8, 32), exact),
      hidden('an all-zero block', [[0, 0, 3, 1], 1, 4, 2, 2], mxExponents([0, 0, 3, 1], 1, 4, 2, 2), exact),
      hidden(
        'NaN and infinity poison their own block only',
        [[1, NaN, 2, 3, Infinity, 1], 1, 6, 2, 2],
        mxExponents([1, NaN, 2, 3, Infinity, 1], 1, 6, 2, 2),
        exact,
      ),
      hidden(
        'blocks restart at each row',
        [[1, 2, 3, 4, 5, 64, 1, 1, 1, 1], 2, 5, 0, 4],
        mxExponents([1, 2, 3, 4, 5, 64, 1, 1, 1, 1], 2, 5, 0, 4),
        exact,
      ),
      hidden(
        'a tiny block clamps at −127',
        [f32([1e-40, 0]), 1, 2, 8, 32],
        mxExponents(f32([1e-40, 0]), 1, 2, 8, 32),
        exact,
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q4',
    title: "NVFP4's two levels of scale",
    file: 'lesson6/index.ts',
    export: 'nvfp4Scales',
    uses: ROUNDING,
    cases: [
      shown('one block', [f32([3, -1, 0.5, 2])], nvfp4(f32([3, -1, 0.5, 2])), exact),
      shown(
        'two blocks, the second shorter',
        [f32(Array.from({ length: 20 }, (_, i) => (i - 7) / 4))],
        nvfp4(f32(Array.from({ length: 20 }, (_, i) => (i - 7) / 4))),
        exact,
      ),
      hidden('the tensor scale is float32', [f32([0.7, 0.1])], nvfp4(f32([0.7, 0.1])), exact),
      hidden(
        'small gradients need the tensor level',
        [f32(Array.from({ length: 32 }, (_, i) => 1e-3 * Math.sin(i + 1) * (i < 16 ? 1 : 0.01)))],
        nvfp4(f32(Array.from({ length: 32 }, (_, i) => 1e-3 * Math.sin(i + 1) * (i < 16 ? 1 : 0.01)))),
        exact,
      ),
      hidden(
        'an all-zero block',
        [f32([...Array(16).fill(0), 5, -2])],
        nvfp4(f32([...Array(16).fill(0), 5, -2])),
        exact,
      ),
    ],
  },
  {
    kind: 'choice',
    id: 'l6.c1',
    title: 'Why could DeepSeek-V3 use e4m3, not e5m2, for its gradients?',
    points: 1,
    choices: ['a', 'b', 'c', 'd'],
    answer: 'a',
  },
  {
    kind: 'choice',
    id: 'l6.c2',
    title: 'Why does a scale per block of 32 values lose less than one scale per tensor on gradients?',
    points: 1,
    choices: ['a', 'b', 'c', 'd'],
    answer: 'b',
  },
  {
    kind: 'choice',
    id: 'l6.c3',
    title: 'Why does DeepSeek-V3 promote partial sums to float32 every 128 products?',
    points: 1,
    choices: ['a', 'b', 'c', 'd'],
    answer: 'c',
  },
  {
    kind: 'numeric',
    id: 'l6.c4',
    title: "Delayed scaling: amaxes 8, 2, 2, 2, 2 with a history of 4 (e4m3, margin 0, 'max'): step 6's scale?",
    points: 1,
    answer: delayed([8, 2, 2, 2, 2, 2], TE())[5]!,
  },
];
