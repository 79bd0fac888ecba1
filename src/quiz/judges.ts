/**
 * Judges: how an open, measured task is graded. A judged case names a judge of this registry with JSON
 * parameters (so a release's bank.json carries it); the grader runs the judge on the value the student's
 * function returned, which crossed the sandbox as plain data (never on student code), and gives the case's
 * points times the judge's score. A judge runs in a process of its own (judge_child.ts), in a place of the
 * grading pool, killed at its time limit whatever it is doing, so no judge can block grading. Judges are
 * deterministic (a training run has a fixed seed), so a verdict is kept for the same parameters and value, and
 * a class that returns the same answer is judged once. Lesson writers add a judge here, or a probe to PROBES.
 */
import { equalizationSqnr, equalizationTask } from '../course/experiments/equalization_task';
import { trainingMemory, TRANSFORMER_SHAPES, type Recomputation } from '../course/experiments/memory_at_scale';
import { evaluateBlock, trainBlock } from '../course/experiments/block_training';
import { trainMnist } from '../course/experiments/train';
import { BLOCK_OPS, Precision, type BlockOp, type TransformerBlock } from '../course/models/transformer_block';
import { MpError, OptionError } from '../mp/errors';
import { fork } from 'child_process';
import * as path from 'path';
import { MX_FORMATS, mxQuantize, roundValue, type MxFormat } from '../mp/index';
import { quoted } from './compare';
import { POOL } from './pool';
import { isText, type Text, type Translated } from './text';
import { toWire } from './wire';

/** A judge's verdict: the share of the case's points earned (0, 1, or a part between) and what it tells the student. */
export interface JudgeVerdict {
  readonly score: number;
  readonly message: Text;
}

/** What a judged case holds: the judge's name, its parameters (JSON), and its time limit. */
export interface JudgeSpec {
  readonly name: JudgeName;
  readonly params: Readonly<Record<string, unknown>>;
  /** Default JUDGE_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

/** A judge's time limit unless its case sets one: long enough for a short training run from the run cache. */
export const JUDGE_TIMEOUT_MS = 60_000;

interface Judge<P> {
  /** Throws an OptionError where the parameters are wrong: an author's mistake, caught when the bank loads. */
  readonly check: (params: P) => void;
  /** `value` is the student's returned value (plain data): validate its shape before use. */
  readonly run: (value: unknown, params: P) => JudgeVerdict | Promise<JudgeVerdict>;
}

const t = (en: string, zh: string): Translated => ({ en, zh });
const show = (v: unknown): string => quoted(typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

function checkRange(judge: string, lo: unknown, hi: unknown): void {
  if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo <= hi))
    throw new OptionError(
      `judge ${judge}: lo and hi must be numbers with lo ≤ hi, got ${show(lo)} and ${show(hi)}`,
      'lo, hi',
      [lo, hi],
    );
}

/** A finite number in [lo, hi], or the message saying why the value is not one. */
function inRange(value: unknown, lo: number, hi: number): JudgeVerdict | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value))
    return {
      score: 0,
      message: t(`expected a finite number, got ${show(value)}`, `应为有限数值，实际为 ${show(value)}`),
    };
  if (value < lo || value > hi)
    return {
      score: 0,
      message: t(
        `${value} is outside [${lo}, ${hi}], where the answer lies`,
        `${value} 不在答案所在的区间 [${lo}, ${hi}] 内`,
      ),
    };
  return undefined;
}

/**
 * Checks the library can confirm: each takes the student's number and the judge's `args`, and says whether the
 * number does what the task asks. They run the library, so the verdict is the library's, not a stored answer.
 */
