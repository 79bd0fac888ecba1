/** Lesson 5: the effect on accuracy, speed and memory. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/**
 * l5.q1: the exact McNemar test. `first[i]` and `second[i]` are 1 where each classifier gets test image i right,
 * 0 where it gets it wrong. Return the two-sided p-value: how likely a split of the disagreements at least as
 * uneven as the observed one would be if each disagreement were a fair coin flip. No disagreement at all gives
 * 1, a p-value is never above 1, and thousands of disagreements must still give a finite number.
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
 * l5.q2: the roofline's bound, in TFLOP/s, for one product of an m×k matrix by a k×n matrix whose elements take
 * `bytesPerElement` bytes, on a chip with peak `peakTflops` and memory bandwidth `bandwidthTBs` (TB/s): the
 * product reads A and B and writes C once, at the very least.
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
 * l5.q3: the bytes one transformer layer keeps for its backward pass, after Korthikanti et al. (2022, §4.1),
 * with x = s·b·h and y = a·s²·b. What it keeps, in elements:
 * - attention: the input of the Q, K, V products (x), Q and K (2x), the softmax output (y), the softmax dropout's
 *   mask (y), the dropout's output (y), V (x), the input of the output projection (x), its dropout's mask (x);
 * - MLP: the inputs of its two linear layers (x and 4x), the GeLU's input (4x), the dropout's mask (x);
 * - the inputs of the two layer norms (x each).
 * A dropout mask takes 1 byte per element; every other element takes `valueBytes`. With `recompute` 'selective'
 * the layer keeps none of the y-sized tensors (they are recomputed); with 'full' it keeps only its input (x).
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
 * l5.q4: choose layers to run in low precision so that the total accuracy drop stays within `budget` points,
 * moving as many parameters as possible to low precision. Return that largest parameter count.
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function maxLowPrecisionParams(layers: LayerOption[], budget: number): number {
  throw new NotImplementedError('l5.q4');
}
