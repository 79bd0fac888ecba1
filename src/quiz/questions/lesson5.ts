import { memoryPlan } from '../../mp/index';
import { hidden, mistake, shown, type Question, type Uses } from '../question';

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
type Policy = { compute: string; variable: string };
const size = (format: string): number => ({ float32: 4, float16: 2, bfloat16: 2 })[format] ?? NaN;
const MEMORY_MISTAKES = [
  mistake((params: number, p: Policy) => params * 4 * size(p.compute), {
    en: 'everything in the compute format: mixed precision keeps master weights, gradients and both Adam moments in the variable format (float32); only the copy of the weights the matmuls read is 16-bit.',
    zh: '全部按计算格式算了：混合精度把主权重、梯度和 Adam 的两个动量都放在变量格式（float32）里；只有矩阵乘法读取的那份权重副本是 16 位的。',
  }),
  mistake((params: number, p: Policy) => params * 4 * size(p.variable), {
    en: 'the compute-format copy of the weights is missing: where the two formats differ, the forward pass reads a copy in the compute format too.',
    zh: '漏了计算格式的权重副本：两种格式不同时，前向计算还要读一份计算格式的权重副本。',
  }),
  mistake(
    (params: number, p: Policy) => params * (2 * size(p.variable) + (p.compute === p.variable ? 0 : size(p.compute))),
    {
      en: "Adam's two moments are missing: Adam keeps a first and a second moment for every parameter.",
      zh: '漏了 Adam 的两个动量：Adam 为每个参数保存一阶矩和二阶矩。',
    },
  ),
  mistake((params: number, p: Policy) => params * (4 * size(p.variable) + size(p.compute)), {
    en: 'a copy counted where there is none: with one format for compute and variables, the weights are used as they are.',
    zh: '多算了一份副本：计算格式和变量格式相同时，直接使用权重本身。',
  }),
];

const relative = { kind: 'relative', tolerance: 1e-12 } as const;
const INTENSITY_MISTAKES = [
  mistake(
    (m: number, n: number, k: number, b: number) => (m * n * k) / (b * (m * k + k * n + m * n)),
    {
      en: 'half the FLOPs: each multiply-add is two floating-point operations, 2·m·n·k in all.',
      zh: 'FLOPs 少了一半：每次乘加是两次浮点运算，总共 2·m·n·k。',
    },
    relative,
  ),
  mistake(
    (m: number, n: number, k: number) => (2 * m * n * k) / (m * k + k * n + m * n),
    {
      en: 'per element, not per byte: divide by the bytes the elements take (bytesPerElement).',
      zh: '算成了每个元素而不是每个字节：要除以元素占用的字节数（bytesPerElement）。',
    },
    relative,
  ),
];