export const PROBES = {
  /**
   * Whether `scale` times every one of `values` is a finite, non-zero number in `format` (a loss scale that
   * keeps these gradients from underflowing and from overflowing).
   *
   *     PROBES.scaleKeepsAll(1024, { values: [1e-8], format: 'float16' }) // true
   */
  scaleKeepsAll: (scale: number, args: { values: readonly number[]; format: string }): boolean =>
    args.values.every((v) => {
      const r = roundValue(v * scale, args.format);
      return Number.isFinite(r) && r !== 0;
    }),
  /**
   * Whether mixed-precision Adam training of the named model (TRANSFORMER_SHAPES) fits `budgetBytes` per GPU with
   * ZeRO stage 3 over `gpus` data-parallel GPUs, by the course's memory calculator (a whole number of GPUs only).
   *
   *     PROBES.fitsInMemory(32, { model: 'Chinchilla (70B)', tokens: 2048, batch: 1, recompute: 'full', budgetBytes: 40e9 }) // true
   */
  fitsInMemory: (
    gpus: number,
    args: { model: string; tokens: number; batch: number; recompute: Recomputation; budgetBytes: number },
  ): boolean => {
    const model = TRANSFORMER_SHAPES.find((m) => m.name === args.model);
    if (!model || !Number.isInteger(gpus) || gpus < 1) return false;
    const { tokens, batch, recompute } = args;
    const m = trainingMemory(model, { precision: 'mixed', tokens, batch, recompute, zeroStage: 3, gpus });
    return m.totalBytes <= args.budgetBytes;
  },
  /**
   * Whether float32 holds `x` exactly (and x ≠ 0) while each of `formats` stores it more than `relError` off
   * (relative error): a value every one of those formats gets wrong.
   *
   *     PROBES.lostInAll(1.5 * 2 ** -133, { formats: ['bfloat16', 'float16'], relError: 0.01 }) // true
   */
  lostInAll: (x: number, args: { formats: readonly string[]; relError: number }): boolean =>
    x !== 0 &&
    Math.fround(x) === x &&
    args.formats.every((f) => Math.abs(roundValue(x, f) - x) > args.relError * Math.abs(x)),
  /**
   * Whether `scale` times `values` turns fewer than `budget` (a fraction) of the non-zero ones into 0 in
   * `format`, and overflows none of them (a loss scale that rescues enough of these gradients: lesson 3).
   *
   *     PROBES.scaleKeepsShare(2 ** 20, { values: [2 ** -40, 1e-3], format: 'float16', budget: 0.5 }) // true
   */
  scaleKeepsShare: (scale: number, args: { values: readonly number[]; format: string; budget: number }): boolean => {
    const cast = args.values.filter((v) => v !== 0).map((v) => roundValue(v * scale, args.format));
    return cast.every(Number.isFinite) && cast.filter((r) => r === 0).length / cast.length < args.budget;
  },
} as const;
export type ProbeName = keyof typeof PROBES;

/** numberInRange's parameters: the answer lies in [lo, hi]; within `partial`'s wider range, `partial.score`. */
export interface RangeParams {
  readonly lo: number;
  readonly hi: number;
  readonly partial?: { readonly lo: number; readonly hi: number; readonly score: number };
}

/**
 * numberConfirmed's parameters: a number in [lo, hi] for which PROBES[probe](value, args) holds; with
 * `smallest`, it must also fail at value / smallest (the smallest power of `smallest` that works, say), or it
 * earns `partialScore` (default 0.5).
 */
export interface ConfirmedParams {
  readonly lo: number;
  readonly hi: number;
  readonly probe: ProbeName;
  readonly args: Parameters<(typeof PROBES)[ProbeName]>[1];
  readonly smallest?: number;
  readonly partialScore?: number;
}

/**
 * experimentReaches's parameters: the student's config object (only the `keys` listed, each a number or a
 * string) is run through trainMnist with `fixed` (epochs, trainLimit, seed: the same run for everyone, and
 * cached) and must reach `threshold` test accuracy; from `partialAt` on it earns half the points.
 */
export interface ExperimentParams {
  readonly keys: readonly string[];
  readonly fixed: Readonly<Record<string, number | string>>;
  readonly threshold: number;
  readonly partialAt?: number;
}

