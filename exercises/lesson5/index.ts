/** Lesson 5: the effect on accuracy, speed and memory. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/**
 * l5.q1: McNemar's exact test from two score vectors
 * 由两个得分向量做 McNemar 精确检验
 *
 * McNemar's exact test. `first[i]` and `second[i]` are 1 where each classifier gets test image i right, 0 where
 * it gets it wrong. Return the two-sided p-value: how likely a split of the disagreements at least as uneven as
 * the observed one would be if each disagreement were a fair coin flip. No disagreement at all gives 1, a
 * p-value is never above 1, and thousands of disagreements must still give a finite number.
 *
 * McNemar 精确检验。`first[i]` 和 `second[i]` 在对应分类器答对第 i 张测试图片时为 1，答错时为 0。返回双侧 p 值：
 * 如果每一处不一致都像抛一枚公平硬币，出现至少和观察到的一样不均匀的分法的概率有多大。完全没有不一致时为 1；p 值
 * 永远不超过 1；不一致的图片有几千张时也必须得到有限的数。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function mcnemarPValue(first: number[], second: number[]): number {
  throw new NotImplementedError('l5.q1');
}

/**
 * l5.q2: A product's bound on the roofline
 * 一次矩阵乘法在屋顶线上的上界
 *
 * The roofline's bound, in TFLOP/s, for one product of an m×k matrix by a k×n matrix whose elements take
 * `bytesPerElement` bytes, on a chip with peak `peakTflops` and memory bandwidth `bandwidthTBs` (TB/s): the
 * product reads A and B and writes C once, at the very least.
 *
 * 一次 m×k 乘 k×n 的矩阵乘法在屋顶线模型下的上界（TFLOP/s）：每个元素占 `bytesPerElement` 字节，芯片峰值为
 * `peakTflops`、显存带宽为 `bandwidthTBs`（TB/s）；这次乘法至少要把 A 和 B 读一遍、把 C 写一遍。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function attainableTflops(
  m: number,
  n: number,
  k: number,
  bytesPerElement: number,
  peakTflops: number,
  bandwidthTBs: number,
): number {
  throw new NotImplementedError('l5.q2');
}

/** A transformer layer's shape for l5.q3: tokens per sequence s, sequences b, width h, attention heads a. */
export interface LayerShape {
  tokens: number;
  batch: number;
  hidden: number;
  heads: number;
}

/**
 * l5.q3: Activation bytes of a transformer layer
 * 一个 Transformer 层的激活值字节数
 *
 * The bytes one transformer layer keeps for its backward pass, after Korthikanti et al. (2022, §4.1), with x =
 * s·b·h and y = a·s²·b. What it keeps, in elements:
 * - attention: the input of the Q, K, V products (x), Q and K (2x), the softmax output (y), the softmax
 * dropout's mask (y), the dropout's output (y), V (x), the input of the output projection (x), its dropout's
 * mask (x);
 * - MLP: the inputs of its two linear layers (x and 4x), the GeLU's input (4x), the dropout's mask (x);
 * - the inputs of the two layer norms (x each).
 * A dropout mask takes 1 byte per element; every other element takes `valueBytes`. With `recompute` 'selective'
 * the layer keeps none of the y-sized tensors (they are recomputed); with 'full' it keeps only its input (x).
 *
 * 一个 Transformer 层为反向传播保存的字节数，依据 Korthikanti 等（2022，§4.1），记 x = s·b·h、y = a·s²·b。它保存
 * 的张量（按元素计）：
 * - 注意力：Q、K、V 乘法的输入（x），Q 和 K（2x），softmax 输出（y），softmax 后 dropout 的掩码（y），dropout 的
 * 输出（y），V（x），输出投影的输入（x），其 dropout 的掩码（x）；
 * - MLP：两个线性层的输入（x 和 4x），GeLU 的输入（4x），dropout 的掩码（x）；
 * - 两个 LayerNorm 的输入（各 x）。
 * dropout 掩码每个元素占 1 字节，其余每个元素占 `valueBytes` 字节。`recompute` 为 'selective' 时不保存任何 y 大
 * 小的张量（它们会被重新计算）；为 'full' 时只保存该层的输入（x）。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function activationBytes(
  shape: LayerShape,
  valueBytes: number,
  recompute: 'none' | 'selective' | 'full',
): number {
  throw new NotImplementedError('l5.q3');
}

export interface LayerOption {
  name: string;
  params: number;
  /** Accuracy points lost when this layer runs in low precision. */
  drop: number;
}

/**
 * l5.q4: Per-layer precision within an accuracy budget
 * 在精度损失预算内按层选择精度
 *
 * Choose layers to run in low precision so that the total accuracy drop stays within `budget` points, moving as
 * many parameters as possible to low precision. Return that largest parameter count.
 *
 * 选出若干层改用低精度，使准确率的总下降不超过 `budget` 个百分点，并让尽可能多的参数改为低精度。返回这个最大的参
 * 数个数。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function maxLowPrecisionParams(layers: LayerOption[], budget: number): number {
  throw new NotImplementedError('l5.q4');
}

/**
 * l5.q5: Open task: the fewest GPUs that fit Chinchilla
 * 开放题：放下 Chinchilla 最少要几块 GPU
 *
 * Chinchilla (70B parameters, 80 layers of width 8192, vocabulary 32 000), trained with mixed-precision Adam on
 * 2048-token sequences, micro-batch 1 per GPU, full activation recomputation and ZeRO stage 3, on GPUs of
 * `gpuGB` GB (10⁹ bytes) each: over how few data-parallel GPUs does it fit? Return that number, a power of two
 * as data-parallel groups usually are. Count it your way (§4b–§4d give the accounting; `mp.trainingMemory` in a
 * cell lets you check your function); the grader asks the course's memory calculator whether your number fits,
 * and whether half as many GPUs would.
 *
 * Chinchilla（700 亿参数，80 层，宽度 8192，词表 32 000）用混合精度 Adam 训练，序列长 2048 个 token，每块 GPU 的
 * 微批大小为 1，完全激活重计算，ZeRO 阶段 3，每块 GPU 有 `gpuGB` GB（10⁹ 字节）：最少要多少块数据并行的 GPU 才放
 * 得下？返回这个数；和通常的数据并行组一样，取 2 的幂。怎么算由你决定（§4b–§4d 给出了记账方法；可以在单元格里用
 * `mp.trainingMemory` 检验你的函数）；评分程序会用课程的显存计算器检查你的数是否放得下，以及 GPU 减半后是否也放
 * 得下。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function fewestGpus(gpuGB: number): number {
  throw new NotImplementedError('l5.q5');
}
