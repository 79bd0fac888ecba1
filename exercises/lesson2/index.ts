/** Lesson 2: how it is implemented: quantization's grid as torch builds it, master weights, and equalization. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

export interface QParams {
  scale: number;
  zeroPoint: number;
}

/**
 * l2.q1: The scale and zero point torch's MinMaxObserver returns
 * torch 的 MinMaxObserver 给出的缩放因子与零点
 *
 * The scale and zero point that torch's `MinMaxObserver(dtype, qscheme)` returns from `calculate_qparams()`
 * after observing values whose smallest is `min` and largest is `max`.
 * - `dtype` 'quint8' has the codes 0…255, 'qint8' the codes −128…127.
 * - 'per_tensor_affine': the grid's codes span the observed values, and 0.0 is exactly on the grid whatever the
 * data, all-positive and all-negative data included.
 * - 'per_tensor_symmetric': the grid is symmetric about 0.0 and covers ±max(|min|, |max|); 0.0 is the code 0 for
 * qint8 and the code 128 for quint8 (section 4 of the lesson prints torch's symmetric int8 scale for [−1, 1]).
 * - Data that is all zeros still gets a scale > 0: torch never returns a scale below float32's epsilon, 2⁻²³.
 * - A zero point is an integer; a tie rounds to the even integer, as torch's nearbyint does.
 *
 * observerQParams(-1, 3, 'quint8', 'per_tensor_affine') // { scale: 0.0156862…, zeroPoint: 64 }
 *
 * torch 的 `MinMaxObserver(dtype, qscheme)` 观察到最小值 `min`、最大值 `max` 之后，`calculate_qparams()` 返回的
 * 缩放因子与零点。
 * - `dtype` 为 'quint8' 时整数码是 0…255，'qint8' 时是 −128…127。
 * - 'per_tensor_affine'：整数码覆盖观察到的取值范围，而且无论数据如何（全正、全负也一样），0.0 都恰好落在网格
 * 上。
 * - 'per_tensor_symmetric'：网格关于 0.0 对称，覆盖 ±max(|min|, |max|)；qint8 时 0.0 对应码 0，quint8 时对应码
 * 128（本课第 4 节打印了 torch 对 [−1, 1] 的对称 int8 缩放因子）。
 * - 全零数据的缩放因子也大于 0：torch 返回的缩放因子从不小于 float32 的机器精度 2⁻²³。
 * - 零点是整数；恰在两整数正中时舍入到偶数，与 torch 的 nearbyint 一致。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function observerQParams(
  min: number,
  max: number,
  dtype: 'quint8' | 'qint8',
  qscheme: 'per_tensor_affine' | 'per_tensor_symmetric',
): QParams {
  throw new NotImplementedError('l2.q1');
}

/**
 * l2.q2: What torch's fake quantizer returns
 * torch 的伪量化器输出什么
 *
 * What `torch.fake_quantize_per_tensor_affine(values, scale, zeroPoint, qmin, qmax)` returns: each value
 * replaced by the nearest point of the grid (q − zeroPoint)·scale, q an integer in [qmin, qmax]. Values beyond
 * the grid's ends become its end points; a value halfway between two grid points goes to the one with the even
 * q.
 *
 * fakeQuantForward([0.12, 9], 0.25, 0, -8, 7) // [0, 1.75]
 *
 * `torch.fake_quantize_per_tensor_affine(values, scale, zeroPoint, qmin, qmax)` 的返回值：每个值换成网格 (q −
 * zeroPoint)·scale 上最近的点，q 为 [qmin, qmax] 内的整数。超出网格两端的值变成端点；恰在两个网格点正中的值取 q
 * 为偶数的那一个。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function fakeQuantForward(
  values: number[],
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): number[] {
  throw new NotImplementedError('l2.q2');
}

/**
 * l2.q3: The gradient torch's fake quantizer passes back
 * torch 的伪量化器回传的梯度
 *
 * The gradient that torch's fake quantizer passes back, d(output)/d(value), for each value (the straight-through
 * estimator of `torch.fake_quantize_per_tensor_affine`'s backward): rounding counts as the identity, and a value
 * the quantizer clipped gets no gradient. Mind the edge: a value a little beyond the grid's last point that
 * rounds onto it was not clipped.
 *
 * steMask([0.12, 9], 0.25, 0, -8, 7) // [1, 0]
 *
 * torch 伪量化器对每个值回传的梯度 d(output)/d(value)（`torch.fake_quantize_per_tensor_affine` 反向传播用的直通
 * 估计器）： 舍入当作恒等映射，被截断的值没有梯度。注意边界：略超出网格最后一个点、但舍入后正好落在该点上的值，
 * 并没有被截断。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function steMask(values: number[], scale: number, zeroPoint: number, qmin: number, qmax: number): number[] {
  throw new NotImplementedError('l2.q3');
}

/**
 * l2.q4: The smallest step sure to change a stored weight
 * 一定能改变所存权重的最小步长
 *
 * A weight `w` is stored in `format` ('float16', 'bfloat16' or 'float32'; `w` is a value of that format) and an
 * optimizer adds a step s to it, the sum rounded to the format (to nearest, ties to even). Return the threshold
 * t: every step with |s| > t changes the stored weight, whichever its sign, and for any smaller t some step
 * above it would not. This is what float32 master weights protect: smaller steps vanish. Your answer must hold
 * for every weight of the format: zero, subnormals, powers of two, negative weights and the largest finite value
 * (where a big enough step gives infinity, which is a change too).
 *
 * stepThatSurvives(1.5, 'float16') // 2^-11: float16 values between 1 and 2 lie 2^-10 apart
 *
 * 权重 `w` 以 `format`（'float16'、'bfloat16' 或 'float32'；`w` 是该格式中的值）存储，优化器给它加上步长 s， 结
 * 果舍入回该格式（就近舍入，平局取偶）。返回阈值 t：任何 |s| > t 的步长（无论正负）都会改变所存的权重， 而对任何
 * 更小的 t，总有大于它的步长改变不了权重。这正是 float32 主权重要保护的：更小的步长会消失。 答案必须对该格式的每
 * 个权重成立：零、次正规数、2 的幂、负权重，以及最大有限值（足够大的步长得到无穷大，这也算改变）。
 *
 * Graded with only the library's `formats/registry` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/registry`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function stepThatSurvives(w: number, format: 'float16' | 'bfloat16' | 'float32'): number {
  throw new NotImplementedError('l2.q4');
}

/** l2.q5's network: two dense layers with a ReLU between them, and the inputs static PTQ calibrates on. */
export interface EqualizationNet {
  readonly inputs: number;
  readonly hidden: number;
  readonly outputs: number;
  /** inputs × hidden, row-major: kernel1[i * hidden + c] connects input i to hidden channel c. */
  readonly kernel1: readonly number[];
  readonly bias1: readonly number[];
  /** hidden × outputs, row-major: kernel2[c * outputs + o] connects hidden channel c to output o. */
  readonly kernel2: readonly number[];
  readonly bias2: readonly number[];
  /** rows × inputs, row-major: the calibration inputs. */
  readonly calibration: readonly number[];
}