const numberInRange: Judge<RangeParams> = {
  check: (p) => {
    checkRange('numberInRange', p.lo, p.hi);
    if (p.partial) checkRange('numberInRange (partial)', p.partial.lo, p.partial.hi);
  },
  run: (value, p) => {
    const near = p.partial && typeof value === 'number' && value >= p.partial.lo && value <= p.partial.hi;
    const out = inRange(value, p.lo, p.hi);
    if (!out) return { score: 1, message: t(`${value} is right`, `${value} 正确`) };
    if (!near) return out;
    return {
      score: p.partial!.score,
      message: t(`${value} is close, not yet in [${p.lo}, ${p.hi}]`, `${value} 已接近，但还不在 [${p.lo}, ${p.hi}] 内`),
    };
  },
};

const numberConfirmed: Judge<ConfirmedParams> = {
  check: (p) => {
    checkRange('numberConfirmed', p.lo, p.hi);
    if (!Object.hasOwn(PROBES, p.probe))
      throw new OptionError(
        `judge numberConfirmed: unknown probe ${show(p.probe)}; probes: ${Object.keys(PROBES).join(', ')}`,
        'probe',
        p.probe,
        Object.keys(PROBES),
      );
    if (p.smallest !== undefined && !(p.smallest > 1))
      throw new OptionError(
        `judge numberConfirmed: smallest must be a factor above 1, got ${show(p.smallest)}`,
        'smallest',
        p.smallest,
      );
  },
  run: (value, p) => {
    const out = inRange(value, p.lo, p.hi);
    if (out) return out;
    const x = value as number;
    // the probe named takes the args its case was written with (ConfirmedParams pairs them only loosely)
    const probe = PROBES[p.probe] as (x: number, args: ConfirmedParams['args']) => boolean;
    if (!probe(x, p.args))
      return {
        score: 0,
        message: t(`${x} does not do it: the library's run says no`, `${x} 不满足要求：库的运行结果否定了它`),
      };
    if (p.smallest !== undefined && probe(x / p.smallest, p.args))
      return {
        score: p.partialScore ?? 0.5,
        message: t(
          `${x} works, but so does ${x / p.smallest}: find the smallest`,
          `${x} 可行，但 ${x / p.smallest} 也可行：请找最小的`,
        ),
      };
    return { score: 1, message: t(`${x} works, as the library confirms`, `${x} 可行，库的运行结果确认了这一点`) };
  },
};

const experimentReaches: Judge<ExperimentParams> = {
  check: (p) => {
    if (!(p.threshold > 0 && p.threshold <= 1))
      throw new OptionError(
        `judge experimentReaches: threshold is an accuracy in (0, 1], got ${show(p.threshold)}`,
        'threshold',
        p.threshold,
      );
    if (p.keys.some((k) => Object.hasOwn(p.fixed, k)))
      throw new OptionError(
        `judge experimentReaches: a key is both the student's and fixed: ${show(p.keys)}`,
        'keys',
        p.keys,
      );
  },
  run: async (value, p) => {
    const bad = configProblem(value, p.keys);
    if (bad) return { score: 0, message: bad };
    let run: Awaited<ReturnType<typeof trainMnist>>;
    try {
      run = await trainMnist({ ...(value as Record<string, number | string>), ...p.fixed, cache: true });
    } catch (e) {
      // the library refusing a setting (an unknown policy, a negative rate) is the answer's fault
      if (!(e instanceof MpError)) throw e;
      return {
        score: 0,
        message: t(`the run refused it: ${quoted(e.message)}`, `训练拒绝了这个配置：${quoted(e.message)}`),
      };
    }
    const acc = run.testAccuracy;
    const pct = (a: number): string => `${(100 * a).toFixed(1)} %`;
    if (acc >= p.threshold)
      return { score: 1, message: t(`reached ${pct(acc)} test accuracy`, `测试准确率达到 ${pct(acc)}`) };
    return {
      score: p.partialAt !== undefined && acc >= p.partialAt ? 0.5 : 0,
      message: t(
        `reached ${pct(acc)} test accuracy, short of ${pct(p.threshold)}`,
        `测试准确率为 ${pct(acc)}，未达到 ${pct(p.threshold)}`,
      ),
    };
  },
};

