/**
 * The usual wrong answers to lesson 6's exercises, each as the formula that produces it and the hint a student who
 * wrote it should get (the bank's `mistake`s). Every case of lesson6.ts recognises them, and
 * test/quiz/lesson6_mistakes.test.ts checks that a hidden case catches every one.
 */
import { roundValue } from '../../mp/formats/round';
import { MX_FORMATS, mxQuantize, type MxFormat } from '../../mp/index';
import { mistake as wrong, type Mistake } from '../question';

const f = Math.fround;
const FLOAT32_MAX = 3.4028234663852886e38;

// l6.q1: decodeE4M3, with one rule of the format read wrongly
interface E4m3Reading {
  subnormal?: (mantissa: number) => number;
  top?: (mantissa: number) => number;
  unsignedZero?: boolean;
}
function e4m3Read(code: number, o: E4m3Reading): number {
  const sign = code & 0x80 ? -1 : 1;
  const [exponent, mantissa] = [(code >> 3) & 0xf, code & 0x7];
  if (o.unsignedZero && (code & 0x7f) === 0) return 0;
  if (exponent === 0) return sign * (o.subnormal ? o.subnormal(mantissa) : (mantissa / 8) * 2 ** -6);
  if (exponent === 15 && o.top) return sign * o.top(mantissa);
  if (exponent === 15 && mantissa === 7) return NaN;
  return sign * (1 + mantissa / 8) * 2 ** (exponent - 7);
}
export const DECODE_E4M3: readonly Mistake[] = [
  wrong((code: number) => e4m3Read(code, { top: (m) => (m ? NaN : Infinity) }), {
    en: 'read as an IEEE format: e4m3fn has no infinities, so its top exponent field holds numbers up to 448.',
    zh: '按 IEEE 格式读了：e4m3fn 没有无穷大，最高的指数域也表示数值，最大到 448。',
  }),
  wrong((code: number) => e4m3Read(code, { top: (m) => (1 + m / 8) * 2 ** 8 }), {
    en: 'NaN read as a number: S.1111.111 is e4m3fn’s one NaN pattern.',
    zh: '把 NaN 当成了数值：S.1111.111 是 e4m3fn 唯一的 NaN 编码。',
  }),
  wrong((code: number) => e4m3Read(code, { subnormal: (m) => (1 + m / 8) * 2 ** -6 }), {
    en: 'exponent field 0 has no implicit leading 1: those codes are zero and the subnormals.',
    zh: '指数域为 0 时没有隐含的前导 1：这些编码表示零和次正规数。',
  }),
  wrong((code: number) => e4m3Read(code, { subnormal: (m) => (m / 8) * 2 ** -7 }), {
    en: 'subnormals come out half their value: they share the exponent of the smallest normal, 1 − bias.',
    zh: '次正规数只有正确值的一半：它们的指数与最小正规数相同，是 1 − 偏置。',
  }),
  wrong((code: number) => e4m3Read(code, { unsignedZero: true }), {
    en: 'the sign of zero was lost: 0x80 is −0.',
    zh: '丢了零的符号：0x80 是 −0。',
  }),
];

