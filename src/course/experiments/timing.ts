/**
 * What a live timing on a shared machine can honestly say. Alternatives timed in interleaved rounds (as
 * timeTrainingSteps does) give one ratio per round against the baseline, measured under the same load; the
 * median ratio and a bootstrap interval of it decide the sentence, and when the interval cannot separate the
 * two the sentence says so instead of reporting noise as a result.
 *
 *     const verdicts = compareTimings(await timeTrainingSteps(['float32', 'mixed_bfloat16']));
 *     verdicts[0].sentence;   // 'mixed_bfloat16 is 1.12× slower than float32 (95 % interval 1.08–1.17×, 20 rounds).'
 */
import seedrandom from 'seedrandom';
import { checkChoice, checkOptionKeys, OptionError } from '../../mp/errors';

export interface TimedAlternative {
  /** The alternative's name ('policy' is what timeTrainingSteps calls it). */
  readonly policy: string;
  /** One time per round, rounds in the same order for every alternative. */
  readonly samples: readonly number[];
}

export const TIMING_VERDICTS = ['slower', 'faster', 'same', 'too noisy'] as const;
export type TimingVerdict = (typeof TIMING_VERDICTS)[number];

export interface TimingComparison {
  readonly policy: string;
  readonly baseline: string;
  /** This alternative's time over the baseline's, round by round. */
  readonly ratios: readonly number[];
  readonly median: number;
  /** The 95 % bootstrap interval of the median ratio. */
  readonly low: number;
  readonly high: number;
  readonly verdict: TimingVerdict;
  readonly sentence: string;
}

export interface CompareTimingsOptions {
  /** The alternative the others are compared with. Default: the first. */
  readonly baseline?: string;
  /** Ratios within 1 ± tolerance count as the same time. Default 0.03. */
  readonly tolerance?: number;
}

/** Rounds needed before an interval means anything. */
export const MIN_ROUNDS = 5;
const RESAMPLES = 2000;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The 2.5th and 97.5th percentiles of the median of resamples, with a fixed seed: the same data, the same words. */
function bootstrapInterval(ratios: readonly number[]): [number, number] {
  const rand = seedrandom.alea('timing');
  const medians = Array.from({ length: RESAMPLES }, () =>
    median(Array.from(ratios, () => ratios[Math.floor(rand() * ratios.length)]!)),
  ).sort((a, b) => a - b);
  return [medians[Math.floor(0.025 * RESAMPLES)]!, medians[Math.ceil(0.975 * RESAMPLES) - 1]!];
}

const x = (r: number): string => `${r.toFixed(2)}×`;

function verdictOf(low: number, high: number, tolerance: number): TimingVerdict {
  if (low > 1 + tolerance) return 'slower';
  if (high < 1 - tolerance) return 'faster';
  if (low >= 1 - tolerance && high <= 1 + tolerance) return 'same';
  return 'too noisy';
}

function sentenceOf(c: Omit<TimingComparison, 'sentence'>, tolerance: number): string {
  const rounds = `${c.ratios.length} rounds`;
  switch (c.verdict) {
    case 'slower':
      return `${c.policy} is ${x(c.median)} slower than ${c.baseline} (95 % interval ${x(c.low)}–${x(c.high)}, ${rounds}).`;
    case 'faster':
      return (
        `${c.policy} is ${x(1 / c.median)} faster than ${c.baseline} (time ratio ${x(c.median)}, 95 % interval ` +
        `${x(c.low)}–${x(c.high)}, ${rounds}).`
      );
    case 'same':
      return (
        `${c.policy} takes the same time as ${c.baseline} within ±${(100 * tolerance).toFixed(0)} % ` +
        `(95 % interval ${x(c.low)}–${x(c.high)}, ${rounds}).`
      );
    case 'too noisy':
      return (
        `${c.policy} against ${c.baseline}: too noisy to tell at this machine's load: the ratios ranged ` +
        `${x(Math.min(...c.ratios))}–${x(Math.max(...c.ratios))} over ${rounds} (95 % interval of the median ` +
        `${x(c.low)}–${x(c.high)}).`
      );
  }
}

/**
 * Compares each alternative with the baseline from per-round times: the median of the per-round ratios, its
 * 95 % bootstrap interval, a verdict and the sentence that says it. Needs at least MIN_ROUNDS rounds.
 */
export function compareTimings(
  alternatives: readonly TimedAlternative[],
  options: CompareTimingsOptions = {},
): TimingComparison[] {
  if (!Array.isArray(alternatives as unknown) || alternatives.length < 2) {
    throw new OptionError('compareTimings needs at least two timed alternatives.', 'alternatives', alternatives);
  }
  checkOptionKeys('compareTimings', options, ['baseline', 'tolerance']);
  const names = alternatives.map((a) => a.policy);
  const baseline = checkChoice('baseline', options.baseline ?? names[0], names);
  const tolerance = options.tolerance ?? 0.03;
  if (!(tolerance >= 0 && tolerance < 1)) {
    throw new OptionError(`tolerance must be in [0, 1). Received: tolerance=${tolerance}`, 'tolerance', tolerance);
  }
  const base = alternatives.find((a) => a.policy === baseline)!.samples;
  for (const a of alternatives) {
    if (a.samples.length !== base.length || a.samples.length < MIN_ROUNDS || !a.samples.every((t) => t > 0)) {
      throw new OptionError(
        `every alternative needs the same number (≥ ${MIN_ROUNDS}) of positive times, one per round. ` +
          `Received: ${a.policy} has ${a.samples.length}, ${baseline} has ${base.length}`,
        'samples',
        a.samples,
      );
    }
  }
  return alternatives
    .filter((a) => a.policy !== baseline)
    .map((a) => {
      const ratios = a.samples.map((t, r) => t / base[r]!);
      const [low, high] = bootstrapInterval(ratios);
      const c = { policy: a.policy, baseline, ratios, median: median(ratios), low, high };
      const verdict = verdictOf(low, high, tolerance);
      return { ...c, verdict, sentence: sentenceOf({ ...c, verdict }, tolerance) };
    });
}

/** One line over several comparisons: which alternatives were slower, the same, faster, or could not be told. */
export function summarizeTimings(comparisons: readonly TimingComparison[]): string {
  if (comparisons.length === 0) return 'Nothing was compared.';
  const baseline = comparisons[0]!.baseline;
  const by = (v: TimingVerdict) => comparisons.filter((c) => c.verdict === v).map((c) => c.policy);
  if (by('slower').length === comparisons.length) return `Every alternative is slower than ${baseline} here.`;
  const parts: [TimingVerdict, string][] = [
    ['slower', `slower than ${baseline}`],
    ['same', `the same time as ${baseline}`],
    ['faster', `faster than ${baseline}`],
    ['too noisy', 'too noisy to tell apart from it at this load'],
  ];
  return (
    parts
      .filter(([v]) => by(v).length > 0)
      .map(([v, words]) => `${by(v).join(', ')}: ${words}`)
      .join('; ') + '.'
  );
}