/**
 * equalizedSqnr's parameters: lesson 2's open task (the skewed network of equalizationTask(seed)), and the
 * SQNR in dB of its static int8 version, measured on inputs the answer never saw, for full and for half points.
 */
export interface SqnrParams {
  readonly seed: number;
  readonly full: number;
  readonly half: number;
}

const equalizedSqnr: Judge<SqnrParams> = {
  check: (p) => {
    if (!Number.isInteger(p.seed) || !(p.half < p.full))
      throw new OptionError(
        `judge equalizedSqnr: seed must be an integer and half < full, got ${show(p)}`,
        'seed, half, full',
        p,
      );
  },
  run: (value, p) => {
    const task = equalizationTask(p.seed);
    const ok =
      Array.isArray(value) &&
      value.length === task.hidden &&
      value.every((f) => typeof f === 'number' && Number.isFinite(f) && f > 0);
    if (!ok)
      return {
        score: 0,
        message: t(
          `expected ${task.hidden} finite factors > 0, one per hidden channel, got ${show(value)}`,
          `应为 ${task.hidden} 个大于 0 的有限因子（每个隐藏通道一个），实际为 ${show(value)}`,
        ),
      };
    const db = equalizationSqnr(task, value as number[]).toFixed(1);
    const asGiven = equalizationSqnr(task, new Array<number>(task.hidden).fill(1)).toFixed(1);
    const score = Number(db) >= p.full ? 1 : Number(db) >= p.half ? 0.5 : 0;
    return {
      score,
      message: t(
        `the int8 network's SQNR is ${db} dB (as given: ${asGiven} dB; full points from ${p.full} dB, half from ${p.half} dB)`,
        `int8 网络的信号量化噪声比为 ${db} dB（原网络：${asGiven} dB；${p.full} dB 起满分，${p.half} dB 起得一半分）`,
      ),
    };
  },
};

/**
 * mxChoiceWithin's parameters: a rows × cols matrix (row by row) and the largest relative RMS error allowed; the
 * answer is an OCP MX format and a block size of `blockSizes` (default 8, 16, 32, 64).
 */
export interface MxChoiceParams {
  readonly values: readonly number[];
  readonly rows: number;
  readonly cols: number;
  readonly maxError: number;
  readonly blockSizes?: readonly number[];
}

/** Every choice of an MX format and block size, measured on the matrix: its bits per value and its error. */
function mxMeasurements(p: MxChoiceParams): { format: MxFormat; blockSize: number; bits: number; error: number }[] {
  const data = Float32Array.from(p.values);
  return (Object.keys(MX_FORMATS) as MxFormat[]).flatMap((format) =>
    (p.blockSizes ?? [8, 16, 32, 64]).map((blockSize) => {
      const r = mxQuantize(data, format, blockSize, { shape: [p.rows, p.cols] });
      return { format, blockSize, bits: r.bitsPerValue, error: r.error.relativeRmse };
    }),
  );
}

/**
 * Lesson 6's open task: an MX format and block size that keep the matrix within maxError, measured by mxQuantize.
 * Full points for the fewest bits per value of any choice within the bound, half for a dearer one within it; null
 * is right only where no choice reaches the bound.
 */