// l6.q2: delayedScales, with one step of Transformer Engine's update done differently
interface Settings {
  historyLength: number;
  fp8Max: number;
  margin: number;
  algo: 'max' | 'most_recent';
}
interface DelayedVariant {
  inDouble?: boolean;
  anyAmax?: boolean;
  marginUp?: boolean;
  alwaysMax?: boolean;
  skipNaN?: boolean;
  unclamped?: boolean;
  previousWindow?: boolean;
}
function delayedWith(amaxes: number[], s: Settings, o: DelayedVariant): number[] {
  const round = o.inDouble ? (x: number): number => x : f;
  const scales: number[] = [];
  let scale = 1;
  amaxes.forEach((_, i) => {
    scales.push(scale);
    const end = o.previousWindow ? i : i + 1; // the window without the step just measured
    let window = amaxes.slice(Math.max(0, end - s.historyLength), end).map(f);
    if (o.skipNaN) window = window.filter((a) => !Number.isNaN(a));
    if (!window.length) return;
    const amax = s.algo === 'max' || o.alwaysMax ? Math.max(...window) : window[window.length - 1]!;
    if (!o.anyAmax && !(amax > 0 && amax < Infinity)) return;
    const next = round(round(s.fp8Max / amax) * 2 ** (o.marginUp ? s.margin : -s.margin));
    scale = next === Infinity && !o.unclamped ? FLOAT32_MAX : next;
  });
  return scales;
}
export const DELAYED_SCALES: readonly Mistake[] = [
  wrong((a: number[], s: Settings) => delayedWith(a, s, { inDouble: true }), {
    en: 'the scale was computed in double precision: Transformer Engine keeps and computes it in float32 (Math.fround).',
    zh: '缩放因子用双精度算了：Transformer Engine 用 float32 保存和计算它（Math.fround）。',
  }),
  wrong((a: number[], s: Settings) => delayedWith(a, s, { previousWindow: true }), {
    en: 'the window missed the step just measured: its amax joins the history before the next scale is computed.',
    zh: '窗口漏掉了刚测完的这一步：它的 amax 先加入历史，再计算下一个缩放因子。',
  }),
  wrong((a: number[], s: Settings) => delayedWith(a, s, { anyAmax: true }), {
    en: 'an amax of 0, ∞ or NaN gives no usable scale: keep the previous one.',
    zh: 'amax 为 0、∞ 或 NaN 时得不到可用的缩放因子：沿用上一个。',
  }),
  wrong((a: number[], s: Settings) => delayedWith(a, s, { marginUp: true }), {
    en: 'the margin went the wrong way: it buys headroom, so the scale is 2^margin times smaller.',
    zh: 'margin 的方向反了：它是用来留余量的，所以缩放因子要小 2^margin 倍。',
  }),
  wrong((a: number[], s: Settings) => delayedWith(a, s, { alwaysMax: true }), {
    en: "'most_recent' takes the last amax of the history, not its largest.",
    zh: "'most_recent' 取历史中最后一个 amax，而不是最大的。",
  }),
  wrong((a: number[], s: Settings) => delayedWith(a, s, { skipNaN: true }), {
    en: "a NaN in a 'max' window makes the window's amax NaN: it is not skipped.",
    zh: "'max' 窗口里的 NaN 会让窗口的 amax 变成 NaN：不能跳过它。",
  }),
  wrong((a: number[], s: Settings) => delayedWith(a, s, { unclamped: true }), {
    en: 'a scale too large for float32 became ∞: it is the largest float32 instead.',
    zh: '超出 float32 的缩放因子变成了 ∞：应取最大的 float32。',
  }),
];

