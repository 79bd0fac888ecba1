import { DynamicLossScaler, lossScaleStep, onNumbers, roundValue } from '../../mp/index';
import { judgedBy } from '../judges';
import { hidden, judged, mistake, shown, type Question, type Uses } from '../question';

const f = Math.fround;
const exact = { compare: { kind: 'exact' } } as const;
const float32Ulps = { compare: { kind: 'ulps', format: 'float32', ulps: 4 } } as const;
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
type Config = typeof config;
type State = { scale: number; goodSteps: number };
/** The expected state: the library's rule, with the parameters `c` leaves out as DynamicLossScaler sets them. */
function after(state: State, foundInf: boolean, c: Config = config): State {
  const rule = new DynamicLossScaler(c).options;
  const next = lossScaleStep(onNumbers, { ...state, hysteresisLeft: rule.hysteresis }, foundInf, rule);
  return { scale: next.scale, goodSteps: next.goodSteps };
}
const threeQuarters = { growthFactor: 2, backoffFactor: 0.75, growthInterval: 3 };

/** The scaler's update with one step wrong: `grow` says whether and how it grows after a good step. */
const updateWith =
  (grow: (goodSteps: number, c: Config) => { grows: boolean; reset: boolean }, resetOnInf = true) =>
  (state: State, foundInf: boolean, c: Config): State => {
    if (foundInf) return { scale: state.scale * c.backoffFactor, goodSteps: resetOnInf ? 0 : state.goodSteps };
    const goodSteps = state.goodSteps + 1;
    const { grows, reset } = grow(goodSteps, c);
    return { scale: grows ? state.scale * c.growthFactor : state.scale, goodSteps: grows && reset ? 0 : goodSteps };
  };
const SCALER_MISTAKES = [
  mistake(
    updateWith((n, c) => ({ grows: n >= c.growthInterval, reset: false })),
    {
      en: 'the count did not restart: after growing the scale, torch sets the good-step count back to 0.',
      zh: '计数没有清零：放大缩放因子之后，torch 会把连续正常步数重置为 0。',
    },
  ),
  mistake(
    updateWith((n, c) => ({ grows: n > c.growthInterval, reset: true })),
    {
      en: 'the scale grew a step late (or not at all): it grows when the count of good steps reaches growthInterval.',
      zh: '缩放因子晚了一步才放大（或没有放大）：连续正常步数达到 growthInterval 时就该放大。',
    },
  ),
  mistake(
    updateWith((n, c) => ({ grows: n >= c.growthInterval, reset: true }), false),
    {
      en: 'an overflow must also reset the good-step count to 0.',
      zh: '出现溢出时也要把连续正常步数重置为 0。',
    },
  ),
  mistake(
    updateWith((n, c) => ({ grows: n >= c.growthInterval, reset: true })),
    {
      en: 'the scale is not a float32: torch keeps it in a float32 tensor, so round each new scale with Math.fround.',
      zh: '缩放因子不是 float32：torch 把它存放在 float32 张量中，所以每个新的缩放因子都要用 Math.fround 舍入。',
    },
  ),
];