const mxChoiceWithin: Judge<MxChoiceParams> = {
  check: (p) => {
    if (p.values.length !== p.rows * p.cols || !(p.maxError > 0))
      throw new OptionError(
        `judge mxChoiceWithin: values must hold rows × cols numbers and maxError be positive, got ${p.values.length} values for ${p.rows} × ${p.cols} and maxError ${show(p.maxError)}`,
        'values, maxError',
        [p.values.length, p.maxError],
      );
  },
  run: (value, p) => {
    const all = mxMeasurements(p);
    const fits = all.filter((m) => m.error <= p.maxError);
    const fewest = Math.min(...fits.map((m) => m.bits));
    if (value === null)
      return fits.length
        ? { score: 0, message: t('null, but a choice reaches the bound', 'null，但有方案能达到上限') }
        : { score: 1, message: t('null: no choice reaches the bound', 'null：没有方案能达到上限') };
    const v = value as { format?: unknown; blockSize?: unknown };
    const m = all.find((x) => x.format === v?.format && x.blockSize === v?.blockSize);
    if (!m)
      return {
        score: 0,
        message: t(
          `expected { format, blockSize } with an MX format and a block of ${(p.blockSizes ?? [8, 16, 32, 64]).join(', ')}, got ${show(value)}`,
          `应为 { format, blockSize }（MX 格式，块大小为 ${(p.blockSizes ?? [8, 16, 32, 64]).join('、')}），实际为 ${show(value)}`,
        ),
      };
    const pct = (e: number): string => `${(100 * e).toFixed(2)} %`;
    if (m.error > p.maxError)
      return {
        score: 0,
        message: t(
          `${m.format} in blocks of ${m.blockSize} errs ${pct(m.error)}, above the bound ${pct(p.maxError)}`,
          `${m.format}、每块 ${m.blockSize} 个值的误差为 ${pct(m.error)}，超过上限 ${pct(p.maxError)}`,
        ),
      };
    if (m.bits > fewest)
      return {
        score: 0.5,
        message: t(
          `within the bound (${pct(m.error)}) at ${m.bits} bits per value; a choice within it needs only ${fewest}`,
          `在上限以内（${pct(m.error)}），每值 ${m.bits} 位；有满足上限的方案只需 ${fewest} 位`,
        ),
      };
    return {
      score: 1,
      message: t(
        `within the bound (${pct(m.error)}) at the fewest bits per value, ${m.bits}`,
        `在上限以内（${pct(m.error)}），每值位数最少：${m.bits}`,
      ),
    };
  },
};

/**
 * blockKeepsPredicting's parameters: lesson 4's block (trainBlock's defaults), its residual stream × `residual`
 * and q, k × `queryKey`, runs under mixed_float16 with every op of `ops` the student does not keep moved to
 * float16; it must predict the held-out tokens as well as in float32 (within 1 %). With `minimal`, every kept op
 * must also be needed (dropping any one breaks it), or the case earns half its points.
 */
export interface BlockParams {
  readonly residual: number;
  readonly queryKey: number;
  readonly ops: readonly BlockOp[];
  readonly minimal?: boolean;
}

/**
 * Lesson 4's block, the same for every answer: training is seeded, and the course's cache keeps it, so only the
 * first judge process (each judged case runs in one of its own) trains it, for about 10 s of CPU.
 */
let lessonBlock: Promise<{ block: TransformerBlock; float32: number }> | undefined;
function trainedBlock(): Promise<{ block: TransformerBlock; float32: number }> {
  lessonBlock ??= trainBlock({ keepBlock: true, cache: true }).then(async ({ block }) => ({
    block: block!,
    float32: (await evaluateBlock(block!, new Precision('float32'))).accuracy,
  }));
  return lessonBlock;
}

