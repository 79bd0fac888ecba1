import { DynamicLossScaler, lossScaleStep, onNumbers, roundValue } from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const f = Math.fround;
const exact = { compare: { kind: 'exact' } } as const;
const float32Ulps = (ulps: number) => ({ compare: { kind: 'ulps', format: 'float32', ulps } }) as const;
/**
 * Number formats (their rounding, codes and fields) and tensors, not the library's mixed-precision or numerics
 * modules, which answer these: not amp/, and not the whole formats/ folder, whose simd/amp_simd holds the
 * training step's SIMD kernels (unscaling with its finiteness flag among them).
 */
const FORMATS: Uses = { library: ['formats/round', 'formats/codec', 'formats/fields'], packages: ['@tensorflow/tfjs'] };
/** Plain arithmetic: no library module, no package. */
const NOTHING: Uses = { library: [], packages: [] };

// l4.q1: torch's GradScaler update, from the library's one rule (scale_rule.ts)
const config = { growthFactor: 2, backoffFactor: 0.5, growthInterval: 3 };
function after(
  state: { scale: number; goodSteps: number },
  foundInf: boolean,
  c: typeof config = config,
): { scale: number; goodSteps: number } {
  const rule = new DynamicLossScaler(c).options;
  const next = lossScaleStep(onNumbers, { ...state, hysteresisLeft: rule.hysteresis }, foundInf, rule);
  return { scale: next.scale, goodSteps: next.goodSteps };
}
const threeQuarters = { growthFactor: 2, backoffFactor: 0.75, growthInterval: 3 };

// l4.q2: an independent formula for the master-weight step, every stored value a float32
function masterStep(master: number[], grads: number[], lr: number) {
  const next = master.map((w, i) => f(w - f(lr * grads[i]!)));
  return { master: next, compute: next.map((w) => roundValue(w, 'float16')) };
}

// l4.q3: an independent formula: each quotient a float32, finite only if every one is
function unscaled(scaled: number[], scale: number) {
  const grads = scaled.map((g) => f(g / scale));
  return { grads, finite: grads.every(Number.isFinite) };
}

// l4.q4: torch's clip_grad_norm_, written out: the global L2 norm, coef = min(max / (norm + 1e-6), 1)
function clipped(grads: number[][], maxNorm: number) {
  const norm = f(Math.sqrt(grads.flat().reduce((s, v) => s + v * v, 0)));
  if (!Number.isFinite(norm)) return { grads, totalNorm: norm, finite: false };
  const coef = Math.min(f(maxNorm / f(norm + f(1e-6))), 1);
  return { grads: grads.map((g) => g.map((v) => f(v * coef))), totalNorm: norm, finite: true };
}

