import { decode, DelayedScaling, MX_FORMATS, mxQuantize, nvfp4Quantize, type MxFormat } from '../../mp/index';
import { judgedBy } from '../judges';
import { hidden, judged, shown, type Question, type Uses } from '../question';
import { CHEAPEST_MX, DECODE_E4M3, DELAYED_SCALES, MX_SCALE_EXPONENTS, NVFP4_SCALES } from './lesson6_mistakes';

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
/** The judged case's matrix: rows over eight binades, one value in 32 twenty times larger. */
const WIDE = gradientLike(16, 3, 8, 32, 20);

export const LESSON6: Question[] = [
  {
    kind: 'code',
    id: 'l6.q1',
    minutes: 10,
    title: { en: 'Decode float8_e4m3fn', zh: '解码 float8_e4m3fn' },
    prompt: {
      en:
        'l6.q1: the value of an OCP FP8 e4m3fn code (an integer 0..255): 1 sign bit, then 4 exponent bits with bias 7, ' +
        'then 3 mantissa bits. An exponent field of 0 holds zero and the subnormals (no implicit leading 1), as in IEEE ' +
        'formats. Unlike IEEE formats, e4m3fn ("fn": finite, with a NaN encoding of its own) has no infinities: its top exponent field holds numbers too, ' +
        'and only S.1111.111 (0x7f, 0xff) is NaN. Keep the sign of zero. Example: decodeE4M3(0x38) is 1.',
      zh:
        'l6.q1：求 OCP FP8 e4m3fn 编码（0..255 的整数）表示的值：1 位符号，接着 4 位指数（偏置为 7），再接 3 位尾数。' +
        '指数域为 0 时表示零和次正规数（没有隐含的前导 1），与 IEEE 格式相同。与 IEEE 格式不同，e4m3fn（fn：finite，NaN 另有编码）' +
        '没有无穷大：最高的指数域也表示普通数值，只有 S.1111.111（0x7f、0xff）是 NaN。保留零的符号。例：decodeE4M3(0x38) 为 1。',
    },
    file: 'lesson6/index.ts',
    export: 'decodeE4M3',
    uses: ROUNDING,
    cases: [
      shown({ en: 'one (0x38)', zh: '数值 1（0x38）' }, [0x38], e4m3(0x38), { ...exact, mistakes: DECODE_E4M3 }),
      shown({ en: 'the largest value (0x7e)', zh: '最大值（0x7e）' }, [0x7e], e4m3(0x7e), {
        ...exact,
        mistakes: DECODE_E4M3,
      }),
      hidden(
        { en: 'the top exponent holds numbers, not infinity', zh: '最高指数表示的是数，不是无穷大' },
        [0x78],
        e4m3(0x78),
        {
          ...exact,
          mistakes: DECODE_E4M3,
          catches: {
            en: 'the top exponent read as infinity or NaN, as in IEEE formats',
            zh: '把最高指数按 IEEE 格式读成了无穷大或 NaN',
          },
        },
      ),
      hidden({ en: 'NaN is S.1111.111 only', zh: 'NaN 只有 S.1111.111' }, [0xff], NaN, {
        ...exact,
        mistakes: DECODE_E4M3,
        catches: { en: 'the NaN pattern read as a number', zh: '把 NaN 编码当成了数值' },
      }),
      hidden({ en: 'a subnormal', zh: '次正规数' }, [0x03], e4m3(0x03), {
        ...exact,
        mistakes: DECODE_E4M3,
        catches: { en: 'a missing or wrong subnormal rule', zh: '缺少次正规数规则，或者规则写错了' },
      }),
      hidden({ en: 'the sign of zero', zh: '零的符号' }, [0x80], -0, {
        ...exact,
        mistakes: DECODE_E4M3,
        catches: { en: 'the sign of zero lost', zh: '丢了零的符号' },
      }),
      hidden({ en: 'a negative normal', zh: '负的正规数' }, [0xd5], e4m3(0xd5), {
        ...exact,
        mistakes: DECODE_E4M3,
        catches: { en: 'the sign bit misread', zh: '读错了符号位' },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q2',
    minutes: 20,
    title: { en: "Transformer Engine's delayed scaling, step by step", zh: 'Transformer Engine 的延迟缩放，逐步计算' },
    prompt: {
      en:
        "l6.q2: the scale Transformer Engine's delayed scaling casts with at each step, given the amax each step " +
        "measured (amaxes[i] is step i + 1's). The first step has no history and casts with scale 1. After each step " +
        "its amax joins the history, which keeps the last historyLength steps, that one included; the next step's " +
        "scale puts the history's amax (by algo) at fp8Max with margin binades of headroom. Transformer Engine keeps " +
        'scales in float32 and computes them in float32. An amax that gives no usable scale (zero, NaN or infinite; a ' +
        "NaN anywhere in a 'max' window counts) keeps the previous scale; a scale too large for float32 becomes the " +
        "largest float32. Example: delayedScales([4, 4], { historyLength: 4, fp8Max: 448, margin: 0, algo: 'max' }) " +
        'is [1, 112].',
      zh:
        'l6.q2：给出每一步测得的 amax（amaxes[i] 是第 i + 1 步的），求 Transformer Engine 的延迟缩放在每一步转换时所用的' +
        '缩放因子。第一步还没有历史，用缩放因子 1。每一步结束后，它的 amax 加入历史；历史保留最近 historyLength 步，' +
        '包括刚结束的这一步。下一步的缩放因子把历史的 amax（按 algo 取）放到 fp8Max，并留出 margin 个二进制量级的余量。' +
        'Transformer Engine 用 float32 保存并计算缩放因子。得不到可用缩放因子的 amax（零、NaN 或无穷大；' +
        "'max' 窗口里任何一个 NaN 都算）沿用上一个缩放因子；超出 float32 的缩放因子取最大的 float32。" +
        "例：delayedScales([4, 4], { historyLength: 4, fp8Max: 448, margin: 0, algo: 'max' }) 为 [1, 112]。",
    },
    file: 'lesson6/index.ts',
    export: 'delayedScales',
    uses: ROUNDING,
    cases: [
      shown({ en: 'a steady tensor', zh: '平稳的张量' }, [[4, 4, 4], TE()], delayed([4, 4, 4], TE()), {
        ...exact,
        mistakes: DELAYED_SCALES,
      }),
      shown(
        { en: 'the window includes the step just measured', zh: '窗口包含刚测完的这一步' },
        [[1, 4, 1, 1, 1], TE({ historyLength: 2 })],
        delayed([1, 4, 1, 1, 1], TE({ historyLength: 2 })),
        { ...exact, mistakes: DELAYED_SCALES },
      ),
      hidden(
        { en: 'the scale is a float32 number', zh: '缩放因子是 float32 数' },
        [[3, 3], TE()],
        delayed([3, 3], TE()),
        {
          ...exact,
          mistakes: DELAYED_SCALES,
          catches: { en: 'a scale computed in double precision', zh: '缩放因子用双精度计算' },
        },
      ),
      hidden(
        { en: 'a margin of one binade', zh: '留一个二进制量级的余量' },
        [[3.5, 1, 1], TE({ margin: 1 })],
        delayed([3.5, 1, 1], TE({ margin: 1 })),
        {
          ...exact,
          mistakes: DELAYED_SCALES,
          catches: { en: 'the margin applied the wrong way', zh: 'margin 的方向用反了' },
        },
      ),
      hidden(
        { en: 'an all-zero window keeps the previous scale', zh: '全零窗口沿用上一个缩放因子' },
        [[2, 0, 0, 0], TE({ historyLength: 2 })],
        delayed([2, 0, 0, 0], TE({ historyLength: 2 })),
        {
          ...exact,
          mistakes: DELAYED_SCALES,
          catches: { en: 'a scale computed from a zero amax', zh: '用为零的 amax 算了缩放因子' },
        },
      ),
      hidden(
        { en: 'an infinite amax keeps the previous scale', zh: 'amax 为无穷大时沿用上一个缩放因子' },
        [[2, Infinity, 2, 2], TE({ historyLength: 2 })],
        delayed([2, Infinity, 2, 2], TE({ historyLength: 2 })),
        {
          ...exact,
          mistakes: DELAYED_SCALES,
          catches: { en: 'a scale computed from an infinite amax', zh: '用无穷大的 amax 算了缩放因子' },
        },
      ),
      hidden(
        { en: 'a NaN in the window keeps the previous scale', zh: '窗口里有 NaN 时沿用上一个缩放因子' },
        [[2, NaN, 1, 1], TE({ historyLength: 2 })],
        delayed([2, NaN, 1, 1], TE({ historyLength: 2 })),
        {
          ...exact,
          mistakes: DELAYED_SCALES,
          catches: { en: 'a NaN in the window skipped or used', zh: '窗口里的 NaN 被跳过或被拿来计算' },
        },
      ),
      hidden(
        { en: "'most_recent' takes the last amax", zh: "'most_recent' 取最后一个 amax" },
        [[4, 1, 1], TE({ algo: 'most_recent', historyLength: 3 })],
        delayed([4, 1, 1], TE({ algo: 'most_recent', historyLength: 3 })),
        {
          ...exact,
          mistakes: DELAYED_SCALES,
          catches: { en: "'most_recent' read as 'max'", zh: "把 'most_recent' 当成了 'max'" },
        },
      ),
      hidden(
        { en: 'a scale past float32 becomes the largest float32', zh: '超出 float32 的缩放因子取最大的 float32' },
        [[1e-40, 1e-40], TE({ fp8Max: 57344 })],
        delayed(f32([1e-40, 1e-40]), TE({ fp8Max: 57344 })),
        {
          ...exact,
          mistakes: DELAYED_SCALES,
          catches: { en: 'a scale beyond float32’s range', zh: '缩放因子超出了 float32 的范围' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q3',
    minutes: 15,
    title: { en: "MX blocks' shared exponents", zh: 'MX 块的共享指数' },
    prompt: {
      en:
        'l6.q3: the shared exponent e (the scale is X = 2^e) of every OCP MX block of a rows × cols matrix given row ' +
        'by row: each row is cut into blocks of blockSize values from its start (its last block may be shorter), and ' +
        "the blocks are listed row by row. The spec chooses e so that the block's largest magnitude, divided by X, has " +
        "the exponent emaxElement: that of the element format's largest normal value (8 for e4m3, 2 for e2m1), so it " +
        "lands in the element format's top binade. The scale is stored as E8M0: e stays within −127..127, and an " +
        'all-zero block gets −127. A block holding a NaN or an infinity gets NaN; the other blocks are not affected. ' +
        'Example: mxScaleExponents([0.5, -3, 1.25], 1, 3, 8, 32) is [-7].',
      zh:
        'l6.q3：一个 rows × cols 的矩阵按行给出，求它每个 OCP MX 块的共享指数 e（缩放因子 X = 2^e）：每一行从头开始' +
        '切成 blockSize 个值一块（最后一块可以较短），各块按行依次列出。规范选取 e，使块中绝对值最大的数除以 X 后' +
        '的指数等于 emaxElement，即元素格式最大正规数的指数（e4m3 为 8，e2m1 为 2），从而落在元素格式最高的二进制' +
        '量级里。缩放因子以 E8M0 存储：e 限制在 −127..127，全零块取 −127。含 NaN 或无穷大的块得到 NaN，其他块不受影响。' +
        '例：mxScaleExponents([0.5, -3, 1.25], 1, 3, 8, 32) 为 [-7]。',
    },
    file: 'lesson6/index.ts',
    export: 'mxScaleExponents',
    uses: ROUNDING,
    cases: [
      shown(
        { en: 'one block of e4m3 elements', zh: '一块 e4m3 元素' },
        [[0.5, -3, 1.25], 1, 3, 8, 32],
        mxExponents([0.5, -3, 1.25], 1, 3, 8, 32),
        { ...exact, mistakes: MX_SCALE_EXPONENTS },
      ),
      shown(
        { en: 'two rows of two blocks (e2m1)', zh: '两行、每行两块（e2m1）' },
        [[1, 2, 0.25, 0.5, 8, 1, 3, 0.75], 2, 4, 2, 2],
        mxExponents([1, 2, 0.25, 0.5, 8, 1, 3, 0.75], 2, 4, 2, 2),
        { ...exact, mistakes: MX_SCALE_EXPONENTS },
      ),
      hidden({ en: 'a power of two', zh: '2 的幂' }, [[4, -1], 1, 2, 8, 32], mxExponents([4, -1], 1, 2, 8, 32), {
        ...exact,
        mistakes: MX_SCALE_EXPONENTS,
        catches: { en: 'ceil(log2) − 1 in place of floor(log2)', zh: '用 ceil(log2) − 1 代替了 floor(log2)' },
      }),
      hidden(
        { en: 'a negative value sets the scale', zh: '由负数决定缩放因子' },
        [[-12, 1, 0.5, 2], 1, 4, 2, 4],
        mxExponents([-12, 1, 0.5, 2], 1, 4, 2, 4),
        {
          ...exact,
          mistakes: MX_SCALE_EXPONENTS,
          catches: { en: 'the largest value taken for the largest magnitude', zh: '把最大值当成了最大绝对值' },
        },
      ),
      hidden(
        { en: 'an all-zero block', zh: '全零块' },
        [[0, 0, 3, 1], 1, 4, 2, 2],
        mxExponents([0, 0, 3, 1], 1, 4, 2, 2),
        {
          ...exact,
          mistakes: MX_SCALE_EXPONENTS,
          catches: { en: 'an all-zero block given no E8M0 exponent', zh: '全零块没有给出 E8M0 指数' },
        },
      ),
      hidden(
        { en: 'NaN and infinity poison their own block only', zh: 'NaN 和无穷大只影响自己所在的块' },
        [[1, NaN, 2, 3, Infinity, 1], 1, 6, 2, 2],
        mxExponents([1, NaN, 2, 3, Infinity, 1], 1, 6, 2, 2),
        {
          ...exact,
          mistakes: MX_SCALE_EXPONENTS,
          catches: {
            en: 'a NaN or infinity skipped, or spread to other blocks',
            zh: 'NaN 或无穷大被跳过，或者影响了其他块',
          },
        },
      ),
      hidden(
        { en: 'blocks restart at each row', zh: '每一行重新分块' },
        [[1, 2, 3, 4, 5, 64, 1, 1, 1, 1], 2, 5, 0, 4],
        mxExponents([1, 2, 3, 4, 5, 64, 1, 1, 1, 1], 2, 5, 0, 4),
        { ...exact, mistakes: MX_SCALE_EXPONENTS, catches: { en: 'blocks that run on across rows', zh: '块跨行延续' } },
      ),
      hidden(
        { en: 'a tiny block clamps at −127', zh: '极小的块截到 −127' },
        [f32([1e-40, 0]), 1, 2, 8, 32],
        mxExponents(f32([1e-40, 0]), 1, 2, 8, 32),
        {
          ...exact,
          mistakes: MX_SCALE_EXPONENTS,
          catches: { en: "an exponent below E8M0's range", zh: '指数低于 E8M0 的范围' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q4',
    minutes: 15,
    title: { en: "NVFP4's two levels of scale", zh: 'NVFP4 的两级缩放' },
    prompt: {
      en:
        "l6.q4: NVFP4's two levels of scale for a 1-D tensor of float32 values, as Transformer Engine's recipe " +
        'computes them, every operation rounded to float32: the tensor scale S = (448 · 6) / amax, which maps the ' +
        "tensor's largest magnitude to the largest E4M3 block scale (448) times the largest E2M1 element (6), the " +
        'largest float32 where that overflows; and for each block of 16 values (the last may be shorter), its E4M3 ' +
        'scale (block amax / 6) · S, clamped to 448 and rounded to E4M3 (round to nearest even: ' +
        "roundValue(x, 'float8_e4m3fn'), imported from '../../src/mp/formats/round'). Example: " +
        'nvfp4Scales(Array(16).fill(3)).blockScales is [448].',
      zh:
        'l6.q4：按 Transformer Engine 的配方求一维 float32 张量的 NVFP4 两级缩放因子，每一步运算都舍入到 float32：' +
        '张量级缩放因子 S = (448 · 6) / amax，把张量中绝对值最大的数映射到最大的 E4M3 块缩放因子（448）乘以最大的 ' +
        'E2M1 元素（6），溢出时取最大的 float32；每 16 个值一块（最后一块可以较短），块缩放因子为 (块 amax / 6) · S，' +
        "截到 448 以内并舍入到 E4M3（就近舍入到偶数：roundValue(x, 'float8_e4m3fn')，从 '../../src/mp/formats/round' " +
        '导入）。例：nvfp4Scales(Array(16).fill(3)).blockScales 为 [448]。',
    },
    file: 'lesson6/index.ts',
    export: 'nvfp4Scales',
    uses: ROUNDING,
    cases: [
      shown({ en: 'one block', zh: '一块' }, [f32([3, -1, 0.5, 2])], nvfp4(f32([3, -1, 0.5, 2])), {
        ...exact,
        mistakes: NVFP4_SCALES,
      }),
      shown(
        { en: 'two blocks, the second shorter', zh: '两块，第二块较短' },
        [f32(Array.from({ length: 20 }, (_, i) => (i - 7) / 4))],
        nvfp4(f32(Array.from({ length: 20 }, (_, i) => (i - 7) / 4))),
        { ...exact, mistakes: NVFP4_SCALES },
      ),
      hidden(
        { en: 'the tensor scale is float32', zh: '张量级缩放因子是 float32' },
        [f32([0.7, 0.1])],
        nvfp4(f32([0.7, 0.1])),
        {
          ...exact,
          mistakes: NVFP4_SCALES,
          catches: { en: 'the tensor scale computed in double precision', zh: '张量级缩放因子用双精度计算' },
        },
      ),
      hidden(
        { en: 'small gradients need the tensor level', zh: '小梯度需要张量级缩放' },
        [f32(Array.from({ length: 32 }, (_, i) => 1e-3 * Math.sin(i + 1) * (i < 16 ? 1 : 0.01)))],
        nvfp4(f32(Array.from({ length: 32 }, (_, i) => 1e-3 * Math.sin(i + 1) * (i < 16 ? 1 : 0.01)))),
        {
          ...exact,
          mistakes: NVFP4_SCALES,
          catches: { en: 'the tensor-level scale left out', zh: '漏掉了张量级缩放因子' },
        },
      ),
      hidden(
        { en: 'an all-zero block', zh: '全零块' },
        [f32([...Array(16).fill(0), 5, -2])],
        nvfp4(f32([...Array(16).fill(0), 5, -2])),
        {
          ...exact,
          mistakes: NVFP4_SCALES,
          catches: { en: 'an all-zero block given no E8M0 exponent', zh: '全零块没有给出 E8M0 指数' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q5',
    minutes: 25,
    title: {
      en: 'Open task: the fewest bits per value within an error bound',
      zh: '开放题：在误差上限内，每个值用最少的位数',
    },
    prompt: {
      en:
        'l6.q5, an open task: the cheapest way to store a rows × cols matrix (given row by row) in an OCP MX format ' +
        'whose error stays within maxError. Try the six MX formats with blocks of 8, 16, 32 or 64 values along each ' +
        'row; the error is the relative RMS error that mxQuantize(values, format, blockSize, { shape: [rows, cols] }) ' +
        'reports (.error.relativeRmse, at most maxError), the cost its bits per value (.bitsPerValue). Return the ' +
        'choice that costs the fewest bits per value; between choices of the same cost, the one with the smaller ' +
        "error. Return null when no choice reaches maxError. Import mxQuantize from '../../src/mp/quant/mx'. One " +
        'case measures your choice on a matrix of its own: full points for a choice within the bound at the fewest ' +
        'bits per value, half for a dearer one within it.',
      zh:
        'l6.q5，开放题：把一个按行给出的 rows × cols 矩阵存成 OCP MX 格式，在误差不超过 maxError 的前提下找最省的方案。' +
        '在六种 MX 格式和沿每行 8、16、32 或 64 个值一块之间选择；误差是 ' +
        'mxQuantize(values, format, blockSize, { shape: [rows, cols] }) 报告的相对均方根误差（.error.relativeRmse，' +
        '不超过 maxError），代价是它的每值位数（.bitsPerValue）。返回每值位数最少的方案；代价相同时取误差更小的。' +
        "没有方案能达到 maxError 时返回 null。mxQuantize 从 '../../src/mp/quant/mx' 导入。" +
        '有一个用例在它自己的矩阵上测量你的方案：在上限以内且每值位数最少得满分，在上限以内但位数更多得一半。',
    },
    file: 'lesson6/index.ts',
    export: 'cheapestMxChoice',
    uses: MX,
    cases: [
      shown(
        { en: 'Gaussian rows, a loose bound', zh: '高斯分布的行，宽松的上限' },
        [SMOOTH, 16, 64, 0.12],
        cheapestMx(SMOOTH, 16, 64, 0.12),
        { ...exact, mistakes: CHEAPEST_MX },
      ),
      judged(
        { en: 'your choice, measured: within 10 % at the fewest bits', zh: '测量你的方案：误差不超过 10 %，位数最少' },
        [WIDE, 16, 64, 0.1],
        judgedBy('mxChoiceWithin', { values: WIDE, rows: 16, cols: 64, maxError: 0.1 }),
        { points: 3 },
      ),
      shown(
        { en: 'rows with outliers, a tight bound', zh: '带离群值的行，严格的上限' },
        [SPIKY, 16, 64, 0.035],
        cheapestMx(SPIKY, 16, 64, 0.035),
        { ...exact, mistakes: CHEAPEST_MX },
      ),
      hidden(
        { en: "each block's scale costs bits", zh: '每块的缩放因子也占位数' },
        [SPIKY, 16, 64, 0.15],
        cheapestMx(SPIKY, 16, 64, 0.15),
        {
          ...exact,
          mistakes: CHEAPEST_MX,
          catches: { en: "the scales' bits left out of the cost", zh: '代价里没算缩放因子的位数' },
        },
      ),
      hidden(
        { en: 'a block size other than 32', zh: '块大小不是 32' },
        [SPIKY, 16, 64, 0.145],
        cheapestMx(SPIKY, 16, 64, 0.145),
        { ...exact, mistakes: CHEAPEST_MX, catches: { en: 'only blocks of 32 tried', zh: '只试了 32 个一块' } },
      ),
      hidden(
        { en: 'equal cost: the smaller error', zh: '代价相同时取误差更小的' },
        [SMOOTH, 16, 64, 0.06],
        cheapestMx(SMOOTH, 16, 64, 0.06),
        {
          ...exact,
          mistakes: CHEAPEST_MX,
          catches: {
            en: 'the first of equal cost kept, not the more accurate',
            zh: '代价相同时保留了先找到的，而不是误差更小的',
          },
        },
      ),
      hidden(
        { en: 'an error exactly at the bound', zh: '误差恰好等于上限' },
        [SPIKY, 16, 64, mxError(SPIKY, 16, 64, { format: 'MXFP4_E2M1', blockSize: 32 })],
        { format: 'MXFP4_E2M1', blockSize: 32 },
        {
          ...exact,
          mistakes: CHEAPEST_MX,
          catches: { en: "'within' read as strictly below", zh: '把“不超过”理解成了“严格小于”' },
        },
      ),
      hidden(
        { en: 'MXINT8 is an MX format too', zh: 'MXINT8 也是 MX 格式' },
        [SPIKY, 16, 64, 0.016],
        cheapestMx(SPIKY, 16, 64, 0.016),
        { ...exact, mistakes: CHEAPEST_MX, catches: { en: 'MXINT8 left out', zh: '漏掉了 MXINT8' } },
      ),
      hidden({ en: 'no choice reaches the bound', zh: '没有任何选择能达到上限' }, [SMOOTH, 16, 64, 0.005], null, {
        ...exact,
        mistakes: CHEAPEST_MX,
        catches: { en: 'a choice returned that misses the bound', zh: '返回了一个达不到上限的方案' },
      }),
    ],
  },
  {
    kind: 'choice',
    id: 'l6.c1',
    minutes: 3,
    title: {
      en: 'Why could DeepSeek-V3 use e4m3, not e5m2, for its gradients?',
      zh: '为什么 DeepSeek-V3 的梯度可以用 e4m3 而不用 e5m2？',
    },
    points: 1,
    // lettered a, b, c, d where they are shown; the answer is the letter
    choices: [
      {
        en: "its 1×128 and 128×128 scales make each small group fit e4m3's range, so the extra mantissa bit is worth more than e5m2's extra exponent bit",
        zh: '1×128 和 128×128 的缩放因子让每个小组都落在 e4m3 的范围内，所以多一位尾数比 e5m2 多一位指数更值',
      },
      {
        en: 'the gradients of large language models span fewer binades than their activations',
        zh: '大语言模型梯度跨越的二进制量级比激活少',
      },
      {
        en: 'H800 Tensor Cores cannot multiply e5m2',
        zh: 'H800 的张量核心不能做 e5m2 乘法',
      },
      {
        en: 'e4m3 has a wider range than e5m2',
        zh: 'e4m3 的动态范围比 e5m2 宽',
      },
    ],
    answer: 'a',
  },
  {
    kind: 'choice',
    id: 'l6.c2',
    minutes: 3,
    title: {
      en: 'With 4-bit e2m1 elements (MXFP4), why does a scale per block of 32 values lose far less than one scale per tensor on gradients?',
      zh: '元素只有 4 位（e2m1，即 MXFP4）时，为什么在梯度上每 32 个数一个缩放因子比整个张量一个损失小得多？',
    },
    points: 1,
    // lettered a, b, c, d where they are shown; the answer is the letter
    choices: [
      {
        en: "each block's values are rounded with more mantissa bits",
        zh: '每块的值用更多尾数位舍入',
      },
      {
        en: "one large value sets a per-tensor scale and pushes the rest of the tensor toward the bottom of e2m1's few values, where they round coarsely or to zero, while a block scale fits each block's own largest value",
        zh: '一个大值决定了逐张量缩放因子，把张量的其余部分推向 e2m1 寥寥几个值的下端，在那里舍入很粗甚至变成零；而块缩放因子贴合每块自己的最大值',
      },
      {
        en: 'power-of-two scales round exactly',
        zh: '2 的幂缩放因子的舍入是精确的',
      },
      {
        en: 'block scaling removes the need for float32 master weights',
        zh: '块缩放不再需要 float32 主权重',
      },
    ],
    answer: 'b',
  },
  {
    kind: 'choice',
    id: 'l6.c3',
    minutes: 3,
    title: {
      en: 'Why does DeepSeek-V3 promote partial sums to float32 every 128 products?',
      zh: '为什么 DeepSeek-V3 每 128 个乘积就把部分和提升到 float32？',
    },
    points: 1,
    // lettered a, b, c, d where they are shown; the answer is the letter
    choices: [
      {
        en: 'FP8 products overflow after 128 additions',
        zh: 'FP8 乘积加 128 次后会溢出',
      },
      {
        en: 'the delayed scale must be refreshed every 128 products',
        zh: '每 128 个乘积要刷新一次延迟缩放因子',
      },
      {
        en: 'a 14-bit sum drops the low bits of each new product once the sum is large, and the loss grows with K',
        zh: '部分和变大后，14 位的和会丢掉每个新乘积的低位，损失随 K 增长',
      },
      {
        en: 'e4m3 cannot represent a sum larger than 448',
        zh: 'e4m3 表示不了大于 448 的和',
      },
    ],
    answer: 'c',
  },
  {
    kind: 'numeric',
    id: 'l6.c4',
    minutes: 4,
    title: {
      en: "Delayed scaling (e4m3, fp8_max 448, history 4, margin 0, 'max'): a tensor's amaxes over its first five steps are 8, 2, 2, 2, 2. What scale does step 6 cast with?",
      zh: "延迟缩放（e4m3，fp8_max 为 448，历史长度 4，margin 为 0，'max'）：一个张量前五步的 amax 依次是 8、2、2、2、2。第 6 步转换用的缩放因子是多少？",
    },
    points: 1,
    answer: delayed([8, 2, 2, 2, 2, 2], TE())[5]!,
  },
];
