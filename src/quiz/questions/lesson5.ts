/**
 * Lesson 5's questions. Expected values come from formulas written here for the grader: the exact binomial tail
 * in integers (BigInt), the roofline, the activation inventory of Korthikanti et al. (2022) checked against the
 * paper's equation 1, and a brute-force subset search. The wrong formulas next to them are the usual mistakes:
 * a case recognises the value each gives for its arguments and answers with that mistake's hint.
 */
import { judgedBy } from '../judges';
import { hidden, judged, mistake, shown, type Question, type Uses } from '../question';

const exact = { compare: { kind: 'exact' } } as const;
const close = { kind: 'relative', tolerance: 1e-9 } as const;
/** Wrong formulas computed with approximations (erfc) are recognised within this. */
const roughly = { kind: 'relative', tolerance: 1e-4 } as const;
/** Plain arithmetic: nothing of the library, which holds the answers (memory plans, sums in a format). */
const NOTHING: Uses = { library: [], packages: [] };

// ---------------------------------------------------------------------------------------------------- l5.q1
/** Two score vectors: `both` images right for both, `a` right only for the first, `b` only for the second, `neither` wrong for both. */
function scores(both: number, a: number, b: number, neither = 0): [number[], number[]] {
  const first = [...Array(both + a).fill(1), ...Array(b + neither).fill(0)];
  const second = [...Array(both).fill(1), ...Array(a).fill(0), ...Array(b).fill(1), ...Array(neither).fill(0)];
  return [first, second];
}

/** a / b for non-negative integers of any size, as a double. */
function ratio(a: bigint, b: bigint): number {
  const shift = BigInt(Math.max(0, b.toString(2).length - 1000));
  return Number(a >> shift) / Number(b >> shift);
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2), in integers: Σ_{i≤k} C(n, i) / 2^n. */
function lowerTail(k: number, n: number): number {
  let term = 1n;
  let sum = 1n;
  for (let i = 1; i <= k; i++) {
    term = (term * BigInt(n - i + 1)) / BigInt(i);
    sum += term;
  }
  return ratio(sum, 1n << BigInt(n));
}

/** The split of two score vectors: images only the first gets right, only the second, and all images. */
function split(first: number[], second: number[]): { a: number; b: number; n: number; right: [number, number] } {
  let [a, b, r1, r2] = [0, 0, 0, 0];
  first.forEach((x, i) => {
    const y = second[i]!;
    [r1, r2] = [r1 + x, r2 + y];
    if (x > y) a++;
    else if (y > x) b++;
  });
  return { a, b, n: first.length, right: [r1, r2] };
}
const mcnemar = (first: number[], second: number[]): number => {
  const { a, b } = split(first, second);
  return Math.min(1, 2 * lowerTail(Math.min(a, b), a + b));
};

