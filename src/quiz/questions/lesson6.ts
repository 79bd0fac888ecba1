import { decode, DelayedScaling, MX_FORMATS, mxQuantize, nvfp4Quantize, type MxFormat } from '../../mp/index';
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

/** The OCP MX quantizer, to measure a choice with: it holds no answer to which choice is cheapest. */
const MX: Uses = { library: ['quant/mx'] };
const MX_BLOCKS = [8, 16, 32, 64] as const;

interface MxChoice {
  format: MxFormat;
  blockSize: number;
}
/** Every MX format and block size, measured on the matrix: its bits per value and relative RMS error. */
function mxChoices(values: number[], rows: number, cols: number): { choice: MxChoice; bits: number; error: number }[] {
  const data = Float32Array.from(values);
  return (Object.keys(MX_FORMATS) as MxFormat[]).flatMap((format) =>
    MX_BLOCKS.map((blockSize) => {
      const r = mxQuantize(data, format, blockSize, { shape: [rows, cols] });
      return { choice: { format, blockSize }, bits: r.bitsPerValue, error: r.error.relativeRmse };
    }),
  );
}
/** The cheapest choice within the error bound (fewest bits, then smallest error), or null: found by measuring each. */
function cheapestMx(values: number[], rows: number, cols: number, maxError: number): MxChoice | null {
  const fit = mxChoices(values, rows, cols)
    .filter((c) => c.error <= maxError)
    .sort((a, b) => a.bits - b.bits || a.error - b.error);
  return fit[0]?.choice ?? null;
}
/** The error of one choice, to set a bound exactly at it. */
const mxError = (values: number[], rows: number, cols: number, c: MxChoice): number =>
  mxChoices(values, rows, cols).find((m) => m.choice.format === c.format && m.choice.blockSize === c.blockSize)!.error;

/**
 * A gradient-like matrix, rows × 64, from a fixed seed: each row's values are Gaussian at their own scale, the
 * scales spread over `binades` binades (as a layer's gradients differ from one sample to the next), and one value
 * in `outlierEvery` is `outlier` times larger.
 */
function gradientLike(rows: number, seed: number, binades: number, outlierEvery: number, outlier: number): number[] {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0; // mulberry32
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const scale = 2 ** (-10 - binades * uniform());
    for (let c = 0; c < 64; c++) out.push(Math.fround(scale * gauss() * (uniform() < 1 / outlierEvery ? outlier : 1)));
  }
  return out;
}
const SMOOTH = gradientLike(16, 1, 6, 1e9, 1);
const SPIKY = gradientLike(16, 2, 6, 24, 30);