const blockKeepsPredicting: Judge<BlockParams> = {
  check: (p) => {
    for (const [k, v] of [
      ['residual', p.residual],
      ['queryKey', p.queryKey],
    ] as const)
      if (!(v > 0 && Number.isFinite(v)))
        throw new OptionError(`judge blockKeepsPredicting: ${k} must be a finite number > 0, got ${show(v)}`, k, v);
    const unknown = p.ops.filter((op) => !(BLOCK_OPS as readonly string[]).includes(op));
    if (unknown.length)
      throw new OptionError(
        `judge blockKeepsPredicting: unknown ops ${show(unknown)}; the block runs ${BLOCK_OPS.join(', ')}`,
        'ops',
        unknown,
        BLOCK_OPS,
      );
  },
  run: async (value, p) => {
    const v = value as { keep?: unknown; scaleFirst?: unknown } | null;
    const keep = v?.keep;
    if (
      typeof v !== 'object' ||
      v === null ||
      !Array.isArray(keep) ||
      !keep.every((op) => p.ops.includes(op as BlockOp)) ||
      new Set(keep).size !== keep.length || // each op once: the minimal check evaluates the block once per kept op
      typeof v.scaleFirst !== 'boolean'
    )
      return {
        score: 0,
        message: t(
          `expected { keep: a list of ${p.ops.join(', ')}, each at most once, scaleFirst: true or false }, got ${show(value)}`,
          `应为 { keep: ${p.ops.join('、')} 中若干项的列表（每项至多一次）, scaleFirst: true 或 false }，实际为 ${show(value)}`,
        ),
      };
    const { block, float32 } = await trainedBlock();
    const accuracy = async (kept: readonly string[]): Promise<number> => {
      const moved = p.ops.filter((op) => !kept.includes(op));
      const copy = block.rescaled({ residual: p.residual, queryKey: p.queryKey, scaleFirst: v.scaleFirst as boolean });
      const precision = new Precision('mixed_float16', Object.fromEntries(moved.map((op) => [op, 'compute' as const])));
      const { accuracy: a } = await evaluateBlock(copy, precision);
      copy.dispose();
      return a;
    };
    const pct = (a: number): string => `${(100 * a).toFixed(1)} %`;
    const reached = await accuracy(keep as string[]);
    if (reached < float32 - 0.01)
      return {
        score: 0,
        message: t(
          `the block predicts ${pct(reached)} of the held-out tokens, against ${pct(float32)} in float32`,
          `块对留出词元的预测准确率为 ${pct(reached)}，而 float32 下为 ${pct(float32)}`,
        ),
      };
    if (p.minimal)
      for (const op of keep as string[])
        if ((await accuracy((keep as string[]).filter((k) => k !== op))) >= float32 - 0.01)
          return {
            score: 0.5,
            message: t(
              `it predicts as float32 does, and still does with ${op} in float16: keep fewer ops`,
              `预测与 float32 相同，而且把 ${op} 改成 float16 后依然如此：可以保留更少的算子`,
            ),
          };
    return {
      score: 1,
      message: t(
        `the block predicts ${pct(reached)} of the held-out tokens, as in float32`,
        `块对留出词元的预测准确率为 ${pct(reached)}，与 float32 相同`,
      ),
    };
  },
};

/** Why a returned config is not one the task takes: not a plain object, an unknown key, or a value of a wrong type. */
function configProblem(value: unknown, keys: readonly string[]): Text | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return t(`expected a config object, got ${show(value)}`, `应为配置对象，实际为 ${show(value)}`);
  for (const [k, v] of Object.entries(value)) {
    if (!keys.includes(k))
      return t(
        `unknown setting ${quoted(k)}; the task takes ${keys.join(', ')}`,
        `未知的设置 ${quoted(k)}；本题可设置 ${keys.join('、')}`,
      );
    if (typeof v !== 'string' && (typeof v !== 'number' || !Number.isFinite(v)))
      return t(
        `${quoted(k)} must be a number or a string, got ${show(v)}`,
        `${quoted(k)} 应为数值或字符串，实际为 ${show(v)}`,
      );
  }
  return undefined;
}

const JUDGES = {
  numberInRange,
  numberConfirmed,
  experimentReaches,
  equalizedSqnr,
  mxChoiceWithin,
  blockKeepsPredicting,
};
export type JudgeName = keyof typeof JUDGES;
type ParamsOf<N extends JudgeName> = (typeof JUDGES)[N] extends Judge<infer P> ? P : never;

/**
 * A judged case's judge, its parameters checked now (an author's mistake fails as the bank loads).
 *
 *     judgedBy('numberConfirmed', { lo: 1, hi: 2 ** 24, probe: 'scaleKeepsAll', args: { values: [3e-8], format: 'float16' }, smallest: 2 })
 */
export function judgedBy<N extends JudgeName>(name: N, params: ParamsOf<N>, timeoutMs?: number): JudgeSpec {
  (JUDGES[name] as Judge<ParamsOf<N>>).check(params);
  return { name, params: params as unknown as JudgeSpec['params'], ...(timeoutMs ? { timeoutMs } : {}) };
}