/** erfc by Abramowitz and Stegun 7.1.26 (error below 1.5e-7): enough to recognise a normal approximation. */
function erfc(x: number): number {
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-x * x);
}
const MCNEMAR_MISTAKES = [
  mistake(
    (first: number[], second: number[]) => {
      const { a, b } = split(first, second);
      return lowerTail(Math.min(a, b), a + b);
    },
    {
      en: 'one tail only: a split as uneven the other way is as surprising, so the two-sided p-value doubles the tail.',
      zh: '只算了一侧的尾部：反方向同样不均匀的分法同样意外，双侧 p 值要把尾部概率乘以 2。',
    },
    close,
  ),
  mistake(
    (first: number[], second: number[]) => {
      const { a, b } = split(first, second);
      return 2 * lowerTail(Math.min(a, b), a + b);
    },
    {
      en: 'twice a tail can exceed 1 when the split is even: a probability cannot; cap it at 1.',
      zh: '分法均匀时，尾部概率的两倍可能超过 1；概率不可能大于 1，要截断到 1。',
    },
    close,
  ),
  mistake(
    (first: number[], second: number[]) => {
      const { a, b } = split(first, second);
      return erfc(Math.sqrt(Math.max(0, Math.abs(a - b) - 1) ** 2 / (a + b) / 2));
    },
    {
      en: 'the chi-square approximation, (|b − c| − 1)²/(b + c): the task asks for the exact test, the binomial tail itself.',
      zh: '用了卡方近似 (|b − c| − 1)²/(b + c)：题目要求的是精确检验，也就是二项分布的尾部概率本身。',
    },
    roughly,
  ),
  mistake(
    (first: number[], second: number[]) => {
      const { a, b } = split(first, second);
      return erfc(Math.sqrt((a - b) ** 2 / (a + b) / 2));
    },
    {
      en: 'the chi-square approximation without even its continuity correction: the task asks for the exact binomial tail.',
      zh: '用了不带连续性校正的卡方近似：题目要求的是精确的二项分布尾部概率。',
    },
    roughly,
  ),
  mistake(
    (first: number[], second: number[]) => {
      const { n, right } = split(first, second);
      const [p1, p2] = [right[0] / n, right[1] / n];
      const p = (p1 + p2) / 2;
      return erfc(Math.abs(p1 - p2) / Math.sqrt((2 * p * (1 - p)) / n) / Math.SQRT2);
    },
    {
      en: 'two accuracies compared as two proportions: the images are shared, and only those the two disagree on carry information.',
      zh: '把两个准确率当成两个独立比例来比较：两者用的是同一批图片，只有意见不一致的图片才有信息量。',
    },
    roughly,
  ),
];
const OVERFLOW = {
  test: { kind: 'nonFinite' },
  hint: {
    en: 'C(n, i) and 2^n overflow a double long before thousands of disagreements: build each term from the previous one in log space.',
    zh: '不一致的图片有几千张时，C(n, i) 和 2^n 早就超出了 double 的范围：在对数空间里由前一项递推出下一项。',
  },
} as const;

// ---------------------------------------------------------------------------------------------------- l5.q2
type Roof = [m: number, n: number, k: number, b: number, peak: number, bw: number];
const intensity = (m: number, n: number, k: number, b: number): number =>
  (2 * m * n * k) / (b * (m * k + k * n + m * n));
const roofline = (...[m, n, k, b, peak, bw]: Roof): number => Math.min(peak, bw * intensity(m, n, k, b));
const ROOF_MISTAKES = [
  mistake(
    (...[m, n, k, b, peak, bw]: Roof) => Math.min(peak, (bw * 2 * m * n * k) / (b * (m * k + k * n))),
    {
      en: 'C is not counted: the product writes its m·n outputs once, and those bytes move too.',
      zh: '漏算了 C：乘积要把 m·n 个输出写一次，这些字节也要搬运。',
    },
    close,
  ),
  mistake(
    (...[m, n, k, b, peak, bw]: Roof) => Math.min(peak, (bw * intensity(m, n, k, b)) / 2),
    {
      en: 'half the FLOPs: each multiply-add is two floating-point operations, 2·m·n·k in all.',
      zh: 'FLOPs 少了一半：每次乘加是两次浮点运算，总共 2·m·n·k。',
    },
    close,
  ),
  mistake(
    (...[m, n, k, b, peak, bw]: Roof) => Math.max(peak, bw * intensity(m, n, k, b)),
    {
      en: 'the bound is the smaller of the two limits: an operation cannot beat either its arithmetic or its bandwidth.',
      zh: '上界应取两个限制中较小的那个：运算既快不过算力，也快不过带宽。',
    },
    close,
  ),
  mistake(
    (...[m, n, k, b, peak, bw]: Roof) => Math.min(peak, bw * intensity(m, n, k, 8 * b)),
    {
      en: 'bits where bytes belong: bandwidth is in bytes per second, so divide the FLOPs by the bytes moved.',
      zh: '把字节当成了位：带宽以每秒字节数计，FLOPs 要除以搬运的字节数。',
    },
    close,
  ),
];