// l4.q2: an independent formula for the master-weight step, every stored value a float32
function masterStep(master: number[], grads: number[], lr: number) {
  const next = master.map((w, i) => f(w - f(lr * grads[i]!)));
  return { master: next, compute: next.map((w) => roundValue(w, 'float16')) };
}
const MASTER_MISTAKES = [
  mistake(
    (master: number[], grads: number[], lr: number) => ({
      master: master.map((w, i) => roundValue(w - lr * grads[i]!, 'float16')),
    }),
    {
      en: 'the master weights were rounded to float16: keep them in float32, so that updates smaller than half a float16 ulp still accumulate.',
      zh: '主权重被舍入成了 float16：主权重要保持 float32，这样小于半个 float16 末位单位（ulp）的更新才能累积起来。',
    },
  ),
  mistake(
    (master: number[], grads: number[], lr: number) => ({ master: master.map((w, i) => w - lr * grads[i]!) }),
    {
      en: 'the master weights are not float32 values: round lr·grad and then the difference with Math.fround.',
      zh: '主权重不是 float32 值：先用 Math.fround 舍入 lr·grad，再舍入相减的结果。',
    },
    exact.compare,
  ),
  mistake(
    (master: number[], grads: number[], lr: number) => ({ master: master.map((w, i) => f(w - lr * grads[i]!)) }),
    {
      en: 'lr·grad is a float32 tensor too: round it with Math.fround before the subtraction, not only the result.',
      zh: 'lr·grad 本身也是 float32 张量：相减之前先用 Math.fround 舍入它，而不只是舍入结果。',
    },
  ),
  mistake(
    (master: number[], grads: number[], lr: number) => ({
      compute: master.map((w, i) => f(w - f(lr * grads[i]!))),
    }),
    {
      en: "the compute copy is not float16: it is the new master weights rounded to float16 (roundValue(w, 'float16')).",
      zh: "计算用的副本不是 float16：它是新的主权重舍入到 float16 的结果（roundValue(w, 'float16')）。",
    },
  ),
];

// l4.q3: an independent formula: each quotient a float32, finite only if every one is
function unscaled(scaled: number[], scale: number) {
  const grads = scaled.map((g) => f(g / scale));
  return { grads, finite: grads.every(Number.isFinite) };
}
const UNSCALE_MISTAKES = [
  mistake((scaled: number[], scale: number) => ({ finite: !scaled.some((g) => Number.isNaN(g / scale)) }), {
    en: 'an infinity went unnoticed: any inf or NaN means the step must be skipped (Number.isFinite checks both).',
    zh: '漏掉了无穷大：只要有 inf 或 NaN，这一步就必须跳过（Number.isFinite 两者都能检查）。',
  }),
  mistake((scaled: number[], scale: number) => ({ finite: !scaled.some((g) => Math.abs(g / scale) === Infinity) }), {
    en: 'a NaN went unnoticed: 0·inf or inf − inf in the backward pass gives NaN, and NaN is not finite either.',
    zh: '漏掉了 NaN：反向传播中的 0·inf 或 inf − inf 得到 NaN，而 NaN 也不是有限值。',
  }),
  mistake((scaled: number[], scale: number) => ({ grads: scaled.map((g) => g * scale) }), {
    en: 'the gradients were multiplied by the scale: unscaling divides by it.',
    zh: '梯度乘上了缩放因子：反缩放应该除以它。',
  }),
  mistake((scaled: number[], scale: number) => ({ grads: scaled.map((g) => g / scale) }), {
    en: 'the gradients are float32 tensors: round each quotient to float32 (Math.fround).',
    zh: '梯度是 float32 张量：每个商都要舍入到 float32（Math.fround）。',
  }),
];

// l4.q4: torch's clip_grad_norm_, written out: the global L2 norm, coef = min(max / (norm + 1e-6), 1)
const l2 = (xs: number[]): number => f(Math.sqrt(xs.reduce((s, v) => s + v * v, 0)));
function clipped(grads: number[][], maxNorm: number) {
  const norm = l2(grads.flat());
  if (!Number.isFinite(norm)) return { grads, totalNorm: norm, finite: false };
  const coef = Math.min(f(maxNorm / f(norm + f(1e-6))), 1);
  return { grads: grads.map((g) => g.map((v) => f(v * coef))), totalNorm: norm, finite: true };
}
const CLIP_MISTAKES = [
  mistake(
    (grads: number[][], maxNorm: number) => ({
      grads: grads.map((g) => g.map((v) => f(v * Math.min(f(maxNorm / f(l2(g) + f(1e-6))), 1)))),
    }),
    {
      en: 'each tensor was clipped by its own norm: the norm is one number for all the gradients together.',
      zh: '每个张量按它自己的范数裁剪了：范数是所有梯度合起来的一个数。',
    },
  ),
  mistake(
    (grads: number[][], maxNorm: number) => ({
      grads: grads.map((g) => g.map((v) => f(v * Math.min(f(maxNorm / l2(grads.flat())), 1)))),
    }),
    {
      en: 'torch divides max_norm by the norm plus 1e-6, which matters when the norm is that small.',
      zh: 'torch 用 max_norm 除以（范数 + 1e-6），范数这么小时这一点就有影响。',
    },
  ),
  mistake(
    (grads: number[][], maxNorm: number) => ({
      grads: grads.map((g) => g.map((v) => f(v * f(maxNorm / f(l2(grads.flat()) + f(1e-6)))))),
    }),
    {
      en: 'clipping only shrinks: gradients whose norm is below max_norm stay as they are (the coefficient is at most 1).',
      zh: '裁剪只会缩小：范数小于 max_norm 的梯度保持不变（系数最大为 1）。',
    },
  ),
];
/** On a non-finite norm every clipping formula gives NaN: only the finiteness says which mistake it was. */
const NONFINITE_CLIP_MISTAKES = [
  mistake(() => ({ finite: true }), {
    en: 'a norm that is inf or NaN (Number.isFinite checks both) leaves the gradients as they are, and the step must not go ahead.',
    zh: '范数为 inf 或 NaN 时（Number.isFinite 两者都能检查），梯度保持原样，这一步不能继续。',
  }),
];