/** What running a judge came to: its verdict, or that it ran out of time or failed (the grader's fault). */
export type JudgeOutcome = JudgeVerdict | { readonly failed: 'timeout' | 'error' };

/**
 * Runs a case's judge on a returned value here, with no time limit: what judge_child.ts does in its process.
 * Never throws: a judge's error is the grader's fault, { failed: 'error' }.
 */
export async function judgeHere(spec: JudgeSpec, value: unknown): Promise<JudgeOutcome> {
  const judge = Object.hasOwn(JUDGES, spec.name) ? (JUDGES[spec.name] as Judge<unknown>) : undefined;
  if (!judge) return { failed: 'error' };
  try {
    const v = await judge.run(value, spec.params);
    return { score: Math.min(1, Math.max(0, v.score)), message: v.message };
  } catch {
    return { failed: 'error' };
  }
}

const CHILD = path.join(__dirname, 'judge_child.ts');

/** Whether a message from a judge's process is an outcome. */
function isOutcome(m: unknown): m is JudgeOutcome {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  if ('failed' in o) return o.failed === 'timeout' || o.failed === 'error';
  return typeof o.score === 'number' && o.score >= 0 && o.score <= 1 && isText(o.message);
}

/** Runs the judge in a process of its own, killed at the time limit. */
function inChild(spec: JudgeSpec, value: unknown): Promise<JudgeOutcome> {
  return new Promise((resolve) => {
    const child = fork(CHILD, [], {
      execArgv: ['--require', require.resolve('tsx/cjs')],
      // structured clone: NaN, ±Infinity and −0 arrive as they were returned
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let outcome: JudgeOutcome = { failed: 'error' };
    const timer = setTimeout(() => {
      outcome = { failed: 'timeout' };
      child.kill('SIGKILL');
    }, spec.timeoutMs ?? JUDGE_TIMEOUT_MS);
    child.once('message', (m) => {
      if (!('failed' in outcome && outcome.failed === 'timeout')) outcome = isOutcome(m) ? m : { failed: 'error' };
    });
    child.once('error', () => {
      // the process did not start, or could not be sent the value
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ failed: 'error' });
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(outcome);
    });
    child.send({ spec, value });
  });
}

/** Verdicts by judge, parameters and value (a run that failed is not kept: it runs again next time). */
const verdicts = new Map<string, Promise<JudgeOutcome>>();

/**
 * Runs a case's judge on a returned value (plain data, as it crossed the sandbox) in a process of its own,
 * killed at its time limit; the verdict for the same judge, parameters and value is kept. Never throws.
 *
 *     await runJudge({ name: 'numberInRange', params: { lo: 1, hi: 2 } }, 1.5) // { score: 1, message: … }
 */
export function runJudge(spec: JudgeSpec, value: unknown): Promise<JudgeOutcome> {
  let key: string;
  try {
    key = toWire([spec, value]);
  } catch {
    return Promise.resolve({ failed: 'error' }); // not plain data: nothing a sandbox can return
  }
  const known = verdicts.get(key);
  if (known) return known;
  const outcome = POOL.run(() => inChild(spec, value));
  verdicts.set(key, outcome);
  void outcome.then((o) => {
    if ('failed' in o) verdicts.delete(key);
  });
  return outcome;
}

/**
 * The judges' outcomes for a question's judged cases whose calls returned a value, by case index: what
 * judgeQuestion needs to grade them. They run in parallel, each in a place of the grading pool.
 *
 *     judgeQuestion(q, outcomes, lang, await runJudges(q, outcomes))
 */
export async function runJudges(
  q: { readonly cases: readonly { readonly judge?: JudgeSpec }[] },
  outcomes: readonly { readonly status: string; readonly value?: unknown }[],
): Promise<Map<number, JudgeOutcome>> {
  const judged = new Map<number, JudgeOutcome>();
  await Promise.all(
    q.cases.map(async (c, i) => {
      const o = outcomes[i];
      if (c.judge && o?.status === 'ok') judged.set(i, await runJudge(c.judge, o.value));
    }),
  );
  return judged;
}
