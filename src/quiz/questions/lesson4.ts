import {
  AUTOCAST_OPS,
  DynamicLossScaler,
  LOSS_SCALE_PRESETS,
  lossScaleStep,
  onNumbers,
  roundValue,
} from '../../mp/index';
import { hidden, mistake, shown, type Question, type Uses } from '../question';

const exact = { compare: { kind: 'exact' } } as const;
/**
 * Number formats (their rounding, codes and fields) and tensors, not the library's mixed-precision or numerics
 * modules, which answer these: not amp/, and not the whole formats/ folder, whose simd/amp_simd holds the
 * training step's SIMD kernels (unscaling with its finiteness flag among them).
 */
const FORMATS: Uses = { library: ['formats/round', 'formats/codec', 'formats/fields'], packages: ['@tensorflow/tfjs'] };
const config = { growthFactor: 2, backoffFactor: 0.5, growthInterval: 3 };

/** The expected state: the library's rule, with the parameters config leaves out as DynamicLossScaler sets them. */
function after(state: { scale: number; goodSteps: number }, foundInf: boolean): { scale: number; goodSteps: number } {
  const rule = new DynamicLossScaler(config).options;
  const next = lossScaleStep(onNumbers, { ...state, hysteresisLeft: rule.hysteresis }, foundInf, rule);
  return { scale: next.scale, goodSteps: next.goodSteps };
}

function masterStep(master: number[], grads: number[], lr: number) {
  const next = master.map((w, i) => Math.fround(w - Math.fround(lr * grads[i]!)));
  return { master: next, compute: next.map((w) => roundValue(w, 'float16')) };
}

const fp32Op = Object.entries(AUTOCAST_OPS).find(([op, e]) => e.rule === 'float32' && op === 'softmax')![0];

type State = { scale: number; goodSteps: number };
type Config = typeof config;
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
];

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
  mistake((master: number[], grads: number[], lr: number) => ({ master: master.map((w, i) => w - lr * grads[i]!) }), {
    en: 'the master weights are not float32 values: round lr·grad and then the difference with Math.fround.',
    zh: '主权重不是 float32 值：先用 Math.fround 舍入 lr·grad，再舍入相减的结果。',
  }),
  mistake(
    (master: number[], grads: number[], lr: number) => ({
      compute: master.map((w, i) => Math.fround(w - Math.fround(lr * grads[i]!))),
    }),
    {
      en: "the compute copy is not float16: it is the new master weights rounded to float16 (roundValue(w, 'float16')).",
      zh: "计算用的副本不是 float16：它是新的主权重舍入到 float16 的结果（roundValue(w, 'float16')）。",
    },
  ),
];

const UNSCALE_MISTAKES = [
  mistake((scaled: number[], scale: number) => ({ finite: !scaled.some((g) => Number.isNaN(g / scale)) }), {
    en: 'an infinity went unnoticed: any inf or NaN means the step must be skipped (Number.isFinite checks both).',
    zh: '漏掉了无穷大：只要有 inf 或 NaN，这一步就必须跳过（Number.isFinite 两者都能检查）。',
  }),
  mistake((scaled: number[], scale: number) => ({ grads: scaled.map((g) => g * scale) }), {
    en: 'the gradients were multiplied by the scale: unscaling divides by it.',
    zh: '梯度乘上了缩放因子：反缩放应该除以它。',
  }),
];

export const LESSON4: Question[] = [
  {
    kind: 'code',
    id: 'l4.q1',
    title: { en: 'The dynamic loss-scale update', zh: '动态损失缩放的更新' },
    prompt: {
      en: "torch's GradScaler update after one step: back off and reset on inf/NaN; grow after growthInterval good steps.",
      zh: 'torch 的 GradScaler 在一步之后的更新：遇到 inf/NaN 时缩小并重置计数；连续 growthInterval 个正常步之后放大。',
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
    ],
  },
  {
    kind: 'code',
    id: 'l4.q2',
    title: { en: 'A master-weights update', zh: '主权重的一次更新' },
    prompt: {
      en:
        'One SGD step with float32 master weights: master ← fl32(master − fl32(lr·grad)), then the float16 copy the ' +
        "next forward pass uses: compute = round to float16 of the new master (roundValue(…, 'float16')).",
      zh:
        '用 float32 主权重做一步 SGD：master ← fl32(master − fl32(lr·grad))，再求下一次前向计算要用的 float16 副本：' +
        "compute = 新主权重舍入到 float16 的结果（roundValue(…, 'float16')）。",
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
    ],
  },
  {
    kind: 'code',
    id: 'l4.q3',
    title: { en: 'Unscale gradients and check them', zh: '反缩放梯度并检查' },
    prompt: {
      en: 'Divide scaled gradients by the loss scale, and say whether every one is finite (else the step is skipped).',
      zh: '把缩放过的梯度除以损失缩放因子，并判断是否全部有限（否则这一步要跳过）。',
    },
    minutes: 6,
    file: 'lesson4/index.ts',
    export: 'unscaleGradients',
    uses: FORMATS,
    cases: [
      shown(
        { en: 'finite', zh: '全部有限' },
        [[1024, -512, 2], 1024],
        { grads: [1, -0.5, 2 / 1024], finite: true },
        { ...exact, mistakes: UNSCALE_MISTAKES },
      ),
      hidden(
        { en: 'an overflow', zh: '出现溢出' },
        [[Infinity, 3], 8],
        { grads: [Infinity, 3 / 8], finite: false },
        {
          ...exact,
          mistakes: UNSCALE_MISTAKES,
          catches: { en: 'an infinite gradient not flagged', zh: '没有发现无穷大的梯度' },
        },
      ),
    ],
  },
  {
    kind: 'choice',
    id: 'l4.c1',
    title: {
      en: 'Under autocast, which of these ops stays in float32?',
      zh: '在 autocast 下，下列哪个算子保持 float32？',
    },
    points: 1,
    minutes: 3,
    choices: ['matmul', fp32Op, 'linear', 'conv2d'],
    answer: 'b',
  },
  {
    kind: 'numeric',
    id: 'l4.c2',
    title: { en: "What is torch's GradScaler's initial scale?", zh: 'torch 的 GradScaler 初始缩放因子是多少？' },
    points: 1,
    minutes: 2,
    answer: LOSS_SCALE_PRESETS.torch.initScale,
  },
];