/**
 * l2.q5: Rescale the hidden channels so that static int8 works (open)
 * 重新缩放隐藏通道，让静态 int8 量化可用（开放题）
 *
 * This network's hidden channels have very different ranges, so its static int8 version (int8 weights with a
 * scale per output channel, one uint8 scale per activation tensor, ranges from min/max over `calibration`) is
 * poor. Return one factor f_c > 0 per hidden channel. The grader multiplies hidden channel c by f_c (kernel1's
 * column c and bias1[c]) and divides kernel2's row c by f_c, which leaves the float network's outputs unchanged,
 * since relu(f·z) = f·relu(z) for f > 0; then it quantizes the result that way and measures the int8 network's
 * signal-to-quantization-noise ratio on inputs you do not see: 10·log10(Σ y² / Σ (ŷ − y)²) dB.
 * Full points from 30 dB, half from 20 dB; the network as given scores about 15 dB. A hidden case runs your
 * function on another network of the same kind.
 *
 * equalizeChannels(net) // e.g. [0.5, 4, …]: one positive factor per hidden channel
 *
 * 这个网络的各隐藏通道取值范围相差悬殊，所以它的静态 int8 版本（int8 权重、每个输出通道一个缩放因子，每个激活张
 * 量一个 uint8 缩放因子，范围取 `calibration` 上的最小/最大值）很差。请为每个隐藏通道返回一个因子 f_c > 0。评分
 * 程序把隐藏通道 c 乘以 f_c（kernel1 的第 c 列和 bias1[c]），再把 kernel2 的第 c 行除以 f_c；由于 f > 0 时
 * relu(f·z) = f·relu(z)，浮点网络的输出不变。然后按上述方式量化，在你看不到的输入上测量 int8 网络的信号量化噪声
 * 比：10·log10(Σ y² / Σ (ŷ − y)²) dB。
 * 30 dB 起得满分，20 dB 起得一半分；原网络约为 15 dB。一个隐藏用例会在另一个同类网络上运行你的函数。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function equalizeChannels(net: EqualizationNet): number[] {
  throw new NotImplementedError('l2.q5');
}
