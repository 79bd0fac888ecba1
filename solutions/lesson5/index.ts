/** Lesson 5: the effect on accuracy, speed and memory. */

/** Bytes per element for the formats this lesson uses. */
export const BYTES: Record<string, number> = { float32: 4, float16: 2, bfloat16: 2 };

/**
 * l5.q1: bytes to train `params` parameters with Adam under a policy: weights + gradients + Adam's two moments,
 * all in the variable format, plus a compute-format copy of the weights when the two formats differ.
 * Policies: { compute: 'float16' | 'bfloat16' | 'float32', variable: same choices }.
 */
export function adamTrainingBytes(params: number, policy: { compute: string; variable: string }): number {
  // BEGIN SOLUTION l5.q1
  const v = BYTES[policy.variable]!;
  const copy = policy.compute === policy.variable ? 0 : BYTES[policy.compute]!;
  return params * (4 * v + copy);
  // END SOLUTION
}

/** l5.q2: arithmetic intensity (FLOPs per byte moved) of an m×k by k×n matmul reading A, B and writing C once. */
export function matmulIntensity(m: number, n: number, k: number, bytesPerElement: number): number {
  // BEGIN SOLUTION l5.q2
  return (2 * m * n * k) / (bytesPerElement * (m * k + k * n + m * n));
  // END SOLUTION
}

export interface LayerOption {
  name: string;
  params: number;
  /** Accuracy points lost when this layer runs in low precision. */
  drop: number;
}

/**
 * l5.q3: choose layers to run in low precision so that the total accuracy drop stays within `budget` points,
 * moving as many parameters as possible to low precision. Return that largest parameter count.
 */
export function maxLowPrecisionParams(layers: LayerOption[], budget: number): number {
  // BEGIN SOLUTION l5.q3
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