// l6.q3: mxScaleExponents, with one rule of the OCP MX spec read wrongly
interface MxReading {
  ceil?: boolean;
  ceilMinusOne?: boolean;
  acrossRows?: boolean;
  nonFinite?: 'skipped' | 'everywhere';
  unclamped?: boolean;
  zero?: number;
  signed?: boolean;
}
type MxArgs = [values: number[], rows: number, cols: number, emaxElement: number, blockSize: number];
function mxRead([values, rows, cols, emax, k]: MxArgs, o: MxReading): number[] {
  const blocks: number[][] = [];
  if (o.acrossRows) for (let s = 0; s < values.length; s += k) blocks.push(values.slice(s, s + k));
  else
    for (let r = 0; r < rows; r++)
      for (let s = 0; s < cols; s += k) blocks.push(values.slice(r * cols + s, r * cols + Math.min(cols, s + k)));
  const anyNonFinite = values.some((v) => !Number.isFinite(v));
  return blocks.map((block) => {
    if (o.nonFinite === 'everywhere' && anyNonFinite) return NaN;
    const kept = o.nonFinite === 'skipped' ? block.filter(Number.isFinite) : block;
    if (kept.some((v) => !Number.isFinite(v))) return NaN;
    const amax = Math.max(0, ...kept.map(o.signed ? (v: number): number => v : Math.abs));
    if (amax <= 0) return o.zero ?? -127;
    const log = Math.log2(amax);
    const e = (o.ceilMinusOne ? Math.ceil(log) - 1 : o.ceil ? Math.ceil(log) : Math.floor(log)) - emax;
    return o.unclamped ? e : Math.min(127, Math.max(-127, e));
  });
}
export const MX_SCALE_EXPONENTS: readonly Mistake[] = [
  wrong((...a: MxArgs) => mxRead(a, { ceil: true }), {
    en: "rounded up: the block's largest magnitude must land in the element format's top binade, not above it.",
    zh: '向上取整了：块中绝对值最大的数应落在元素格式最高的二进制量级里，而不是超出它。',
  }),
  wrong((...a: MxArgs) => mxRead(a, { ceilMinusOne: true }), {
    en: 'ceil(log2) − 1 is one too small at an exact power of two: the exponent of x is floor(log2 x).',
    zh: '恰好是 2 的幂时，ceil(log2) − 1 小了一：x 的指数是 floor(log2 x)。',
  }),
  wrong((...a: MxArgs) => mxRead(a, { acrossRows: true }), {
    en: 'blocks ran on from one row into the next: each row is cut into blocks from its own start.',
    zh: '块跨到了下一行：每一行都从自己的开头重新分块。',
  }),
  wrong((...a: MxArgs) => mxRead(a, { nonFinite: 'skipped' }), {
    en: 'a NaN or an infinity was skipped: its block gets a NaN scale.',
    zh: '跳过了 NaN 或无穷大：它所在的块的缩放因子是 NaN。',
  }),
  wrong((...a: MxArgs) => mxRead(a, { nonFinite: 'everywhere' }), {
    en: 'one NaN spoiled every block: only its own block gets a NaN scale.',
    zh: '一个 NaN 影响了所有块：只有它所在的块的缩放因子是 NaN。',
  }),
  wrong((...a: MxArgs) => mxRead(a, { unclamped: true }), {
    en: 'the exponent left E8M0’s range: it stays within −127..127.',
    zh: '指数超出了 E8M0 的范围：它必须在 −127..127 之内。',
  }),
  wrong((...a: MxArgs) => mxRead(a, { zero: -Infinity }), {
    en: 'an all-zero block has no largest magnitude (log2(0) = −∞): it gets −127.',
    zh: '全零块没有最大绝对值（log2(0) = −∞）：它取 −127。',
  }),
  wrong((...a: MxArgs) => mxRead(a, { signed: true }), {
    en: 'the largest value, not the largest magnitude: a negative value can set the scale.',
    zh: '用了最大值而不是最大绝对值：负数也可能决定缩放因子。',
  }),
];

// l6.q4: nvfp4Scales, with one level of Transformer Engine's recipe done differently
interface Nvfp4Variant {
  inDouble?: boolean;
  noTensorScale?: boolean;
  unrounded?: boolean;
}
function nvfp4With(values: number[], o: Nvfp4Variant): { globalScale: number; blockScales: number[] } {
  const round = o.inDouble ? (x: number): number => x : f;
  const amax = Math.max(0, ...values.map(Math.abs));
  const globalScale = o.noTensorScale ? 1 : Math.min(round((448 * 6) / amax), FLOAT32_MAX);
  const blockScales: number[] = [];
  for (let s = 0; s < values.length; s += 16) {
    const blockAmax = Math.max(0, ...values.slice(s, s + 16).map(Math.abs));
    const scale = Math.min(round(round(blockAmax / 6) * globalScale), 448);
    blockScales.push(o.unrounded ? scale : roundValue(scale, 'float8_e4m3fn'));
  }
  return { globalScale, blockScales };
}
export const NVFP4_SCALES: readonly Mistake[] = [
  wrong((v: number[]) => nvfp4With(v, { inDouble: true }), {
    en: 'computed in double precision: the recipe rounds every step to float32 (Math.fround).',
    zh: '用双精度算了：配方的每一步都舍入到 float32（Math.fround）。',
  }),
  wrong((v: number[]) => nvfp4With(v, { noTensorScale: true }), {
    en: 'the tensor level is missing: without S, the block scales of small values fall below E4M3’s range.',
    zh: '缺了张量级缩放：没有 S，小数值的块缩放因子会落到 E4M3 的范围以下。',
  }),
  wrong((v: number[]) => nvfp4With(v, { unrounded: true }), {
    en: 'the block scales are stored in E4M3: round each to it.',
    zh: '块缩放因子以 E4M3 存储：每个都要舍入到 E4M3。',
  }),
];