export const LESSON4: Question[] = [
  {
    kind: 'code',
    id: 'l4.q1',
    title: { en: 'The dynamic loss-scale update', zh: '动态损失缩放因子的更新' },
    file: 'lesson4/index.ts',
    export: 'updateLossScale',
    uses: FORMATS,
    cases: [
      shown(
        { en: 'an overflow halves the scale', zh: '一次上溢让缩放因子减半' },
        [{ scale: 1024, goodSteps: 2 }, true, config],
        after({ scale: 1024, goodSteps: 2 }, true),
        exact,
      ),
      shown(
        { en: 'a good step counts', zh: '正常的一步要计数' },
        [{ scale: 1024, goodSteps: 0 }, false, config],
        after({ scale: 1024, goodSteps: 0 }, false),
        exact,
      ),
      hidden(
        { en: 'the growthInterval-th good step in a row doubles it', zh: '连续第 growthInterval 个正常步让它翻倍' },
        [{ scale: 1024, goodSteps: 2 }, false, config],
        after({ scale: 1024, goodSteps: 2 }, false),
        {
          ...exact,
          failureMessage: {
            en: 'Count the steps in a row: the growthInterval-th good one grows the scale and restarts the count.',
            zh: '数连续的步数：第 growthInterval 个正常步让缩放因子增长，并重新开始计数。',
          },
        },
      ),
      hidden(
        { en: 'an overflow restarts the count of good steps', zh: '一次上溢让正常步计数重新开始' },
        [{ scale: 512, goodSteps: 1 }, true, config],
        after({ scale: 512, goodSteps: 1 }, true),
        {
          ...exact,
          failureMessage: {
            en: 'An overflow breaks the run of good steps: the count starts again from 0.',
            zh: '一次上溢打断了连续的正常步：计数从 0 重新开始。',
          },
        },
      ),
      hidden(
        { en: 'the scale is a float32', zh: '缩放因子是 float32' },
        [{ scale: f(1000.1), goodSteps: 0 }, true, threeQuarters],
        after({ scale: f(1000.1), goodSteps: 0 }, true, threeQuarters),
        {
          ...exact,
          failureMessage: {
            en: 'torch keeps the scale in a float32 tensor: round each new scale to float32.',
            zh: 'torch 把缩放因子存放在 float32 张量中：每个新的缩放因子都要舍入到 float32。',
          },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q2',
    title: { en: 'A master-weights update', zh: '主权重的一次更新' },
    file: 'lesson4/index.ts',
    export: 'masterWeightStep',
    uses: FORMATS,
    cases: [
      shown(
        { en: 'small updates survive in the master copy', zh: '小的更新在主权重中得以保留' },
        [[1, 2048], [-1e-3, -1], 0.1],
        masterStep([1, 2048], [-1e-3, -1], 0.1),
        {
          compare: { kind: 'bits' },
        },
      ),
      hidden(
        { en: 'and reach the float16 copy once they add up', zh: '累积起来后也会体现在 float16 副本中' },
        [[0.5, -3], [0.2, 0.7], 1e-2],
        masterStep([0.5, -3], [0.2, 0.7], 1e-2),
        {
          compare: { kind: 'bits' },
        },
      ),
      hidden(
        {
          en: 'lr·grad is itself stored as a float32 before the subtraction',
          zh: 'lr·grad 在相减之前本身就存为 float32',
        },
        [[f(0.1014)], [f(0.30098)], f(0.01)],
        masterStep([f(0.1014)], [f(0.30098)], f(0.01)),
        {
          compare: { kind: 'bits' },
          failureMessage: {
            en: 'Every value the step stores is a float32: the update lr·grad too, before it is subtracted.',
            zh: '这一步存下的每个值都是 float32：更新量 lr·grad 在相减之前也是。',
          },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q3',
    title: { en: 'Unscale gradients and check them', zh: '反缩放梯度并检查' },
    file: 'lesson4/index.ts',
    export: 'unscaleGradients',
    uses: FORMATS,
    cases: [
      shown({ en: 'finite', zh: '有限值' }, [[1024, -512, 2], 1024], unscaled([1024, -512, 2], 1024), exact),
      hidden({ en: 'an overflow', zh: '一次上溢' }, [[Infinity, 3], 8], unscaled([Infinity, 3], 8), {
        ...exact,
        failureMessage: {
          en: 'Any inf or NaN means the step must be skipped.',
          zh: '出现任何 inf 或 NaN，这一步都必须跳过。',
        },
      }),
      hidden({ en: 'a NaN', zh: '一个 NaN' }, [[2, NaN], 4], unscaled([2, NaN], 4), {
        ...exact,
        failureMessage: {
          en: 'NaN is not finite either: 0·inf or inf − inf in the backward pass gives NaN, not inf.',
          zh: 'NaN 也不是有限值：反向传播中的 0·inf 或 inf − inf 得到的是 NaN，而不是 inf。',
        },
      }),
      hidden(
        { en: 'a scale that is not a power of two', zh: '不是 2 的幂的缩放因子' },
        [[1, 2, 10], 3],
        unscaled([1, 2, 10], 3),
        {
          ...exact,
          failureMessage: {
            en: 'The gradients are float32 tensors: each quotient is a float32.',
            zh: '梯度是 float32 张量：每个商都是 float32。',
          },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q4',
    title: { en: 'Clip by the global norm, as torch does', zh: '像 torch 那样按全局范数裁剪' },
    file: 'lesson4/index.ts',
    export: 'clipByGlobalNorm',
    uses: NOTHING,
    cases: [
      shown(
        { en: 'a norm above maxNorm', zh: '范数大于 maxNorm' },
        [[[3, -4], [12]], 1],
        clipped([[3, -4], [12]], 1),
        float32Ulps(4),
      ),
      shown(
        { en: 'a norm below maxNorm', zh: '范数小于 maxNorm' },
        [[[0.3, -0.4]], 1],
        clipped([[0.3, -0.4]], 1),
        float32Ulps(4),
      ),
      hidden(
        { en: 'one norm over all tensors', zh: '所有张量共用一个范数' },
        [
          [
            [3, 4],
            [0.6, 0.8],
          ],
          1,
        ],
        clipped(
          [
            [3, 4],
            [0.6, 0.8],
          ],
          1,
        ),
        {
          ...float32Ulps(4),
          failureMessage: {
            en: 'The norm is one number for all the gradients together, not one per tensor.',
            zh: '范数是所有梯度合起来的一个数，而不是每个张量一个。',
          },
        },
      ),
      hidden(
        { en: 'a norm near the 1e-6 torch adds', zh: '范数接近 torch 加上的 1e-6' },
        [[[3e-6, 4e-6]], 1e-6],
        clipped([[3e-6, 4e-6]], 1e-6),
        {
          ...float32Ulps(4),
          failureMessage: {
            en: 'torch divides maxNorm by the norm plus 1e-6.',
            zh: 'torch 用 maxNorm 除以（范数 + 1e-6）。',
          },
        },
      ),
      hidden(
        { en: 'an overflowed gradient', zh: '一个上溢的梯度' },
        [[[Infinity, 1], [2]], 1],
        clipped([[Infinity, 1], [2]], 1),
        {
          ...float32Ulps(4),
          failureMessage: {
            en: 'A non-finite norm leaves the gradients as they are, and the step must not go ahead.',
            zh: '范数不是有限值时，梯度保持原样，这一步不能继续。',
          },
        },
      ),
      hidden({ en: 'a NaN gradient', zh: '一个 NaN 梯度' }, [[[1, NaN]], 1], clipped([[1, NaN]], 1), {
        ...float32Ulps(4),
        failureMessage: { en: 'NaN is not finite either.', zh: 'NaN 也不是有限值。' },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q5',
    title: {
      en: 'Which ops of the block stay in float32 under large activations',
      zh: '激活值很大时，块中哪些算子要留在 float32',
    },
    file: 'lesson4/index.ts',
    export: 'float32Ops',
    uses: NOTHING,
    cases: [
      shown(
        { en: 'the block still predicts', zh: '块仍能正确预测' },
        [],
        { keep: ['layer_norm'], scaleFirst: true },
        exact,
      ),
      hidden(
        { en: 'with as few ops kept as possible', zh: '留在 float32 的算子尽可能少' },
        [],
        { keep: ['layer_norm'], scaleFirst: true },
        exact,
      ),
    ],
  },
  {
    kind: 'choice',
    id: 'l4.c1',
    title: {
      en: "Under torch.autocast with float16, a transformer's sublayers (attention, MLP) return float16, yet the residual stream they are added to stays float32. Why?",
      zh: '在 float16 的 torch.autocast 下，Transformer 的子层（注意力、MLP）返回 float16，而它们加回去的残差流却保持 float32。为什么？',
    },
    points: 1,
    choices: [
      'autocast puts add on its float32 list',
      'add promotes to its widest input, and the residual stream starts as float32 embeddings',
      "layer norm's float32 output is what gets added",
      'the loss scaler keeps activations in float32',
    ],
    answer: 'add promotes to its widest input, and the residual stream starts as float32 embeddings',
  },
  {
    kind: 'choice',
    id: 'l4.c2',
    title: {
      en: 'Why must the gradients be unscaled before they are clipped?',
      zh: '为什么必须先反缩放梯度，再裁剪？',
    },
    points: 1,
    choices: [
      'clipping scaled gradients would overflow float16',
      'the clip compares the norm with max_norm, and a scaled norm is S times too large: every step would be clipped and shrunk by about S',
      'unscaling is what finds inf and NaN, and clipping first would remove them',
      'it does not matter: clipping and unscaling are both multiplications, so their order is free',
    ],
    answer:
      'the clip compares the norm with max_norm, and a scaled norm is S times too large: every step would be clipped and shrunk by about S',
  },
  {
    kind: 'choice',
    id: 'l4.c3',
    title: {
      en: "Why does a checkpoint of a float16 run keep the GradScaler's state_dict()?",
      zh: '为什么 float16 训练的检查点要保存 GradScaler 的 state_dict()？',
    },
    points: 1,
    choices: [
      'the saved weights are stored multiplied by the scale',
      "Adam's moments are kept scaled, so they must be unscaled on load",
      'without it the resumed run starts again from the initial scale and its good-step count, and skips steps until it has backed off again',
      'it does not need to: the scaler finds its level again in one step',
    ],
    answer:
      'without it the resumed run starts again from the initial scale and its good-step count, and skips steps until it has backed off again',
  },
  {
    kind: 'numeric',
    id: 'l4.c4',
    title: {
      en: "A model's scaled gradients overflow float16 at every loss scale above 2^11. With torch's GradScaler defaults, how many steps are skipped before the first one goes through?",
      zh: '某模型缩放后的梯度在任何大于 2^11 的损失缩放因子下都会让 float16 上溢。用 torch 的 GradScaler 默认值，在第一步成功更新之前，会跳过多少步？',
    },
    points: 1,
    answer: 5,
  },
  {
    kind: 'numeric',
    id: 'l4.c5',
    title: {
      en: 'A layer norm computes its variance from (x − μ)² in float16. In its input, x − μ is at most 3 in absolute value. If the whole input is multiplied by c, what is the largest power of two c for which no (x − μ)² overflows float16?',
      zh: '某层归一化在 float16 中由 (x − μ)² 计算方差。它的输入中 |x − μ| 最大为 3。如果把整个输入乘以 c，使所有 (x − μ)² 都不在 float16 中上溢的最大的 2 的幂 c 是多少？',
    },
    points: 2,
    answer: 64,
  },
];