export const LESSON6: Question[] = [
  {
    kind: 'code',
    id: 'l6.q1',
    title: { en: 'Decode float8_e4m3fn', zh: '解码 float8_e4m3fn' },
    file: 'lesson6/index.ts',
    export: 'decodeE4M3',
    uses: ROUNDING,
    cases: [
      shown({ en: 'one (0x38)', zh: '1（0x38）' }, [0x38], e4m3(0x38), exact),
      shown({ en: 'the largest value (0x7e)', zh: '最大值（0x7e）' }, [0x7e], e4m3(0x7e), exact),
      hidden(
        { en: 'the top exponent holds numbers, not infinity', zh: '最高指数表示的是数，不是无穷大' },
        [0x78],
        e4m3(0x78),
        exact,
      ),
      hidden({ en: 'NaN is S.1111.111 only', zh: 'NaN 只有 S.1111.111' }, [0xff], NaN, exact),
      hidden({ en: 'a subnormal', zh: '次正规数' }, [0x03], e4m3(0x03), exact),
      hidden({ en: 'negative zero', zh: '负零' }, [0x80], -0, exact),
      hidden({ en: 'a negative normal', zh: '负的正规数' }, [0xd5], e4m3(0xd5), exact),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q2',
    title: { en: "Transformer Engine's delayed scaling, step by step", zh: 'Transformer Engine 的延迟缩放，逐步计算' },
    file: 'lesson6/index.ts',
    export: 'delayedScales',
    uses: ROUNDING,
    cases: [
      shown({ en: 'a steady tensor', zh: '平稳的张量' }, [[2, 2, 2], TE()], delayed([2, 2, 2], TE()), exact),
      shown(
        { en: 'the window includes the step just measured', zh: '窗口包含刚测完的这一步' },
        [[1, 4, 1, 1, 1], TE({ historyLength: 2 })],
        delayed([1, 4, 1, 1, 1], TE({ historyLength: 2 })),
        exact,
      ),
      hidden(
        { en: 'the scale is a float32 number', zh: '缩放因子是 float32 数' },
        [[3, 3], TE()],
        delayed([3, 3], TE()),
        exact,
      ),
      hidden(
        { en: 'a margin of one binade', zh: '留一个二进制量级的余量' },
        [[3.5, 1, 1], TE({ margin: 1 })],
        delayed([3.5, 1, 1], TE({ margin: 1 })),
        exact,
      ),
      hidden(
        { en: 'an all-zero window keeps the previous scale', zh: '全零窗口沿用上一个缩放因子' },
        [[2, 0, 0, 0], TE({ historyLength: 2 })],
        delayed([2, 0, 0, 0], TE({ historyLength: 2 })),
        exact,
      ),
      hidden(
        { en: 'an infinite amax keeps the previous scale', zh: 'amax 为无穷大时沿用上一个缩放因子' },
        [[2, Infinity, 2, 2], TE({ historyLength: 2 })],
        delayed([2, Infinity, 2, 2], TE({ historyLength: 2 })),
        exact,
      ),
      hidden(
        { en: 'a NaN in the window keeps the previous scale', zh: '窗口里有 NaN 时沿用上一个缩放因子' },
        [[2, NaN, 1, 1], TE({ historyLength: 2 })],
        delayed([2, NaN, 1, 1], TE({ historyLength: 2 })),
        exact,
      ),
      hidden(
        { en: "'most_recent' takes the last amax", zh: "'most_recent' 取最后一个 amax" },
        [[4, 1, 1], TE({ algo: 'most_recent', historyLength: 3 })],
        delayed([4, 1, 1], TE({ algo: 'most_recent', historyLength: 3 })),
        exact,
      ),
      hidden(
        { en: 'a scale past float32 becomes the largest float32', zh: '超出 float32 的缩放因子取最大的 float32' },
        [[1e-40, 1e-40], TE({ fp8Max: 57344 })],
        delayed(f32([1e-40, 1e-40]), TE({ fp8Max: 57344 })),
        exact,
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q3',
    title: { en: "MX blocks' shared exponents", zh: 'MX 块的共享指数' },
    file: 'lesson6/index.ts',
    export: 'mxScaleExponents',
    uses: ROUNDING,
    cases: [
      shown(
        { en: 'one block of e4m3 elements', zh: '一块 e4m3 元素' },
        [[0.5, -3, 1.25], 1, 3, 8, 32],
        mxExponents([0.5, -3, 1.25], 1, 3, 8, 32),
        exact,
      ),
      shown(
        { en: 'two rows of two blocks (e2m1)', zh: '两行、每行两块（e2m1）' },
        [[1, 2, 0.25, 0.5, 8, 1, 3, 0.75], 2, 4, 2, 2],
        mxExponents([1, 2, 0.25, 0.5, 8, 1, 3, 0.75], 2, 4, 2, 2),
        exact,
      ),
      hidden({ en: 'a power of two', zh: '2 的幂' }, [[4, -1], 1, 2, 8, 32], mxExponents([4, -1], 1, 2, 8, 32), exact),
      hidden(
        { en: 'an all-zero block', zh: '全零块' },
        [[0, 0, 3, 1], 1, 4, 2, 2],
        mxExponents([0, 0, 3, 1], 1, 4, 2, 2),
        exact,
      ),
      hidden(
        { en: 'NaN and infinity poison their own block only', zh: 'NaN 和无穷大只影响自己所在的块' },
        [[1, NaN, 2, 3, Infinity, 1], 1, 6, 2, 2],
        mxExponents([1, NaN, 2, 3, Infinity, 1], 1, 6, 2, 2),
        exact,
      ),
      hidden(
        { en: 'blocks restart at each row', zh: '每一行重新分块' },
        [[1, 2, 3, 4, 5, 64, 1, 1, 1, 1], 2, 5, 0, 4],
        mxExponents([1, 2, 3, 4, 5, 64, 1, 1, 1, 1], 2, 5, 0, 4),
        exact,
      ),
      hidden(
        { en: 'a tiny block clamps at −127', zh: '极小的块截到 −127' },
        [f32([1e-40, 0]), 1, 2, 8, 32],
        mxExponents(f32([1e-40, 0]), 1, 2, 8, 32),
        exact,
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q4',
    title: { en: "NVFP4's two levels of scale", zh: 'NVFP4 的两级缩放' },
    file: 'lesson6/index.ts',
    export: 'nvfp4Scales',
    uses: ROUNDING,
    cases: [
      shown({ en: 'one block', zh: '一块' }, [f32([3, -1, 0.5, 2])], nvfp4(f32([3, -1, 0.5, 2])), exact),
      shown(
        { en: 'two blocks, the second shorter', zh: '两块，第二块较短' },
        [f32(Array.from({ length: 20 }, (_, i) => (i - 7) / 4))],
        nvfp4(f32(Array.from({ length: 20 }, (_, i) => (i - 7) / 4))),
        exact,
      ),
      hidden(
        { en: 'the tensor scale is float32', zh: '张量级缩放因子是 float32' },
        [f32([0.7, 0.1])],
        nvfp4(f32([0.7, 0.1])),
        exact,
      ),
      hidden(
        { en: 'small gradients need the tensor level', zh: '小梯度需要张量级缩放' },
        [f32(Array.from({ length: 32 }, (_, i) => 1e-3 * Math.sin(i + 1) * (i < 16 ? 1 : 0.01)))],
        nvfp4(f32(Array.from({ length: 32 }, (_, i) => 1e-3 * Math.sin(i + 1) * (i < 16 ? 1 : 0.01)))),
        exact,
      ),
      hidden(
        { en: 'an all-zero block', zh: '全零块' },
        [f32([...Array(16).fill(0), 5, -2])],
        nvfp4(f32([...Array(16).fill(0), 5, -2])),
        exact,
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q5',
    title: {
      en: 'Open task: the fewest bits per value within an error bound',
      zh: '开放题：在误差上限内，每个值用最少的位数',
    },
    file: 'lesson6/index.ts',
    export: 'cheapestMxChoice',
    uses: MX,
    cases: [
      shown(
        { en: 'Gaussian rows, a loose bound', zh: '高斯分布的行，宽松的上限' },
        [SMOOTH, 16, 64, 0.12],
        cheapestMx(SMOOTH, 16, 64, 0.12),
        exact,
      ),
      shown(
        { en: 'rows with outliers, a tight bound', zh: '带离群值的行，严格的上限' },
        [SPIKY, 16, 64, 0.035],
        cheapestMx(SPIKY, 16, 64, 0.035),
        exact,
      ),
      hidden(
        { en: "each block's scale costs bits", zh: '每块的缩放因子也占位数' },
        [SPIKY, 16, 64, 0.15],
        cheapestMx(SPIKY, 16, 64, 0.15),
        exact,
      ),
      hidden(
        { en: 'a block size other than 32', zh: '块大小不是 32' },
        [SPIKY, 16, 64, 0.145],
        cheapestMx(SPIKY, 16, 64, 0.145),
        exact,
      ),
      hidden(
        { en: 'equal cost: the smaller error', zh: '代价相同时取误差更小的' },
        [SMOOTH, 16, 64, 0.06],
        cheapestMx(SMOOTH, 16, 64, 0.06),
        exact,
      ),
      hidden(
        { en: 'an error exactly at the bound', zh: '误差恰好等于上限' },
        [SPIKY, 16, 64, mxError(SPIKY, 16, 64, { format: 'MXFP4_E2M1', blockSize: 32 })],
        { format: 'MXFP4_E2M1', blockSize: 32 },
        exact,
      ),
      hidden(
        { en: 'MXINT8 is an MX format too', zh: 'MXINT8 也是 MX 格式' },
        [SPIKY, 16, 64, 0.016],
        cheapestMx(SPIKY, 16, 64, 0.016),
        exact,
      ),
      hidden({ en: 'no choice reaches the bound', zh: '没有任何选择能达到上限' }, [SMOOTH, 16, 64, 0.005], null, exact),
    ],
  },
  {
    kind: 'choice',
    id: 'l6.c1',
    title: {
      en: 'Why could DeepSeek-V3 use e4m3, not e5m2, for its gradients?',
      zh: '为什么 DeepSeek-V3 的梯度可以用 e4m3 而不用 e5m2？',
    },
    points: 1,
    choices: ['a', 'b', 'c', 'd'],
    answer: 'a',
  },
  {
    kind: 'choice',
    id: 'l6.c2',
    title: {
      en: 'Why does a scale per block of 32 values lose less than one scale per tensor on gradients?',
      zh: '在梯度上，为什么每 32 个数一个缩放因子比整个张量一个损失更小？',
    },
    points: 1,
    choices: ['a', 'b', 'c', 'd'],
    answer: 'b',
  },
  {
    kind: 'choice',
    id: 'l6.c3',
    title: {
      en: 'Why does DeepSeek-V3 promote partial sums to float32 every 128 products?',
      zh: '为什么 DeepSeek-V3 每 128 个乘积就把部分和提升到 float32？',
    },
    points: 1,
    choices: ['a', 'b', 'c', 'd'],
    answer: 'c',
  },
  {
    kind: 'numeric',
    id: 'l6.c4',
    title: {
      en: "Delayed scaling (e4m3, fp8_max 448, history 4, margin 0, 'max'): a tensor's amaxes over its first five steps are 8, 2, 2, 2, 2. What scale does step 6 cast with?",
      zh: "延迟缩放（e4m3，fp8_max 为 448，历史长度 4，margin 为 0，'max'）：一个张量前五步的 amax 依次是 8、2、2、2、2。第 6 步转换用的缩放因子是多少？",
    },
    points: 1,
    answer: delayed([8, 2, 2, 2, 2, 2], TE())[5]!,
  },
];