// l6.q5: cheapestMxChoice, with one part of the search done differently
interface SearchVariant {
  elementBitsOnly?: boolean;
  only32?: boolean;
  firstOfEqualCost?: boolean;
  strictlyBelow?: boolean;
  floatsOnly?: boolean;
  bestAnyway?: boolean;
}
type SearchArgs = [values: number[], rows: number, cols: number, maxError: number];
interface Measured {
  readonly choice: { format: MxFormat; blockSize: number };
  readonly bits: number;
  readonly error: number;
}
/** Every format and block size measured once per matrix: the wrong searches below share the measurements. */
const measured = new WeakMap<number[], Measured[]>();
function measure(values: number[], rows: number, cols: number): Measured[] {
  const known = measured.get(values);
  if (known) return known;
  const data = Float32Array.from(values);
  const all = (Object.keys(MX_FORMATS) as MxFormat[]).flatMap((format) =>
    [8, 16, 32, 64].map((blockSize) => {
      const r = mxQuantize(data, format, blockSize, { shape: [rows, cols] });
      return { choice: { format, blockSize }, bits: r.bitsPerValue, error: r.error.relativeRmse };
    }),
  );
  measured.set(values, all);
  return all;
}
function searchWith([values, rows, cols, maxError]: SearchArgs, o: SearchVariant): unknown {
  let best = null as Measured | null;
  let closest = null as Measured | null;
  for (const m of measure(values, rows, cols)) {
    const { format, blockSize } = m.choice;
    if ((o.floatsOnly && format === 'MXINT8') || (o.only32 && blockSize !== 32)) continue;
    const bits = o.elementBitsOnly ? m.bits - 8 / blockSize : m.bits;
    if (!closest || m.error < closest.error) closest = m;
    if (o.strictlyBelow ? !(m.error < maxError) : !(m.error <= maxError)) continue;
    const tieWins = !o.firstOfEqualCost && bits === best?.bits && m.error < best.error;
    if (!best || bits < best.bits || tieWins) best = { ...m, bits };
  }
  return best ? best.choice : o.bestAnyway ? closest!.choice : null;
}
export const CHEAPEST_MX: readonly Mistake[] = [
  wrong((...a: SearchArgs) => searchWith(a, { elementBitsOnly: true }), {
    en: "the cost left out the scales: each block's 8-bit scale adds 8/blockSize bits to every value.",
    zh: '代价没算缩放因子：每块 8 位的缩放因子给每个值加上 8/blockSize 位。',
  }),
  wrong((...a: SearchArgs) => searchWith(a, { only32: true }), {
    en: 'only blocks of 32 were tried: 8, 16 and 64 are choices too.',
    zh: '只试了 32 个一块：8、16 和 64 也是可选的。',
  }),
  wrong((...a: SearchArgs) => searchWith(a, { firstOfEqualCost: true }), {
    en: 'between choices of equal cost, the first found was kept: keep the one with the smaller error.',
    zh: '代价相同时保留了先找到的那个：应保留误差更小的。',
  }),
  wrong((...a: SearchArgs) => searchWith(a, { strictlyBelow: true }), {
    en: "an error equal to maxError was refused: 'within' includes the bound.",
    zh: '拒绝了误差恰好等于 maxError 的方案：“不超过”包括等于。',
  }),
  wrong((...a: SearchArgs) => searchWith(a, { floatsOnly: true }), {
    en: 'MXINT8 was left out: it is one of the six MX formats.',
    zh: '漏掉了 MXINT8：它是六种 MX 格式之一。',
  }),
  wrong((...a: SearchArgs) => searchWith(a, { bestAnyway: true }), {
    en: 'a choice was returned although none reaches maxError: return null then.',
    zh: '没有方案能达到 maxError 时仍返回了一个方案：这时应返回 null。',
  }),
];
