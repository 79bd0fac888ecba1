/** Lesson 6: where it is going: FP8 recipes, block scaling and NVFP4. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/**
 * l6.q1: Decode float8_e4m3fn
 * 解码 float8_e4m3fn
 *
 * l6.q1: the value of an OCP FP8 e4m3fn code (an integer 0..255): 1 sign bit, then 4 exponent bits with bias 7,
 * then 3 mantissa bits. An exponent field of 0 holds zero and the subnormals (no implicit leading 1), as in IEEE
 * formats. Unlike IEEE formats, e4m3fn ("fn": finite, with a NaN encoding of its own) has no infinities: its top
 * exponent field holds numbers too, and only S.1111.111 (0x7f, 0xff) is NaN. Keep the sign of zero. Example:
 * decodeE4M3(0x38) is 1.
 *
 * l6.q1：求 OCP FP8 e4m3fn 编码（0..255 的整数）表示的值：1 位符号，接着 4 位指数（偏置为 7），再接 3 位尾数。指
 * 数域为 0 时表示零和次正规数（没有隐含的前导 1），与 IEEE 格式相同。与 IEEE 格式不同，e4m3fn（fn：finite，NaN
 * 另有编码）没有无穷大：最高的指数域也表示普通数值，只有 S.1111.111（0x7f、0xff）是 NaN。保留零的符号。例：
 * decodeE4M3(0x38) 为 1。
 *
 * Graded with only the library's `formats/round` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function decodeE4M3(code: number): number {
  throw new NotImplementedError('l6.q1');
}

/** How Transformer Engine's delayed scaling is configured (its DelayedScaling recipe's fields). */
export interface DelayedScalingSettings {
  /** How many steps the amax history holds (amax_history_len). */
  readonly historyLength: number;
  /** The FP8 format's largest value: 448 (e4m3) or 57344 (e5m2). */
  readonly fp8Max: number;
  /** Headroom: the scale is 2^margin times smaller. */
  readonly margin: number;
  /** 'max': the largest amax in the history; 'most_recent': the last one (amax_compute_algo). */
  readonly algo: 'max' | 'most_recent';
}

