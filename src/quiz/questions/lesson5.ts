import { memoryPlan } from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const exact = { compare: { kind: 'exact' } } as const;
/**
 * Number formats (their rounding, codes and fields) and tensors, not the library's mixed-precision or numerics
 * modules, which answer these: not amp/, and not the whole formats/ folder, whose simd/amp_simd holds the
 * training step's SIMD kernels (unscaling with its finiteness flag among them).
 */
const FORMATS: Uses = { library: ['formats/round', 'formats/codec', 'formats/fields'], packages: ['@tensorflow/tfjs'] };
const bytes = (params: number, policy: string): number =>
  memoryPlan({ params, activations: 0, policy, optimizer: 'adam' }).totalBytes;
const intensity = (m: number, n: number, k: number, b: number): number =>
  (2 * m * n * k) / (b * (m * k + k * n + m * n));

/** Brute force over subsets: the most parameters that fit the accuracy budget. */
function bestSubset(layers: { params: number; drop: number }[], budget: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << layers.length; mask++) {
    const chosen = layers.filter((_, i) => mask & (1 << i));
    if (chosen.reduce((s, l) => s + l.drop, 0) <= budget + 1e-12)
      best = Math.max(
        best,
        chosen.reduce((s, l) => s + l.params, 0),
      );
  }
  return best;
}
const net = [
  { name: 'embed', params: 4000, drop: 0.4 },
  { name: 'block1', params: 3000, drop: 0.1 },
  { name: 'block2', params: 3000, drop: 0.15 },
  { name: 'head', params: 500, drop: 0.3 },
];

export const LESSON5: Question[] = [
  {
    kind: 'code',
    id: 'l5.q1',
    title: 'Memory for training with Adam under a policy',
    file: 'lesson5/index.ts',
    export: 'adamTrainingBytes',
    uses: FORMATS,
    cases: [
      shown('float32', [1000, { compute: 'float32', variable: 'float32' }], bytes(1000, 'float32'), exact),
      shown('mixed float16', [1000, { compute: 'float16', variable: 'float32' }], bytes(1000, 'mixed_float16'), {
        ...exact,
        failureMessage: 'Mixed precision keeps float32 master weights, gradients and moments, plus a float16 copy.',
      }),
      hidden('pure bfloat16', [50890, { compute: 'bfloat16', variable: 'bfloat16' }], bytes(50890, 'bfloat16'), exact),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q2',
    title: 'Arithmetic intensity of a matmul',
    file: 'lesson5/index.ts',
    export: 'matmulIntensity',
    uses: FORMATS,
    cases: [
      shown('4096³ in float16', [4096, 4096, 4096, 2], intensity(4096, 4096, 4096, 2), {
        compare: { kind: 'relative', tolerance: 1e-12 },
      }),
      hidden('the seed MLP layer in float32', [128, 64, 784, 4], intensity(128, 64, 784, 4), {
        compare: { kind: 'relative', tolerance: 1e-12 },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q3',
    title: 'Per-layer precision within an accuracy budget',
    file: 'lesson5/index.ts',
    export: 'maxLowPrecisionParams',
    uses: FORMATS,
    cases: [
      shown('budget 0.3 points', [net, 0.3], bestSubset(net, 0.3), exact),
      hidden('budget 0.55 points', [net, 0.55], bestSubset(net, 0.55), {
        ...exact,
        failureMessage: 'Greedy by size is not optimal: try every subset.',
      }),
      hidden('no budget', [net, 0], bestSubset(net, 0), exact),
    ],
  },
  {
    kind: 'numeric',
    id: 'l5.c1',
    title: 'Bytes per parameter to train with Adam under mixed_float16 (weights, copy, gradients, moments)?',
    points: 1,
    answer: memoryPlan({ params: 1, activations: 0, policy: 'mixed_float16', optimizer: 'adam' }).bytesPerParam,
  },
];
