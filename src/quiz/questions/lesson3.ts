import { castStats, roundValue, sumInFormat } from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const bits = { compare: { kind: 'bits' } } as const;
const exact = { compare: { kind: 'exact' } } as const;
/** Questions that may round with the library, but not count or sum with it. */
const ROUNDING: Uses = { library: ['formats', 'ops'], packages: ['@tensorflow/tfjs'] };
const f16 = (x: number): number => roundValue(x, 'float16');

const loss = (values: number[]) => {
  const s = castStats(Float32Array.from(values), 'float16');
  return { overflow: s.overflow, underflow: s.underflow };
};

// l3.q3: Kahan's sum in float16 is the library's, bit for bit (the same recurrence, every operation rounded)
const kahan = (values: number[]): number => sumInFormat(values, 'float16', { method: 'kahan' });
const many = (n: number, v: number): number[] => [1, ...new Array<number>(n).fill(v)];

// l3.q4: the share of non-zero updates a stored weight loses (round to nearest even, added in float32)
function lost(weights: number[], updates: number[], format: string): number {
  const moved = weights.map((w, i) => {
    const stored = roundValue(w, format);
    return updates[i] === 0 ? null : roundValue(Math.fround(stored + updates[i]!), format) === stored;
  });
  const counted = moved.filter((m) => m !== null);
  return counted.length === 0 ? 0 : counted.filter(Boolean).length / counted.length;
}

// l3.q5: the smallest power-of-two loss scale that keeps the underflow share under budget, measured by the
// library's castStats on the scaled non-zero gradients (null where that scale overflows: larger ones overflow more)
function smallestScale(gradients: number[], budget: number): number | null {
  const nonZero = gradients.filter((g) => g !== 0);
  for (let k = -64; k <= 64; k++) {
    const s = castStats(
      Float32Array.from(nonZero, (g) => g * 2 ** k),
      'float16',
    );
    if (s.underflow < budget) return s.overflow === 0 ? 2 ** k : null;
  }
  return null;
}
const scaleCase = (gradients: number[], budget: number): [unknown[], number | null] => [
  [gradients, budget],
  smallestScale(gradients, budget),
];
/** A softmax row's gradients averaged over 8192 tokens: (p − 1)/N at the label (class 5), p/N elsewhere (64 classes). */
const logits = Array.from({ length: 64 }, (_, j) => 12 * Math.sin(7.3 * j + 1.1));
const softmaxSum = logits.reduce((a, l) => a + Math.exp(l), 0);
const logitRow = logits.map((l, i) => Math.fround((Math.exp(l) / softmaxSum - (i === 5 ? 1 : 0)) / 8192));

// The concept questions' right choices (a choice answer is its English text)
const C2_ANSWER = {
  en: "Adam's ε and a clipping threshold are absolute numbers: scaled gradients change what they do, so the step would change.",
  zh: 'Adam 的 ε 和裁剪阈值都是绝对数值：缩放后的梯度会改变它们的作用，更新步也就变了。',
} as const;
const C3_ANSWER = {
  en: 'Updates smaller than half an ulp of a weight are rounded away, so weights stop learning when steps are small.',
  zh: '小于权重半个 ulp 的更新会被舍掉，更新步小时权重就停止学习。',
} as const;
const C4_ANSWER = {
  en: 'Its rounding is right on average, so small updates add up over many steps instead of being dropped every time.',
  zh: '它的舍入在期望上是对的，所以小更新能在多步中累积起来，而不是每次都被丢掉。',
} as const;

const caught = (en: string, zh: string) => ({ failureMessage: { en: `Caught: ${en}`, zh: `发现的错误：${zh}` } });

