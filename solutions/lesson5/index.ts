/** Lesson 5: the effect on accuracy, speed and memory. */

/**
 * l5.q1: the exact McNemar test. `first[i]` and `second[i]` are 1 where each classifier gets test image i right,
 * 0 where it gets it wrong. Return the two-sided p-value: how likely a split of the disagreements at least as
 * uneven as the observed one would be if each disagreement were a fair coin flip. No disagreement at all gives
 * 1, a p-value is never above 1, and thousands of disagreements must still give a finite number.
 */
export function mcnemarPValue(first: number[], second: number[]): number {
  // BEGIN SOLUTION l5.q1
  let onlyFirst = 0;
  let onlySecond = 0;
  first.forEach((a, i) => {
    if (a > second[i]!) onlyFirst++;
    else if (second[i]! > a) onlySecond++;
  });
  const n = onlyFirst + onlySecond;
  const k = Math.min(onlyFirst, onlySecond);
  // P(X ≤ k) for X ~ Binomial(n, 1/2), term by term in log space: C(n, i) / 2^n overflows neither way
  let logTerm = -n * Math.LN2;
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
  // END SOLUTION
}

/**
 * l5.q2: the roofline's bound, in TFLOP/s, for one product of an m×k matrix by a k×n matrix whose elements take
 * `bytesPerElement` bytes, on a chip with peak `peakTflops` and memory bandwidth `bandwidthTBs` (TB/s): the
 * product reads A and B and writes C once, at the very least.
 */
export function attainableTflops(
  m: number,
  n: number,
  k: number,
  bytesPerElement: number,
  peakTflops: number,
  bandwidthTBs: number,
): number {
  // BEGIN SOLUTION l5.q2
  const intensity = (2 * m * n * k) / (bytesPerElement * (m * k + k * n + m * n));
  return Math.min(peakTflops, bandwidthTBs * intensity);
  // END SOLUTION
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
 */
export function activationBytes(
  shape: LayerShape,
  valueBytes: number,
  recompute: 'none' | 'selective' | 'full',
): number {
  // BEGIN SOLUTION l5.q3
  const x = shape.tokens * shape.batch * shape.hidden;
  const y = shape.heads * shape.tokens * shape.tokens * shape.batch;
  if (recompute === 'full') return valueBytes * x;
  const values = 16 * x + 2 * y; // attention 5x + 2y, MLP 9x, layer norms 2x
  const masks = 2 * x + y; // attention dropout (x), softmax dropout (y), MLP dropout (x)
  const all = valueBytes * values + masks;
  return recompute === 'selective' ? all - (2 * valueBytes + 1) * y : all;
  // END SOLUTION
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
 */
export function maxLowPrecisionParams(layers: LayerOption[], budget: number): number {
  // BEGIN SOLUTION l5.q4
  let best = 0;
  for (let mask = 0; mask < 2 ** layers.length; mask++) {
    let params = 0;
    let drop = 0;
    layers.forEach((l, i) => {
      if (mask & (1 << i)) [params, drop] = [params + l.params, drop + l.drop];
    });
    if (drop <= budget + 1e-12) best = Math.max(best, params);
  }
  return best;
  // END SOLUTION
}

/**
 * l5.q5 (open): over how few data-parallel GPUs of `gpuGB` GB does Chinchilla (70B) train with mixed-precision Adam,
 * 2048-token sequences, micro-batch 1, full recomputation and ZeRO stage 3? A power of two.
 */
export function fewestGpus(gpuGB: number): number {
  // BEGIN SOLUTION l5.q5
  const [params, layers, hidden, vocab, tokens] = [70e9, 80, 8192, 32000, 2048];
  // full recomputation keeps each layer's 16-bit input; outside the layers, float32 logits and sbh(1 + 2·2) bytes
  const activations = layers * 2 * tokens * hidden + 4 * tokens * vocab + 5 * tokens * hidden;
  let gpus = 1;
  while ((16 * params) / gpus + activations > gpuGB * 1e9) gpus *= 2; // ZeRO-3 shards all 16 bytes per parameter
  return gpus;
  // END SOLUTION
}