/** Greedy choices, which are not optimal: layers taken in an order while they fit. */
function greedy(
  layers: { params: number; drop: number }[],
  budget: number,
  order: (l: { params: number; drop: number }) => number,
): number {
  let left = budget + 1e-12;
  let total = 0;
  for (const l of [...layers].sort((a, b) => order(b) - order(a)))
    if (l.drop <= left) [left, total] = [left - l.drop, total + l.params];
  return total;
}
const SUBSET_MISTAKES = [
  mistake((layers: { params: number; drop: number }[], budget: number) => greedy(layers, budget, (l) => l.params), {
    en: 'greedy by size is not optimal: a large layer can crowd out two smaller ones that together move more; try every subset (there are only 2^layers).',
    zh: '按大小贪心选择并不是最优的：一个大层可能挤掉两个加起来参数更多的小层；要尝试每个子集（一共只有 2^层数 个）。',
  }),
  mistake(
    (layers: { params: number; drop: number }[], budget: number) => greedy(layers, budget, (l) => l.params / l.drop),
    {
      en: 'greedy by parameters per point of accuracy is not optimal either: try every subset (there are only 2^layers).',
      zh: '按“每损失一个百分点能换多少参数”贪心选择也不是最优的：要尝试每个子集（一共只有 2^层数 个）。',
    },
  ),
];

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
    title: { en: 'Memory for training with Adam under a policy', zh: '在某个精度策略下用 Adam 训练所需的内存' },
    prompt: {
      en:
        "Bytes to train `params` parameters with Adam under a policy: weights + gradients + Adam's two moments, all in " +
        'the variable format, plus a compute-format copy of the weights when the two formats differ. Policies: ' +
        "{ compute: 'float16' | 'bfloat16' | 'float32', variable: same choices }.",
      zh:
        '在某个精度策略下用 Adam 训练 `params` 个参数所需的字节数：权重 + 梯度 + Adam 的两个动量，全部用变量格式；' +
        "两种格式不同时，再加一份计算格式的权重副本。策略：{ compute: 'float16' | 'bfloat16' | 'float32', variable: 同上 }。",
    },
    minutes: 10,
    file: 'lesson5/index.ts',
    export: 'adamTrainingBytes',
    uses: FORMATS,
    cases: [
      shown('float32', [1000, { compute: 'float32', variable: 'float32' }], bytes(1000, 'float32'), {
        ...exact,
        mistakes: MEMORY_MISTAKES,
      }),
      shown(
        { en: 'mixed float16', zh: '混合 float16' },
        [1000, { compute: 'float16', variable: 'float32' }],
        bytes(1000, 'mixed_float16'),
        { ...exact, mistakes: MEMORY_MISTAKES },
      ),
      hidden(
        { en: 'pure bfloat16', zh: '纯 bfloat16' },
        [50890, { compute: 'bfloat16', variable: 'bfloat16' }],
        bytes(50890, 'bfloat16'),
        {
          ...exact,
          mistakes: MEMORY_MISTAKES,
          catches: {
            en: 'a compute copy counted where compute and variable formats are the same',
            zh: '计算格式与变量格式相同时仍多算了一份副本',
          },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q2',
    title: { en: 'Arithmetic intensity of a matmul', zh: '矩阵乘法的算术强度' },
    prompt: {
      en: 'Arithmetic intensity (FLOPs per byte moved) of an m×k by k×n matmul reading A, B and writing C once.',
      zh: '一个 m×k 乘 k×n 的矩阵乘法的算术强度（每搬运一个字节对应的 FLOPs），A、B 各读一次，C 写一次。',
    },
    minutes: 5,
    file: 'lesson5/index.ts',
    export: 'matmulIntensity',
    uses: FORMATS,
    cases: [
      shown(
        { en: '4096³ in float16', zh: '4096³ 的矩阵乘法，float16' },
        [4096, 4096, 4096, 2],
        intensity(4096, 4096, 4096, 2),
        {
          compare: relative,
          mistakes: INTENSITY_MISTAKES,
        },
      ),
      hidden(
        { en: 'the seed MLP layer in float32', zh: '种子问题 MLP 的一层，float32' },
        [128, 64, 784, 4],
        intensity(128, 64, 784, 4),
        { compare: relative, mistakes: INTENSITY_MISTAKES },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q3',
    title: { en: 'Per-layer precision within an accuracy budget', zh: '在精度损失预算内按层选择精度' },
    prompt: {
      en:
        'Choose layers to run in low precision so that the total accuracy drop stays within `budget` points, moving ' +
        'as many parameters as possible to low precision. Return that largest parameter count.',
      zh:
        '选出若干层改用低精度，使准确率的总下降不超过 `budget` 个百分点，并让尽可能多的参数改为低精度。' +
        '返回这个最大的参数个数。',
    },
    minutes: 15,
    file: 'lesson5/index.ts',
    export: 'maxLowPrecisionParams',
    uses: FORMATS,
    cases: [
      shown({ en: 'budget 0.3 points', zh: '预算 0.3 个百分点' }, [net, 0.3], bestSubset(net, 0.3), {
        ...exact,
        mistakes: SUBSET_MISTAKES,
      }),
      hidden({ en: 'budget 0.55 points', zh: '预算 0.55 个百分点' }, [net, 0.55], bestSubset(net, 0.55), {
        ...exact,
        mistakes: SUBSET_MISTAKES,
        catches: { en: 'a greedy choice of layers', zh: '贪心地选择层' },
      }),
      hidden({ en: 'no budget', zh: '没有预算' }, [net, 0], bestSubset(net, 0), {
        ...exact,
        mistakes: SUBSET_MISTAKES,
      }),
    ],
  },
  {
    kind: 'numeric',
    id: 'l5.c1',
    title: {
      en: 'Bytes per parameter to train with Adam under mixed_float16 (weights, copy, gradients, moments)?',
      zh: '在 mixed_float16 下用 Adam 训练，每个参数需要多少字节（权重、副本、梯度、动量）？',
    },
    points: 1,
    minutes: 5,
    answer: memoryPlan({ params: 1, activations: 0, policy: 'mixed_float16', optimizer: 'adam' }).bytesPerParam,
  },
];