// ---------------------------------------------------------------------------------------------------- l5.q3
interface LayerShape {
  tokens: number;
  batch: number;
  hidden: number;
  heads: number;
}
type Recompute = 'none' | 'selective' | 'full';
const xy = (s: LayerShape): [number, number] => [s.tokens * s.batch * s.hidden, s.heads * s.tokens ** 2 * s.batch];
/** Korthikanti et al.'s inventory: 16x + 2y elements of `v` bytes and 2x + y one-byte masks (x = sbh, y = as²b). */
function activations(shape: LayerShape, v: number, recompute: Recompute): number {
  const [x, y] = xy(shape);
  if (recompute === 'full') return v * x;
  return recompute === 'selective' ? (16 * v + 2) * x : (16 * v + 2) * x + (2 * v + 1) * y;
}
const ACTIVATION_MISTAKES = [
  mistake(
    (s: LayerShape, v: number, r: Recompute) => {
      const [x, y] = xy(s);
      return r === 'full' ? v * x : r === 'selective' ? v * 18 * x : v * (18 * x + 3 * y);
    },
    {
      en: 'the dropout masks are counted at the values’ width: a mask takes one byte per element whatever the values take.',
      zh: 'dropout 掩码按数值的宽度算了：掩码每个元素只占 1 字节，与数值占几个字节无关。',
    },
  ),
  mistake(
    (s: LayerShape, v: number, r: Recompute) => {
      const [x, y] = xy(s);
      return r === 'full' ? v * x : r === 'selective' ? v * 16 * x : v * (16 * x + 2 * y);
    },
    {
      en: 'the dropout masks are missing: three of them are kept, two of x elements and one of y.',
      zh: '漏了 dropout 掩码：一共保存三个，两个各 x 个元素，一个 y 个元素。',
    },
  ),
  mistake(
    (s: LayerShape, _v: number, r: Recompute) => {
      const [x, y] = xy(s);
      return r === 'full' ? 2 * x : r === 'selective' ? 34 * x : 34 * x + 5 * y;
    },
    {
      en: 'the paper’s 16-bit formula used for every width: its 34 and 5 hold for 2-byte values only; count from the inventory.',
      zh: '不论数值宽度都套用了论文的 16 位公式：其中的 34 和 5 只对 2 字节数值成立；要按清单逐项计算。',
    },
  ),
];
const gpt3: LayerShape = { tokens: 2048, batch: 1, hidden: 12288, heads: 96 };
const small: LayerShape = { tokens: 512, batch: 4, hidden: 1024, heads: 16 };
// the inventory at 16 bits is the paper's equation 1, sbh(34 + 5as/h)
const eq1 = gpt3.tokens * gpt3.batch * gpt3.hidden * (34 + (5 * gpt3.heads * gpt3.tokens) / gpt3.hidden);
if (activations(gpt3, 2, 'none') !== eq1) throw new Error('lesson5.ts: the activation inventory must give equation 1');