// l4.q5: judged on lesson 4's block itself (the reference answer is measured in test/course/models/transformer_block.test.ts)
const BLOCK = { residual: 512, queryKey: 256, ops: ['softmax', 'layer_norm', 'cross_entropy', 'add'] } as const;
/** Training the block and measuring each kept op takes a while on a loaded machine. */
const BLOCK_TIMEOUT_MS = 180_000;

export const LESSON4: Question[] = [
  {
    kind: 'code',
    id: 'l4.q1',
    title: { en: 'The dynamic loss-scale update', zh: '动态损失缩放的更新' },
    prompt: {
      en: "torch's GradScaler update after one step: back off and reset on inf/NaN; grow after growthInterval good steps. goodSteps counts the steps in a row whose gradients were all finite since the scale last changed; foundInf says whether this step's gradients held an inf or NaN. The scale is a float32, as torch keeps it.",
      zh: 'torch 的 GradScaler 在一步之后的更新：遇到 inf/NaN 时缩小并重置计数；连续 growthInterval 个正常步之后放大。goodSteps 是自缩放因子上次改变以来梯度全部有限的连续步数；foundInf 表示这一步的梯度中是否有 inf 或 NaN。缩放因子和 torch 中一样是 float32。',
    },
    minutes: 10,
    file: 'lesson4/index.ts',
    export: 'updateLossScale',
    uses: FORMATS,
    cases: [
      shown(
        { en: 'an overflow halves the scale', zh: '一次溢出让缩放因子减半' },
        [{ scale: 1024, goodSteps: 2 }, true, config],
        after({ scale: 1024, goodSteps: 2 }, true),
        { ...exact, mistakes: SCALER_MISTAKES },
      ),
      shown(
        { en: 'a good step counts', zh: '正常的一步要计数' },
        [{ scale: 1024, goodSteps: 0 }, false, config],
        after({ scale: 1024, goodSteps: 0 }, false),
        { ...exact, mistakes: SCALER_MISTAKES },
      ),
      hidden(
        { en: 'the third good step doubles it', zh: '第三个正常步让它翻倍' },
        [{ scale: 1024, goodSteps: 2 }, false, config],
        after({ scale: 1024, goodSteps: 2 }, false),
        {
          ...exact,
          mistakes: SCALER_MISTAKES,
          catches: {
            en: 'the growth after growthInterval good steps in a row, and the count restarting',
            zh: '连续 growthInterval 个正常步之后的放大，以及计数的重置',
          },
        },
      ),
      hidden(
        { en: 'an overflow in a run of good steps', zh: '连续正常步中出现一次溢出' },
        [{ scale: 512, goodSteps: 1 }, true, config],
        after({ scale: 512, goodSteps: 1 }, true),
        {
          ...exact,
          mistakes: SCALER_MISTAKES,
          catches: { en: 'an overflow that leaves the good-step count running', zh: '溢出后连续正常步数没有重置' },
        },
      ),
      hidden(
        { en: 'a backoff factor that is not a power of two', zh: '不是 2 的幂的回退因子' },
        [{ scale: f(1000.1), goodSteps: 0 }, true, threeQuarters],
        after({ scale: f(1000.1), goodSteps: 0 }, true, threeQuarters),
        {
          ...exact,
          mistakes: SCALER_MISTAKES,
          catches: { en: 'a scale kept in float64 arithmetic', zh: '缩放因子用 float64 算术保存' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q2',
    title: { en: 'A master-weights update', zh: '主权重的一次更新' },
    prompt: {
      en: 'One SGD step (w ← w − lr·grad) on float32 master weights, every value it stores a float32, then the float16 copy of the new weights that the next forward pass uses.',
      zh: '在 float32 主权重上做一步 SGD（w ← w − lr·grad），它存下的每个值都是 float32；再给出下一次前向传播使用的新权重的 float16 副本。',
    },
    minutes: 8,
    file: 'lesson4/index.ts',
    export: 'masterWeightStep',
    uses: FORMATS,
    cases: [
      shown(
        { en: 'small updates survive in the master copy', zh: '小的更新在主权重中保留下来' },
        [[1, 2048], [-1e-3, -1], 0.1],
        masterStep([1, 2048], [-1e-3, -1], 0.1),
        { compare: { kind: 'bits' }, mistakes: MASTER_MISTAKES },
      ),
      hidden(
        { en: 'and reach the float16 copy once they add up', zh: '累积起来后也会反映到 float16 副本中' },
        [[0.5, -3], [0.2, 0.7], 1e-2],
        masterStep([0.5, -3], [0.2, 0.7], 1e-2),
        {
          compare: { kind: 'bits' },
          mistakes: MASTER_MISTAKES,
          catches: { en: 'master weights kept in float16', zh: '主权重保存成了 float16' },
        },
      ),
      hidden(
        { en: 'an update that is not exact in float32', zh: '在 float32 中不精确的更新量' },
        [[f(0.1014)], [f(0.30098)], f(0.01)],
        masterStep([f(0.1014)], [f(0.30098)], f(0.01)),
        {
          compare: { kind: 'bits' },
          mistakes: MASTER_MISTAKES,
          catches: { en: 'lr·grad computed in float64 arithmetic', zh: 'lr·grad 用 float64 算术计算' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q3',
    title: { en: 'Unscale gradients and check them', zh: '反缩放梯度并检查' },
    prompt: {
      en: "The gradients of a loss that was multiplied by `scale`, brought back to the loss's own scale as float32 values, and whether the optimizer step may use them.",
      zh: '损失曾乘以 `scale`：把它的梯度还原到损失本身的尺度（float32 值），并判断优化器这一步能否使用它们。',
    },
    minutes: 6,
    file: 'lesson4/index.ts',
    export: 'unscaleGradients',
    uses: FORMATS,
    cases: [
      shown({ en: 'finite', zh: '全部有限' }, [[1024, -512, 2], 1024], unscaled([1024, -512, 2], 1024), {
        ...exact,
        mistakes: UNSCALE_MISTAKES,
      }),
      hidden({ en: 'an overflow', zh: '出现溢出' }, [[Infinity, 3], 8], unscaled([Infinity, 3], 8), {
        ...exact,
        mistakes: UNSCALE_MISTAKES,
        catches: { en: 'an infinite gradient not flagged', zh: '没有发现无穷大的梯度' },
      }),
      hidden({ en: 'a NaN', zh: '出现 NaN' }, [[2, NaN], 4], unscaled([2, NaN], 4), {
        ...exact,
        mistakes: UNSCALE_MISTAKES,
        catches: { en: 'a check for ±Infinity only', zh: '只检查了 ±Infinity' },
      }),
      hidden(
        { en: 'a scale that is not a power of two', zh: '不是 2 的幂的缩放因子' },
        [[1, 2, 10], 3],
        unscaled([1, 2, 10], 3),
        {
          ...exact,
          mistakes: UNSCALE_MISTAKES,
          catches: { en: 'quotients left in float64', zh: '商停留在 float64' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q4',
    title: { en: 'Clip by the global norm, as torch does', zh: '像 torch 那样按全局范数裁剪' },
    prompt: {
      en: "Clip a model's gradients (one array per parameter tensor) as torch.nn.utils.clip_grad_norm_ does with its default L2 norm, in float32: the clipped gradients, the norm torch reports, and whether the step may go ahead. A step whose norm is not finite leaves the gradients as they are, so that the loss scaler still sees the overflow and skips it.",
      zh: '像 torch.nn.utils.clip_grad_norm_ 使用默认 L2 范数时那样，在 float32 中裁剪模型的梯度（每个参数张量一个数组）：返回裁剪后的梯度、torch 报告的范数，以及这一步能否继续。范数不是有限值的一步让梯度保持原样，这样损失缩放器仍能看到上溢并跳过它。',
    },
    minutes: 12,
    file: 'lesson4/index.ts',
    export: 'clipByGlobalNorm',
    uses: NOTHING,
    cases: [
      shown({ en: 'a norm above maxNorm', zh: '范数大于 maxNorm' }, [[[3, -4], [12]], 1], clipped([[3, -4], [12]], 1), {
        ...float32Ulps,
        mistakes: CLIP_MISTAKES,
      }),
      shown({ en: 'a norm below maxNorm', zh: '范数小于 maxNorm' }, [[[0.3, -0.4]], 1], clipped([[0.3, -0.4]], 1), {
        ...float32Ulps,
        mistakes: CLIP_MISTAKES,
      }),
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
          ...float32Ulps,
          mistakes: CLIP_MISTAKES,
          catches: { en: 'a norm per tensor', zh: '每个张量各算一个范数' },
        },
      ),
      hidden(
        { en: 'a norm near the 1e-6 torch adds', zh: '范数接近 torch 加上的 1e-6' },
        [[[3e-6, 4e-6]], 1e-6],
        clipped([[3e-6, 4e-6]], 1e-6),
        {
          ...float32Ulps,
          mistakes: CLIP_MISTAKES,
          catches: { en: 'max_norm divided by the norm alone', zh: 'max_norm 只除以范数本身' },
        },
      ),
      hidden(
        { en: 'an overflowed gradient', zh: '一个上溢的梯度' },
        [[[Infinity, 1], [2]], 1],
        clipped([[Infinity, 1], [2]], 1),
        {
          ...float32Ulps,
          mistakes: NONFINITE_CLIP_MISTAKES,
          catches: { en: 'an infinite norm clipped as if finite', zh: '把无穷大的范数当作有限值来裁剪' },
        },
      ),
      hidden({ en: 'a NaN gradient', zh: '一个 NaN 梯度' }, [[[1, NaN]], 1], clipped([[1, NaN]], 1), {
        ...float32Ulps,
        mistakes: NONFINITE_CLIP_MISTAKES,
        catches: { en: 'a NaN norm taken for finite', zh: '把 NaN 范数当作有限值' },
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
    prompt: {
      en: "Open task. Lesson 4's trained block, its residual stream ×512 and q and k ×256 (the same function in exact arithmetic), runs under mixed_float16. Choose which ops keep the autocast table's rule and where the attention scale goes, so that it still predicts what it predicts in float32, keeping as few ops out of float16 as you can. Measure your choice before you submit: mp.evaluateBlock(block.rescaled({ residual: 512, queryKey: 256, scaleFirst }), precision).",
      zh: '开放题。第 4 课训练好的块，残差流放大 512 倍、q 和 k 放大 256 倍（在精确算术中是同一个函数），在 mixed_float16 下运行。选出哪些算子保留 autocast 表的规则、注意力缩放放在哪里，使它的预测仍与 float32 相同，并让留在 float16 之外的算子尽可能少。提交前先测量你的选择：mp.evaluateBlock(block.rescaled({ residual: 512, queryKey: 256, scaleFirst }), precision)。',
    },
    minutes: 12,
    file: 'lesson4/index.ts',
    export: 'float32Ops',
    uses: NOTHING,
    cases: [
      judged(
        { en: 'the block still predicts', zh: '块仍能正确预测' },
        [],
        judgedBy('blockKeepsPredicting', { ...BLOCK, ops: [...BLOCK.ops] }, BLOCK_TIMEOUT_MS),
        { points: 2 },
      ),
      judged(
        { en: 'with as few ops kept as possible', zh: '留在 float32 的算子尽可能少' },
        [],
        judgedBy('blockKeepsPredicting', { ...BLOCK, ops: [...BLOCK.ops], minimal: true }, BLOCK_TIMEOUT_MS),
        {
          points: 2,
          hidden: true,
          catches: { en: 'float32 kept where this block does not need it', zh: '在这个块不需要的地方也保留了 float32' },
        },
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
    minutes: 2,
    choices: [
      { en: 'autocast puts add on its float32 list', zh: 'autocast 把 add 列入了 float32 列表' },
      {
        en: 'add promotes to its widest input, and the residual stream starts as float32 embeddings',
        zh: 'add 提升到最宽的输入格式，而残差流起始于 float32 的嵌入',
      },
      { en: "layer norm's float32 output is what gets added", zh: '加回去的是层归一化的 float32 输出' },
      { en: 'the loss scaler keeps activations in float32', zh: '损失缩放器让激活值保持 float32' },
    ],
    answer: 'b',
  },
  {
    kind: 'choice',
    id: 'l4.c2',
    title: {
      en: 'Why must the gradients be unscaled before they are clipped?',
      zh: '为什么必须先反缩放梯度，再裁剪？',
    },
    points: 1,
    minutes: 2,
    choices: [
      { en: 'clipping scaled gradients would overflow float16', zh: '裁剪缩放过的梯度会让 float16 上溢' },
      {
        en: 'the clip compares the norm with max_norm, and a scaled norm is S times too large: every step would be clipped and shrunk by about S',
        zh: '裁剪把范数和 max_norm 比较，而缩放过的范数大了 S 倍：每一步都会被裁剪，并缩小约 S 倍',
      },
      {
        en: 'unscaling is what finds inf and NaN, and clipping first would remove them',
        zh: '反缩放负责发现 inf 和 NaN，先裁剪会把它们消掉',
      },
      {
        en: 'it does not matter: clipping and unscaling are both multiplications, so their order is free',
        zh: '无所谓：裁剪和反缩放都是乘法，顺序可以随意',
      },
    ],
    answer: 'b',
  },
  {
    kind: 'choice',
    id: 'l4.c3',
    title: {
      en: "Why does a checkpoint of a float16 run keep the GradScaler's state_dict()?",
      zh: '为什么 float16 训练的检查点要保存 GradScaler 的 state_dict()？',
    },
    points: 1,
    minutes: 2,
    choices: [
      { en: 'the saved weights are stored multiplied by the scale', zh: '保存的权重是乘过缩放因子的' },
      {
        en: "Adam's moments are kept scaled, so they must be unscaled on load",
        zh: 'Adam 的动量是缩放过的，加载时必须反缩放',
      },
      {
        en: 'without it the resumed run starts again from the initial scale and its good-step count, and skips steps until it has backed off again',
        zh: '没有它，恢复的训练会从初始缩放因子和正常步计数重新开始，并不断跳过若干步，直到再次回退到位',
      },
      {
        en: 'it does not need to: the scaler finds its level again in one step',
        zh: '不需要：缩放器一步就能找回合适的水平',
      },
    ],
    answer: 'c',
  },
  {
    kind: 'numeric',
    id: 'l4.c4',
    title: {
      en: "A model's scaled gradients overflow float16 at every loss scale above 2^11. With torch's GradScaler defaults, how many steps are skipped before the first one goes through?",
      zh: '某模型缩放后的梯度在任何大于 2^11 的损失缩放因子下都会让 float16 上溢。用 torch 的 GradScaler 默认值，在第一步成功更新之前，会跳过多少步？',
    },
    points: 1,
    minutes: 3,
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
    minutes: 4,
    answer: 64,
  },
];