/**
 * l6.q2: Transformer Engine's delayed scaling, step by step
 * Transformer Engine 的延迟缩放，逐步计算
 *
 * l6.q2: the scale Transformer Engine's delayed scaling casts with at each step, given the amax each step
 * measured (amaxes[i] is step i + 1's). The first step has no history and casts with scale 1. After each step
 * its amax joins the history, which keeps the last historyLength steps, that one included; the next step's scale
 * puts the history's amax (by algo) at fp8Max with margin binades of headroom. Transformer Engine keeps scales
 * in float32 and computes them in float32. An amax that gives no usable scale (zero, NaN or infinite; a NaN
 * anywhere in a 'max' window counts) keeps the previous scale; a scale too large for float32 becomes the largest
 * float32. Example: delayedScales([4, 4], { historyLength: 4, fp8Max: 448, margin: 0, algo: 'max' }) is [1,
 * 112].
 *
 * l6.q2：给出每一步测得的 amax（amaxes[i] 是第 i + 1 步的），求 Transformer Engine 的延迟缩放在每一步转换时所用
 * 的缩放因子。第一步还没有历史，用缩放因子 1。每一步结束后，它的 amax 加入历史；历史保留最近 historyLength 步，
 * 包括刚结束的这一步。下一步的缩放因子把历史的 amax（按 algo 取）放到 fp8Max，并留出 margin 个二进制量级的余量。
 * Transformer Engine 用 float32 保存并计算缩放因子。得不到可用缩放因子的 amax（零、NaN 或无穷大；'max' 窗口里任
 * 何一个 NaN 都算）沿用上一个缩放因子；超出 float32 的缩放因子取最大的 float32。例：delayedScales([4, 4], {
 * historyLength: 4, fp8Max: 448, margin: 0, algo: 'max' }) 为 [1, 112]。
 *
 * Graded with only the library's `formats/round` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function delayedScales(amaxes: number[], settings: DelayedScalingSettings): number[] {
  throw new NotImplementedError('l6.q2');
}

/**
 * l6.q3: MX blocks' shared exponents
 * MX 块的共享指数
 *
 * l6.q3: the shared exponent e (the scale is X = 2^e) of every OCP MX block of a rows × cols matrix given row by
 * row: each row is cut into blocks of blockSize values from its start (its last block may be shorter), and the
 * blocks are listed row by row. The spec chooses e so that the block's largest magnitude, divided by X, has the
 * exponent emaxElement: that of the element format's largest normal value (8 for e4m3, 2 for e2m1), so it lands
 * in the element format's top binade. The scale is stored as E8M0: e stays within −127..127, and an all-zero
 * block gets −127. A block holding a NaN or an infinity gets NaN; the other blocks are not affected. Example:
 * mxScaleExponents([0.5, -3, 1.25], 1, 3, 8, 32) is [-7].
 *
 * l6.q3：一个 rows × cols 的矩阵按行给出，求它每个 OCP MX 块的共享指数 e（缩放因子 X = 2^e）：每一行从头开始切成
 * blockSize 个值一块（最后一块可以较短），各块按行依次列出。规范选取 e，使块中绝对值最大的数除以 X 后的指数等于
 * emaxElement，即元素格式最大正规数的指数（e4m3 为 8，e2m1 为 2），从而落在元素格式最高的二进制量级里。缩放因子
 * 以 E8M0 存储：e 限制在 −127..127，全零块取 −127。含 NaN 或无穷大的块得到 NaN，其他块不受影响。例：
 * mxScaleExponents([0.5, -3, 1.25], 1, 3, 8, 32) 为 [-7]。
 *
 * Graded with only the library's `formats/round` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function mxScaleExponents(
  values: number[],
  rows: number,
  cols: number,
  emaxElement: number,
  blockSize: number,
): number[] {
  throw new NotImplementedError('l6.q3');
}

/**
 * l6.q4: NVFP4's two levels of scale
 * NVFP4 的两级缩放
 *
 * l6.q4: NVFP4's two levels of scale for a 1-D tensor of float32 values, as Transformer Engine's recipe computes
 * them, every operation rounded to float32: the tensor scale S = (448 · 6) / amax, which maps the tensor's
 * largest magnitude to the largest E4M3 block scale (448) times the largest E2M1 element (6), the largest
 * float32 where that overflows; and for each block of 16 values (the last may be shorter), its E4M3 scale (block
 * amax / 6) · S, clamped to 448 and rounded to E4M3 (round to nearest even: roundValue(x, 'float8_e4m3fn'),
 * imported from '../../src/mp/formats/round'). Example: nvfp4Scales(Array(16).fill(3)).blockScales is [448].
 *
 * l6.q4：按 Transformer Engine 的配方求一维 float32 张量的 NVFP4 两级缩放因子，每一步运算都舍入到 float32：张量
 * 级缩放因子 S = (448 · 6) / amax，把张量中绝对值最大的数映射到最大的 E4M3 块缩放因子（448）乘以最大的 E2M1 元素
 * （6），溢出时取最大的 float32；每 16 个值一块（最后一块可以较短），块缩放因子为 (块 amax / 6) · S，截到 448 以
 * 内并舍入到 E4M3（就近舍入到偶数：roundValue(x, 'float8_e4m3fn')，从 '../../src/mp/formats/round' 导入）。例：
 * nvfp4Scales(Array(16).fill(3)).blockScales 为 [448]。
 *
 * Graded with only the library's `formats/round` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function nvfp4Scales(values: number[]): { globalScale: number; blockScales: number[] } {
  throw new NotImplementedError('l6.q4');
}

/** An OCP MX format and block size, as `mxQuantize(values, format, blockSize)` takes them. */
export interface MxChoice {
  readonly format: 'MXFP8_E4M3' | 'MXFP8_E5M2' | 'MXFP6_E3M2' | 'MXFP6_E2M3' | 'MXFP4_E2M1' | 'MXINT8';
  readonly blockSize: 8 | 16 | 32 | 64;
}

/**
 * l6.q5: Open task: the fewest bits per value within an error bound
 * 开放题：在误差上限内，每个值用最少的位数
 *
 * l6.q5, an open task: the cheapest way to store a rows × cols matrix (given row by row) in an OCP MX format
 * whose error stays within maxError. Try the six MX formats with blocks of 8, 16, 32 or 64 values along each
 * row; the error is the relative RMS error that mxQuantize(values, format, blockSize, { shape: [rows, cols] })
 * reports (.error.relativeRmse, at most maxError), the cost its bits per value (.bitsPerValue). Return the
 * choice that costs the fewest bits per value; between choices of the same cost, the one with the smaller error.
 * Return null when no choice reaches maxError. Import mxQuantize from '../../src/mp/quant/mx'. One case measures
 * your choice on a matrix of its own: full points for a choice within the bound at the fewest bits per value,
 * half for a dearer one within it.
 *
 * l6.q5，开放题：把一个按行给出的 rows × cols 矩阵存成 OCP MX 格式，在误差不超过 maxError 的前提下找最省的方案。
 * 在六种 MX 格式和沿每行 8、16、32 或 64 个值一块之间选择；误差是 mxQuantize(values, format, blockSize, { shape:
 * [rows, cols] }) 报告的相对均方根误差（.error.relativeRmse，不超过 maxError），代价是它的每值位数（.bitsPerValue）。
 * 返回每值位数最少的方案；代价相同时取误差更小的。没有方案能达到 maxError 时返回 null。mxQuantize 从
 * '../../src/mp/quant/mx' 导入。有一个用例在它自己的矩阵上测量你的方案：在上限以内且每值位数最少得满分，在上限以
 * 内但位数更多得一半。
 *
 * Graded with only the library's `quant/mx` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `quant/mx`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function cheapestMxChoice(values: number[], rows: number, cols: number, maxError: number): MxChoice | null {
  throw new NotImplementedError('l6.q5');
}