export const LESSON3: Question[] = [
  {
    kind: 'code',
    id: 'l3.q1',
    title: { en: 'Round to float16 yourself', zh: '自己实现舍入到 float16' },
    prompt: {
      en:
        'l3.q1: the float16 value nearest to `x`, as a float16 stores it: ties go to the even neighbour, subnormals ' +
        'keep their fixed spacing, values too large become ±Infinity, and NaN and −0 stay themselves. Use arithmetic ' +
        "or bit manipulation, not the library's rounding.",
      zh:
        'l3.q1：返回离 `x` 最近的 float16 值，与 float16 的存储方式一致：平局舍向偶数邻居，次正规数保持固定间距，' +
        '过大的值变成 ±Infinity，NaN 和 −0 保持不变。请用算术或位操作实现，不要用库里的舍入函数。',
    },
    file: 'lesson3/index.ts',
    export: 'roundToFloat16',
    uses: { library: ['formats/registry'] }, // rounding by hand
    cases: [
      shown({ en: 'a third', zh: '三分之一' }, [Math.fround(1 / 3)], f16(1 / 3), bits),
      shown({ en: 'a tie rounds to even', zh: '平局舍向偶数' }, [2049], f16(2049), {
        ...bits,
        failureMessage: { en: '2049 lies halfway between 2048 and 2050.', zh: '2049 正好在 2048 和 2050 的中点。' },
      }),
      shown({ en: 'overflow', zh: '上溢' }, [65520], f16(65520), {
        ...bits,
        failureMessage: { en: 'From 65520 up, float16 rounds to infinity.', zh: '从 65520 起，float16 舍入为无穷大。' },
      }),
      hidden({ en: 'a negative tie between odd neighbours', zh: '奇数邻居之间的负数平局' }, [-2051], f16(-2051), {
        ...bits,
        ...caught('a negative tie that does not go to the even neighbour.', '负数平局没有舍向偶数邻居。'),
      }),
      hidden({ en: 'just below the overflow midpoint', zh: '略低于上溢中点' }, [65519], f16(65519), {
        ...bits,
        ...caught(
          'overflow from just above 65504 instead of from the midpoint to the next step.',
          '一超过 65504 就上溢，而不是从到下一个台阶的中点开始。',
        ),
      }),
      hidden({ en: 'a subnormal', zh: '次正规数' }, [Math.fround(1e-6)], f16(1e-6), {
        ...bits,
        ...caught(
          "the normal numbers' spacing used below 2^-14, where it stays 2^-24.",
          '在 2^-14 以下仍用正规数的间距，而那里的间距固定为 2^-24。',
        ),
      }),
      hidden(
        { en: 'between half the smallest subnormal and it', zh: '介于最小次正规数的一半和它之间' },
        [3e-8],
        f16(3e-8),
        {
          ...bits,
          ...caught('every value below the smallest subnormal flushed to 0.', '把所有小于最小次正规数的值都清零。'),
        },
      ),
      hidden(
        { en: 'half the smallest subnormal, a tie', zh: '最小次正规数的一半（平局）' },
        [2 ** -25],
        f16(2 ** -25),
        bits,
      ),
      hidden({ en: 'underflow of a negative value', zh: '负数下溢' }, [-1e-9], f16(-1e-9), {
        ...bits,
        ...caught(
          'a negative value that underflows loses its sign (it becomes −0).',
          '负数下溢后丢了符号（应为 −0）。',
        ),
      }),
      hidden('NaN', [NaN], NaN, bits),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q2',
    title: { en: 'Count overflow and underflow', zh: '统计上溢和下溢' },
    prompt: {
      en:
        'l3.q2: the fractions of the finite `values` that overflow (become ±Infinity) and that underflow (are ' +
        "non-zero and become 0) when cast to float16. You may round with the library's `roundValue`.",
      zh:
        'l3.q2：有限值 `values` 转换成 float16 时，上溢（变成 ±Infinity）和下溢（非零且变成 0）的比例。' +
        '可以用库里的 `roundValue` 舍入。',
    },
    file: 'lesson3/index.ts',
    export: 'castLoss',
    uses: ROUNDING,
    cases: [
      shown({ en: 'a mixed bag', zh: '各种值混在一起' }, [[1e5, 1, 1e-9, 0.5]], loss([1e5, 1, 1e-9, 0.5]), exact),
      hidden(
        { en: 'between 65504 and the overflow midpoint', zh: '介于 65504 和上溢中点之间' },
        [[65510, 65519.5, 65520, -70000]],
        loss([65510, 65519.5, 65520, -70000]),
        { ...exact, ...caught('everything above 65504 counted as overflow.', '把所有大于 65504 的值都算作上溢。') },
      ),
      hidden({ en: 'zeros are not underflow', zh: '零不算下溢' }, [[0, -0, 1e-9, 1]], loss([0, -0, 1e-9, 1]), {
        ...exact,
        ...caught('zeros counted as underflow.', '把零算作下溢。'),
      }),
      hidden(
        { en: 'around the smallest subnormal', zh: '最小次正规数附近' },
        [[2 ** -25, 3e-8, 2 ** -24, 1e-5]],
        loss([2 ** -25, 3e-8, 2 ** -24, 1e-5]),
        {
          ...exact,
          ...caught(
            'a threshold instead of the rounding (values below 2^-24, or subnormals, counted as underflow).',
            '用阈值代替舍入（把小于 2^-24 的值或次正规数算作下溢）。',
          ),
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q3',
    title: { en: 'Kahan summation in float16', zh: 'float16 中的 Kahan 求和' },
    prompt: {
      en:
        "l3.q3: sum `values` in float16 with Kahan's compensated summation: every addition and subtraction is " +
        "rounded to float16 (roundValue(…, 'float16')). Return the float16 sum.",
      zh:
        'l3.q3：用 Kahan 补偿求和在 float16 中对 `values` 求和：每次加法和减法都舍入到 float16' +
        "（roundValue(…, 'float16')）。返回 float16 的和。",
    },
    file: 'lesson3/index.ts',
    export: 'kahanSumFloat16',
    uses: ROUNDING,
    cases: [
      shown({ en: '1 plus 1000 × 0.0001', zh: '1 加上 1000 个 0.0001' }, [many(1000, 1e-4)], kahan(many(1000, 1e-4)), {
        ...bits,
        failureMessage: {
          en: 'A naive float16 sum stays at 1 here: each 1e-4 is below half an ulp of 1.',
          zh: '朴素的 float16 求和在这里停在 1：每个 1e-4 都小于 1 的半个 ulp。',
        },
      }),
      hidden({ en: '1 plus many small terms', zh: '1 加上许多小项' }, [many(3000, 3e-4)], kahan(many(3000, 3e-4)), {
        ...bits,
        ...caught('a naive sum, without compensation.', '朴素求和，没有补偿。'),
      }),
      hidden(
        { en: 'three terms that cancel', zh: '相互抵消的三项' },
        [[0.10113525390625, 0.1527099609375, -0.302001953125]],
        kahan([0.10113525390625, 0.1527099609375, -0.302001953125]),
        { ...bits, ...caught('a compensation or corrected term left unrounded.', '补偿量或修正后的项没有舍入。') },
      ),
      hidden(
        { en: 'large terms that cancel', zh: '相互抵消的大项' },
        [[13.40625, -0.02264404296875, -3986, -78.625, 3092]],
        kahan([13.40625, -0.02264404296875, -3986, -78.625, 3092]),
        { ...bits, ...caught('a compensation or corrected term left unrounded.', '补偿量或修正后的项没有舍入。') },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q4',
    title: { en: 'Updates that weights stored in 16 bits lose', zh: '16 位权重丢掉的更新' },
    prompt: {
      en:
        'l3.q4: the fraction of the non-zero `updates` that weights stored in `format` lose entirely. Each weight is ' +
        'stored in `format` (round to nearest even); the optimizer adds its update in float32 and stores the result ' +
        'in `format` again; an update is lost when the stored weight comes out unchanged. Updates of 0 do not count. ' +
        "You may round with the library's `roundValue`.",
      zh:
        'l3.q4：以 `format` 存储的权重会整个丢掉的非零 `updates` 所占的比例。每个权重以 `format` 存储（就近舍入，' +
        '平局取偶）；优化器在 float32 中加上更新，再把结果存回 `format`；存下来的权重没有变化，这次更新就丢了。' +
        '值为 0 的更新不计。可以用库里的 `roundValue` 舍入。',
    },
    file: 'lesson3/index.ts',
    export: 'lostUpdates',
    uses: ROUNDING,
    cases: [
      shown(
        { en: 'bfloat16 weights of 1', zh: '值为 1 的 bfloat16 权重' },
        [[1, 1, 1], [1e-3, 1e-2, 0], 'bfloat16'],
        lost([1, 1, 1], [1e-3, 1e-2, 0], 'bfloat16'),
        exact,
      ),
      hidden(
        { en: 'a tie from an even and from an odd weight', zh: '偶数和奇数权重上的平局' },
        [[1, 1 + 2 ** -7], [2 ** -8, 2 ** -8], 'bfloat16'],
        lost([1, 1 + 2 ** -7], [2 ** -8, 2 ** -8], 'bfloat16'),
        {
          ...exact,
          ...caught(
            'a tie always lost, or always kept: it goes to the even neighbour.',
            '平局被一律丢掉或一律保留，而它应当舍向偶数邻居。',
          ),
        },
      ),
      hidden(
        { en: 'just below a power of two', zh: '略低于 2 的幂' },
        [[1, 1], [-0.003, 0.003], 'bfloat16'],
        lost([1, 1], [-0.003, 0.003], 'bfloat16'),
        {
          ...exact,
          ...caught(
            'the gap above a power of two used below it, where it is half as wide.',
            '在 2 的幂下方用了上方的间距，而下方的间距只有一半。',
          ),
        },
      ),
      hidden(
        { en: 'zero updates', zh: '为零的更新' },
        [[1, 1, 1], [0, 0, 1e-3], 'bfloat16'],
        lost([1, 1, 1], [0, 0, 1e-3], 'bfloat16'),
        { ...exact, ...caught('updates of 0 counted.', '把为 0 的更新也计入了。') },
      ),
      hidden(
        { en: 'a weight the format cannot hold', zh: '格式无法精确表示的权重' },
        [[1.001], [0.003], 'bfloat16'],
        lost([1.001], [0.003], 'bfloat16'),
        {
          ...exact,
          ...caught(
            'the weight used as given, not as the format stores it.',
            '直接用了给定的权重，而不是格式实际存下的值。',
          ),
        },
      ),
      hidden(
        { en: 'float16 weights', zh: 'float16 权重' },
        [[-2, 1000, 0.5], [1e-4, 0.2, 1e-3], 'float16'],
        lost([-2, 1000, 0.5], [1e-4, 0.2, 1e-3], 'float16'),
        exact,
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q5',
    title: { en: 'The smallest loss scale that rescues the gradients', zh: '能救回梯度的最小损失缩放系数' },
    prompt: {
      en:
        'l3.q5: find, by measuring, the smallest loss scale S = 2^k (k an integer from −64 to 64) at which casting ' +
        'S · g to float16 turns fewer than `budget` (a fraction) of the non-zero `gradients` into 0, and overflows ' +
        'none of them to ±Infinity. `gradients` holds at least one non-zero value. Return S, or null when no such ' +
        "scale exists. You may round with the library's `roundValue`.",
      zh:
        'l3.q5：通过测量，找出最小的损失缩放系数 S = 2^k（k 为 −64 到 64 之间的整数），使 S · g 转换成 float16 后，' +
        '非零的 `gradients` 中变成 0 的比例小于 `budget`，并且没有一个上溢成 ±Infinity。`gradients` 中至少有一个非零值。' +
        '返回 S；不存在这样的系数时返回 null。可以用库里的 `roundValue` 舍入。',
    },
    file: 'lesson3/index.ts',
    export: 'smallestLossScale',
    uses: ROUNDING,
    cases: [
      shown(
        {
          en: "a softmax row's gradients over 8192 tokens, 1 % budget",
          zh: '8192 个 token 上一行 softmax 的梯度，预算 1 %',
        },
        ...scaleCase(logitRow, 0.01),
        exact,
      ),
      hidden(
        { en: 'a share exactly at the budget', zh: '比例恰好等于预算' },
        ...scaleCase([2 ** -40, 1e-3, 1e-2, 0.1], 0.25),
        {
          ...exact,
          ...caught(
            'a share equal to the budget accepted: it must stay below it.',
            '比例等于预算也被接受了：它必须小于预算。',
          ),
        },
      ),
      hidden(
        { en: 'zeros among the gradients', zh: '梯度中有零' },
        ...scaleCase([0, 0, 0, 0, 0, 0, 2 ** -40, 1e-3], 0.4),
        {
          ...exact,
          ...caught(
            'zeros counted in the share: it is over the non-zero gradients.',
            '零也算进了比例：比例只对非零梯度计算。',
          ),
        },
      ),
      hidden(
        { en: 'gradients that round up to the smallest subnormal', zh: '会向上舍入到最小次正规数的梯度' },
        ...scaleCase([1.5 * 2 ** -45, 1.5 * 2 ** -45, 2 ** -30], 0.5),
        {
          ...exact,
          ...caught(
            'a threshold instead of the rounding: values between 2^-25 and 2^-24 round up to 2^-24, they are not lost.',
            '用阈值代替舍入：介于 2^-25 和 2^-24 之间的值会向上舍入到 2^-24，并没有丢。',
          ),
        },
      ),
      hidden(
        { en: 'half the smallest subnormal, a tie', zh: '最小次正规数的一半（平局）' },
        ...scaleCase([2 ** -45, 2 ** -45, 2 ** -30], 0.5),
        {
          ...exact,
          ...caught(
            'a value at exactly 2^-25 kept: the tie goes to the even neighbour, 0.',
            '恰好等于 2^-25 的值被保留了：平局舍向偶数邻居，也就是 0。',
          ),
        },
      ),
      hidden(
        { en: 'a range too wide for float16', zh: '超出 float16 范围的跨度' },
        ...scaleCase([1e-10, 60000], 0.01),
        { ...exact, ...caught('overflow not checked at the scale found.', '没有检查找到的系数是否导致上溢。') },
      ),
      hidden(
        {
          en: 'a scaled gradient between 65504 and the overflow midpoint',
          zh: '缩放后介于 65504 和上溢中点之间的梯度',
        },
        ...scaleCase([65510 * 2 ** -20, 1.5 * 2 ** -45], 0.5),
        {
          ...exact,
          ...caught(
            'everything above 65504 counted as overflow: up to 65520 it rounds down to 65504.',
            '把所有大于 65504 的值都算作上溢：65520 以下的值会向下舍入到 65504。',
          ),
        },
      ),
      hidden({ en: 'gradients that need no scaling up', zh: '不需要放大的梯度' }, ...scaleCase([1000, 3, 0.5], 0.01), {
        ...exact,
        ...caught(
          'only scales of 1 or more tried, or the largest scale without overflow returned: the smallest may be below 1.',
          '只尝试了不小于 1 的系数，或返回了不上溢的最大系数：最小的系数可能小于 1。',
        ),
      }),
    ],
  },
  {
    kind: 'numeric',
    id: 'l3.c1',
    title: {
      en:
        'A language model has V = 128 000 tokens and averages its loss over N = 4 096 tokens per batch; most logit ' +
        'gradients are about 1/(V·N). What is the smallest power-of-two loss scale S for which such an entry does not ' +
        'round to 0 in float16?',
      zh:
        '一个语言模型的词表有 V = 128 000 个 token，损失对每个 batch 的 N = 4 096 个 token 取平均；大多数 logit 梯度' +
        '约为 1/(V·N)。要让这样的分量在 float16 中不被舍入成 0，最小的 2 的幂损失缩放系数 S 是多少？',
    },
    points: 2,
    answer: 16,
  },
  {
    kind: 'choice',
    id: 'l3.c2',
    title: {
      en: 'Why does a loss scaler divide the gradients by S before the optimizer step, instead of dividing the learning rate by S?',
      zh: '为什么损失缩放器要在优化器更新之前把梯度除以 S，而不是改为把学习率除以 S？',
    },
    points: 1,
    choices: [
      C2_ANSWER,
      {
        en: 'Dividing restores the precision that float16 lost in the backward pass.',
        zh: '除一下可以恢复 float16 在反向传播中损失的精度。',
      },
      {
        en: 'Scaled gradients would underflow in the float32 master weights.',
        zh: '缩放后的梯度会在 float32 主权重中下溢。',
      },
      { en: 'Dividing the learning rate by S would underflow in float16.', zh: '把学习率除以 S 会在 float16 中下溢。' },
    ],
    answer: C2_ANSWER.en,
  },
  {
    kind: 'choice',
    id: 'l3.c3',
    title: {
      en: "bfloat16 has float32's exponent range. Which problem remains when a model trains with its weights stored in bfloat16 (no float32 master copy)?",
      zh: 'bfloat16 的指数范围和 float32 一样。把模型的权重直接存成 bfloat16 训练（没有 float32 主副本）时，还剩下哪个问题？',
    },
    points: 1,
    choices: [
      { en: 'Gradients underflow unless the loss is scaled.', zh: '不做损失缩放，梯度就会下溢。' },
      {
        en: "Its dynamic range is smaller than float16's, so large activations overflow.",
        zh: '它的动态范围比 float16 小，大的激活值会上溢。',
      },
      C3_ANSWER,
      {
        en: "None: with float32's range, bfloat16 weights train exactly like float32 ones.",
        zh: '没有问题：有了 float32 的范围，bfloat16 权重训练起来和 float32 完全一样。',
      },
    ],
    answer: C3_ANSWER.en,
  },
  {
    kind: 'choice',
    id: 'l3.c4',
    title: {
      en: 'Why does stochastic rounding let weights stored in bfloat16 keep learning where round-to-nearest stalls?',
      zh: '为什么随机舍入能让存成 bfloat16 的权重在就近舍入停滞的地方继续学习？',
    },
    points: 1,
    choices: [
      { en: 'It keeps more significant bits than round-to-nearest.', zh: '它比就近舍入保留更多有效位。' },
      C4_ANSWER,
      {
        en: 'Backpropagation corrects the random rounding errors in the next backward pass.',
        zh: '反向传播会在下一次反向传播中纠正随机舍入误差。',
      },
      {
        en: 'It rounds every update up, so no update is ever lost.',
        zh: '它把每个更新都向上舍入，所以没有更新会丢失。',
      },
    ],
    answer: C4_ANSWER.en,
  },
];