// ---------------------------------------------------------------------------------------------------- l5.q4
type Layer = { params: number; drop: number };
/** Brute force over subsets: the most parameters that fit the accuracy budget. */
function bestSubset(layers: Layer[], budget: number): number {
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
/** Greedy choices, which are not optimal: layers taken in an order while they fit. */
function greedy(layers: Layer[], budget: number, order: (l: Layer) => number): number {
  let left = budget + 1e-12;
  let total = 0;
  for (const l of [...layers].sort((a, b) => order(b) - order(a)))
    if (l.drop <= left) [left, total] = [left - l.drop, total + l.params];
  return total;
}
const SUBSET_MISTAKES = [
  mistake((layers: Layer[], budget: number) => greedy(layers, budget, (l) => l.params), {
    en: 'greedy by size is not optimal: a large layer can crowd out two smaller ones that together move more; try every subset (there are only 2^layers).',
    zh: '按大小贪心选择并不是最优的：一个大层可能挤掉两个加起来参数更多的小层；要尝试每个子集（一共只有 2^层数 个）。',
  }),
  mistake((layers: Layer[], budget: number) => greedy(layers, budget, (l) => l.params / l.drop), {
    en: 'greedy by parameters per point of accuracy is not optimal either: try every subset (there are only 2^layers).',
    zh: '按“每损失一个百分点能换多少参数”贪心选择也不是最优的：要尝试每个子集（一共只有 2^层数 个）。',
  }),
];
const net = [
  { name: 'embed', params: 4000, drop: 0.4 },
  { name: 'block1', params: 3000, drop: 0.1 },
  { name: 'block2', params: 3000, drop: 0.15 },
  { name: 'head', params: 500, drop: 0.3 },
];

// ---------------------------------------------------------------------------------------------------- l5.q5
/** Judged by the course's calculator: the student's GPU count fits the budget, and half as many would not. */
const fits = (budgetBytes: number) =>
  judgedBy('numberConfirmed', {
    lo: 1,
    hi: 4096,
    probe: 'fitsInMemory',
    args: { model: 'Chinchilla (70B)', tokens: 2048, batch: 1, recompute: 'full', budgetBytes },
    smallest: 2,
  });

export const LESSON5: Question[] = [
  {
    kind: 'code',
    id: 'l5.q1',
    title: { en: "McNemar's exact test from two score vectors", zh: '由两个得分向量做 McNemar 精确检验' },
    prompt: {
      en:
        "McNemar's exact test. `first[i]` and `second[i]` are 1 where each classifier gets test image i right, 0 where " +
        'it gets it wrong. Return the two-sided p-value: how likely a split of the disagreements at least as uneven as ' +
        'the observed one would be if each disagreement were a fair coin flip. No disagreement at all gives 1, a ' +
        'p-value is never above 1, and thousands of disagreements must still give a finite number.',
      zh:
        'McNemar 精确检验。`first[i]` 和 `second[i]` 在对应分类器答对第 i 张测试图片时为 1，答错时为 0。返回双侧 p 值：' +
        '如果每一处不一致都像抛一枚公平硬币，出现至少和观察到的一样不均匀的分法的概率有多大。完全没有不一致时为 1；' +
        'p 值永远不超过 1；不一致的图片有几千张时也必须得到有限的数。',
    },
    minutes: 20,
    file: 'lesson5/index.ts',
    export: 'mcnemarPValue',
    uses: NOTHING,
    cases: [
      shown({ en: '6 disagreements against 2', zh: '不一致 6 比 2' }, scores(90, 6, 2), mcnemar(...scores(90, 6, 2)), {
        compare: close,
        mistakes: MCNEMAR_MISTAKES,
      }),
      shown({ en: 'no disagreement at all', zh: '完全没有不一致' }, scores(50, 0, 0, 3), 1, {
        compare: close,
        mistakes: MCNEMAR_MISTAKES,
      }),
      hidden({ en: 'an even split', zh: '均匀的分法' }, scores(40, 7, 7, 2), mcnemar(...scores(40, 7, 7, 2)), {
        compare: close,
        mistakes: MCNEMAR_MISTAKES,
        catches: { en: 'a p-value above 1', zh: 'p 值大于 1' },
      }),
      hidden(
        { en: 'a lopsided split among many agreements', zh: '大量一致中的悬殊分法' },
        scores(900, 20, 60, 40),
        mcnemar(...scores(900, 20, 60, 40)),
        {
          compare: close,
          mistakes: MCNEMAR_MISTAKES,
          catches: {
            en: 'an approximation or one tail in place of the exact two-sided test',
            zh: '用近似或单侧代替了精确的双侧检验',
          },
        },
      ),
      hidden(
        { en: 'thousands of disagreements', zh: '几千处不一致' },
        scores(100, 3000, 3100),
        mcnemar(...scores(100, 3000, 3100)),
        {
          compare: close,
          points: 2,
          mistakes: MCNEMAR_MISTAKES,
          misconceptions: [OVERFLOW],
          catches: { en: 'terms that overflow for large counts', zh: '计数较大时各项溢出' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q2',
    title: { en: "A product's bound on the roofline", zh: '一次矩阵乘法在屋顶线上的上界' },
    prompt: {
      en:
        "The roofline's bound, in TFLOP/s, for one product of an m×k matrix by a k×n matrix whose elements take " +
        '`bytesPerElement` bytes, on a chip with peak `peakTflops` and memory bandwidth `bandwidthTBs` (TB/s): the ' +
        'product reads A and B and writes C once, at the very least.',
      zh:
        '一次 m×k 乘 k×n 的矩阵乘法在屋顶线模型下的上界（TFLOP/s）：每个元素占 `bytesPerElement` 字节，芯片峰值为 ' +
        '`peakTflops`、显存带宽为 `bandwidthTBs`（TB/s）；这次乘法至少要把 A 和 B 读一遍、把 C 写一遍。',
    },
    minutes: 8,
    file: 'lesson5/index.ts',
    export: 'attainableTflops',
    uses: NOTHING,
    cases: [
      shown(
        { en: '4096³ in bfloat16 on an H200-like chip', zh: '类 H200 芯片上 bfloat16 的 4096³' },
        [4096, 4096, 4096, 2, 795, 4.24],
        roofline(4096, 4096, 4096, 2, 795, 4.24),
        { compare: close, mistakes: ROOF_MISTAKES },
      ),
      shown(
        { en: "the seed MLP's second layer in float32", zh: '原题 MLP 的第二层，float32' },
        [128, 10, 64, 4, 51, 4.24],
        roofline(128, 10, 64, 4, 51, 4.24),
        { compare: close, mistakes: ROOF_MISTAKES },
      ),
      hidden(
        { en: 'one vector through a 4096×4096 layer', zh: '一个向量经过 4096×4096 的层' },
        [1, 4096, 4096, 2, 990, 4.8],
        roofline(1, 4096, 4096, 2, 990, 4.8),
        {
          compare: close,
          mistakes: ROOF_MISTAKES,
          catches: { en: 'the larger limit taken where the smaller binds', zh: '在较小限制起作用的地方取了较大的限制' },
        },
      ),
      hidden(
        { en: 'a thin inner dimension', zh: '很薄的内维度' },
        [4096, 4096, 64, 2, 1000, 4.24],
        roofline(4096, 4096, 64, 2, 1000, 4.24),
        {
          compare: close,
          mistakes: ROOF_MISTAKES,
          catches: { en: 'bytes of the output left out', zh: '漏算了输出的字节' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q3',
    title: { en: 'Activation bytes of a transformer layer', zh: '一个 Transformer 层的激活值字节数' },
    prompt: {
      en:
        'The bytes one transformer layer keeps for its backward pass, after Korthikanti et al. (2022, §4.1), with x = s·b·h and y = a·s²·b. What it keeps, in elements:\n' +
        "- attention: the input of the Q, K, V products (x), Q and K (2x), the softmax output (y), the softmax dropout's mask (y), the dropout's output (y), V (x), the input of the output projection (x), its dropout's mask (x);\n" +
        "- MLP: the inputs of its two linear layers (x and 4x), the GeLU's input (4x), the dropout's mask (x);\n" +
        '- the inputs of the two layer norms (x each).\n' +
        "A dropout mask takes 1 byte per element; every other element takes `valueBytes`. With `recompute` 'selective' the layer keeps none of the y-sized tensors (they are recomputed); with 'full' it keeps only its input (x).",
      zh:
        '一个 Transformer 层为反向传播保存的字节数，依据 Korthikanti 等（2022，§4.1），记 x = s·b·h、y = a·s²·b。它保存的张量（按元素计）：\n' +
        '- 注意力：Q、K、V 乘法的输入（x），Q 和 K（2x），softmax 输出（y），softmax 后 dropout 的掩码（y），dropout 的输出（y），V（x），输出投影的输入（x），其 dropout 的掩码（x）；\n' +
        '- MLP：两个线性层的输入（x 和 4x），GeLU 的输入（4x），dropout 的掩码（x）；\n' +
        '- 两个 LayerNorm 的输入（各 x）。\n' +
        "dropout 掩码每个元素占 1 字节，其余每个元素占 `valueBytes` 字节。`recompute` 为 'selective' 时不保存任何 y 大小的张量（它们会被重新计算）；为 'full' 时只保存该层的输入（x）。",
    },
    minutes: 15,
    file: 'lesson5/index.ts',
    export: 'activationBytes',
    uses: NOTHING,
    cases: [
      shown(
        { en: 'GPT-3 175B layer, 16-bit, no recomputation', zh: 'GPT-3 175B 的一层，16 位，不重计算' },
        [gpt3, 2, 'none'],
        activations(gpt3, 2, 'none'),
        { ...exact, mistakes: ACTIVATION_MISTAKES },
      ),
      shown(
        { en: 'a small layer, full recomputation, 16-bit', zh: '一个小层，完全重计算，16 位' },
        [small, 2, 'full'],
        activations(small, 2, 'full'),
        { ...exact, mistakes: ACTIVATION_MISTAKES },
      ),
      hidden(
        { en: 'float32 values, no recomputation', zh: 'float32 数值，不重计算' },
        [gpt3, 4, 'none'],
        activations(gpt3, 4, 'none'),
        {
          ...exact,
          points: 2,
          mistakes: ACTIVATION_MISTAKES,
          catches: {
            en: 'one-byte masks counted at the values’ width, or 16-bit constants kept for float32',
            zh: '1 字节的掩码按数值宽度计算，或在 float32 下沿用 16 位的常数',
          },
        },
      ),
      hidden(
        { en: 'selective recomputation, 16-bit', zh: '选择性重计算，16 位' },
        [small, 2, 'selective'],
        activations(small, 2, 'selective'),
        {
          ...exact,
          mistakes: ACTIVATION_MISTAKES,
          catches: {
            en: 'y-sized tensors kept under selective recomputation',
            zh: '选择性重计算时仍保存了 y 大小的张量',
          },
        },
      ),
      hidden(
        { en: 'full recomputation, float32', zh: '完全重计算，float32' },
        [small, 4, 'full'],
        activations(small, 4, 'full'),
        {
          ...exact,
          mistakes: ACTIVATION_MISTAKES,
          catches: {
            en: 'the kept input counted at two bytes whatever the width',
            zh: '保存的输入不论宽度都按 2 字节计算',
          },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q4',
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
    uses: NOTHING,
    cases: [
      shown({ en: 'budget 0.3 points', zh: '预算 0.3 个百分点' }, [net, 0.3], bestSubset(net, 0.3), {
        ...exact,
        mistakes: SUBSET_MISTAKES,
      }),
      hidden({ en: 'budget 0.55 points', zh: '预算 0.55 个百分点' }, [net, 0.55], bestSubset(net, 0.55), {
        ...exact,
        mistakes: SUBSET_MISTAKES,
        catches: { en: 'a greedy choice in place of the best subset', zh: '用贪心选择代替了最优子集' },
      }),
      hidden({ en: 'no budget', zh: '没有预算' }, [net, 0], bestSubset(net, 0), {
        ...exact,
        catches: { en: 'a layer taken although its drop exceeds the budget', zh: '下降量超出预算的层仍被选中' },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l5.q5',
    title: { en: 'Open task: the fewest GPUs that fit Chinchilla', zh: '开放题：放下 Chinchilla 最少要几块 GPU' },
    prompt: {
      en:
        'Chinchilla (70B parameters, 80 layers of width 8192, vocabulary 32 000), trained with mixed-precision Adam on ' +
        '2048-token sequences, micro-batch 1 per GPU, full activation recomputation and ZeRO stage 3, on GPUs of ' +
        '`gpuGB` GB (10⁹ bytes) each: over how few data-parallel GPUs does it fit? Return that number, a power of two ' +
        'as data-parallel groups usually are. Count it your way (§4b–§4d give the accounting; `mp.trainingMemory` in a ' +
        "cell lets you check your function); the grader asks the course's memory calculator whether your number fits, " +
        'and whether half as many GPUs would.',
      zh:
        'Chinchilla（700 亿参数，80 层，宽度 8192，词表 32 000）用混合精度 Adam 训练，序列长 2048 个 token，每块 GPU 的' +
        '微批大小为 1，完全激活重计算，ZeRO 阶段 3，每块 GPU 有 `gpuGB` GB（10⁹ 字节）：最少要多少块数据并行的 GPU 才放' +
        '得下？返回这个数；和通常的数据并行组一样，取 2 的幂。怎么算由你决定（§4b–§4d 给出了记账方法；可以在单元格里用 ' +
        '`mp.trainingMemory` 检验你的函数）；评分程序会用课程的显存计算器检查你的数是否放得下，以及 GPU 减半后是否也放得下。',
    },
    minutes: 12,
    file: 'lesson5/index.ts',
    export: 'fewestGpus',
    uses: NOTHING,
    cases: [
      judged({ en: 'GPUs of 40 GB', zh: '40 GB 的 GPU' }, [40], fits(40e9), { points: 3 }),
      {
        ...judged({ en: 'GPUs of 80 GB', zh: '80 GB 的 GPU' }, [80], fits(80e9), { points: 2 }),
        hidden: true,
        catches: {
          en: 'a number found for one memory size, not computed from gpuGB',
          zh: '只针对一种显存大小找出的数，而不是由 gpuGB 算出来的',
        },
      },
    ],
  },
  {
    kind: 'choice',
    id: 'l5.c1',
    title: {
      en: 'Training with Adam, a mixed policy keeps every activation in 16 bits. Why does the memory per parameter not fall?',
      zh: '用 Adam 训练时，混合精度策略把所有激活值都存成 16 位。为什么每个参数占用的内存并不减少？',
    },
    points: 1,
    minutes: 2,
    choices: [
      { en: 'a 16-bit value is stored in a 32-bit slot on the GPU', zh: 'GPU 上 16 位的值要存放在 32 位的槽里' },
      {
        en: 'the float32 master weights, gradients and both moments stay, and a 16-bit copy of the weights comes on top',
        zh: 'float32 主权重、梯度和两个矩都还在，还要再加一份 16 位的权重副本',
      },
      { en: 'the loss scaler keeps a float32 copy of every gradient', zh: '损失缩放器为每个梯度保存一份 float32 副本' },
      { en: 'it does fall by half, as the number of bits does', zh: '它确实会减半，和位数一样' },
    ],
    answer: 'b',
  },
  {
    kind: 'choice',
    id: 'l5.c2',
    title: {
      en: "Why is the seed's MLP slower under bfloat16 autocast than in float32 on an H200?",
      zh: '为什么在 H200 上，原题的 MLP 在 bfloat16 autocast 下反而比 float32 慢？',
    },
    points: 1,
    minutes: 2,
    choices: [
      {
        en: 'its products are memory-bound, and halving their bytes saves less than autocast costs',
        zh: '它的矩阵乘法受限于显存带宽，字节减半省下的时间抵不过 autocast 的开销',
      },
      { en: 'lower precision needs more steps to converge', zh: '低精度需要更多步才能收敛' },
      {
        en: 'its products are far too small for the tensor cores: the step is launch-bound, and autocast adds cast kernels',
        zh: '它的矩阵乘法对张量核心来说太小了：训练步受限于内核启动，而 autocast 还增加了类型转换内核',
      },
      {
        en: "bfloat16 autocast checks every step's gradients for overflow, and the checks cost more than the products save",
        zh: 'bfloat16 autocast 每一步都要检查梯度是否上溢，这些检查的开销超过了矩阵乘法省下的时间',
      },
    ],
    answer: 'c',
  },
  {
    kind: 'choice',
    id: 'l5.c3',
    title: {
      en: "mixed_float16 and float32, trained from the same seed, disagree on 6 test images, all 6 in mixed_float16's favour: McNemar's p = 0.03. What does this show?",
      zh: '从同一个随机种子训练的 mixed_float16 和 float32 在 6 张测试图片上意见不一致，6 张全都是 mixed_float16 答对：McNemar 检验 p = 0.03。这说明了什么？',
    },
    points: 2,
    minutes: 3,
    choices: [
      {
        en: 'that these two networks differ; whether the policy changes accuracy needs several seeds per policy',
        zh: '这两个网络不同；策略是否改变准确率，需要每种策略跑多个种子才能知道',
      },
      {
        en: 'that mixed_float16 trains more accurate models than float32',
        zh: 'mixed_float16 训练出的模型比 float32 更准',
      },
      {
        en: 'nothing: a gap below one standard error of an accuracy is noise',
        zh: '什么也说明不了：小于一个准确率标准误的差距就是噪声',
      },
      { en: 'that float16 rounding acts as a regulariser', zh: 'float16 的舍入起到了正则化的作用' },
    ],
    answer: 'a',
  },
  {
    kind: 'choice',
    id: 'l5.c4',
    title: {
      en: 'Your float32 baseline ran with TF32 on. Why is the speed-up of bfloat16 autocast over it far smaller than the bfloat16 ÷ float32 matmul throughput suggests?',
      zh: '你的 float32 基线开着 TF32。为什么 bfloat16 autocast 相对它的加速，远小于 bfloat16 与 float32 矩阵乘法吞吐之比所暗示的？',
    },
    points: 1,
    minutes: 2,
    choices: [
      { en: 'TF32 stores tensors in 19 bits and halves the memory traffic', zh: 'TF32 用 19 位存储张量，显存流量减半' },
      {
        en: 'bfloat16 products accumulate in bfloat16, so the library splits them into extra passes to stay accurate',
        zh: 'bfloat16 乘法在 bfloat16 中累加，为保证精度库会把它拆成多趟计算',
      },
      {
        en: 'TF32 already cuts the number of steps training needs, so less time is left to save',
        zh: 'TF32 已经减少了训练所需的步数，剩下可省的时间不多了',
      },
      {
        en: 'TF32 already runs the float32 products on tensor cores, with 10-bit mantissa inputs',
        zh: 'TF32 已经让 float32 乘法在张量核心上运行，输入尾数为 10 位',
      },
    ],
    answer: 'd',
  },
  {
    kind: 'numeric',
    id: 'l5.c5',
    title: {
      en: 'Two classifiers disagree on 10 test images, 9 to 1. The exact two-sided McNemar p-value is N/1024: what is N?',
      zh: '两个分类器在 10 张测试图片上意见不一致，比例是 9 比 1。McNemar 精确检验的双侧 p 值是 N/1024：N 是多少？',
    },
    points: 2,
    minutes: 5,
    answer: Math.round(2 * lowerTail(1, 10) * 1024),
  },
  {
    kind: 'numeric',
    id: 'l5.c6',
    title: {
      en: 'A 13B-parameter model, mixed-precision Adam, ZeRO stage 2 over 16 GPUs: model states per GPU, in GB (10⁹ bytes)?',
      zh: '一个 130 亿参数的模型，混合精度 Adam，在 16 块 GPU 上用 ZeRO 阶段 2：每块 GPU 上的模型状态是多少 GB（10⁹ 字节）？',
    },
    points: 2,
    minutes: 4,
    answer: (2 * 13e9 + ((2 + 12) * 13e9) / 16) / 1e9,
  },
];
