/**
 * Telling a real accuracy difference from noise, for the two kinds of noise a training comparison has.
 *
 * The test set is finite. Two classifiers scored on the same test images are paired: an image both get right (or
 * both wrong) says nothing about which is better, so McNemar's test looks only at the images they disagree on.
 * Were the two equally good, each disagreement would go either way with probability 1/2; the exact test asks how
 * unlikely the observed split is under that coin. Dietterich (1998) found it the one test with an acceptable
 * false-alarm rate for two classifiers trained once, and the test of two proportions (two accuracies, each with
 * its binomial standard error) unsafe.
 *
 * Training is random too (initial weights, batch order): McNemar compares two trained networks, not two
 * training procedures. Runs paired by seed (the same initial weights and batches under two policies) give one
 * accuracy difference per seed; the sign-flip test asks how often flipping the signs of those differences at
 * random gives a mean at least as far from zero.
 *
 *     const t = mcnemarTest(await correctOnRows(a, x, y), await correctOnRows(b, x, y), ['float32', 'mixed']);
 *     t.sentence;   // 'float32 and mixed disagree on 84 of 10 000 images: …, p = 0.59: no evidence …'
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../../mp/errors';
import { EVAL_BATCH, predictRows, type Rows } from './seed_mlp';

export interface McNemarResult {
  readonly names: readonly [string, string];
  /** Images scored. */
  readonly n: number;
  /** Images only the first got right, and only the second. */
  readonly onlyFirst: number;
  readonly onlySecond: number;
  readonly accuracy: readonly [number, number];
  /** Two-sided p-value of the exact test: the chance of a split at least this uneven if both were equally good. */
  readonly pValue: number;
  /** Whether pValue < alpha. */
  readonly significant: boolean;
  readonly alpha: number;
  readonly sentence: string;
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2), its terms built in log space (log C(n, i) from log C(n, i − 1)) so that large n does not underflow. */
function binomialLowerTail(k: number, n: number): number {
  let logTerm = -n * Math.LN2; // log(C(n, 0) / 2^n)
  let total = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    total += Math.exp(logTerm);
  }
  return total;
}

const count = (n: number): string => n.toLocaleString('en-US').replace(/,/g, ' ');

function checkCorrectness(name: string, v: ArrayLike<number | boolean>): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== 0 && x !== 1 && x !== true && x !== false) {
      throw new OptionError(
        `${name} must hold 1/true (right) or 0/false (wrong) per image. Received: ${JSON.stringify(x)} at index ${i}`,
        name,
        x,
      );
    }
  }
}

/**
 * The exact McNemar test between two classifiers scored on the same images: `first[i]` and `second[i]` say
 * whether each got image i right. Its sentence states the disagreements, the p-value and what they allow.
 *
 *     mcnemarTest([1, 1, 0, 1], [1, 0, 0, 1]).pValue   // 1: one disagreement proves nothing
 */
export function mcnemarTest(
  first: ArrayLike<number | boolean>,
  second: ArrayLike<number | boolean>,
  names: readonly [string, string] = ['first', 'second'],
  alpha = 0.05,
): McNemarResult {
  if (first.length !== second.length || first.length === 0) {
    throw new OptionError(
      `mcnemarTest needs two non-empty score vectors over the same images. Received lengths ${first.length} and ${second.length}`,
      'second',
      second.length,
    );
  }
  if (!(alpha > 0 && alpha < 1))
    throw new OptionError(`alpha must be in (0, 1). Received: alpha=${alpha}`, 'alpha', alpha);
  checkCorrectness('first', first);
  checkCorrectness('second', second);
  let onlyFirst = 0;
  let onlySecond = 0;
  let right = [0, 0];
  for (let i = 0; i < first.length; i++) {
    const [a, b] = [Number(first[i]), Number(second[i])];
    right = [right[0]! + a, right[1]! + b];
    if (a > b) onlyFirst++;
    else if (b > a) onlySecond++;
  }
  const n = first.length;
  const discordant = onlyFirst + onlySecond;
  const pValue = discordant === 0 ? 1 : Math.min(1, 2 * binomialLowerTail(Math.min(onlyFirst, onlySecond), discordant));
  const significant = pValue < alpha;
  const accuracy: [number, number] = [right[0]! / n, right[1]! / n];
  const gap = Math.abs(100 * (accuracy[0] - accuracy[1])).toFixed(2);
  const p = pValue < 0.001 ? pValue.toExponential(1) : pValue.toFixed(pValue < 0.01 ? 3 : 2);
  const [x, y] = names;
  const verdict = significant
    ? `these two networks differ at the ${100 * alpha} % level: ${accuracy[0] > accuracy[1] ? x : y} gets more of the disputed images right`
    : `no evidence that these two networks differ: a ${gap}-point gap is what chance gives at this many disagreements`;
  const sentence =
    `${x} and ${y} disagree on ${count(discordant)} of ${count(n)} images (${x} alone right on ${count(onlyFirst)}, ` +
    `${y} alone on ${count(onlySecond)}); exact McNemar test p = ${p}: ${verdict}.`;
  return { names, n, onlyFirst, onlySecond, accuracy, pValue, significant, alpha, sentence };
}

/**
 * Whether the model gets each row right (1) or wrong (0): the per-image scores mcnemarTest pairs up. One
 * awaited read per batch, as accuracy() reads.
 *
 *     const scores = await correctOnRows(model, mnist.test.images, mnist.test.labels);
 */
export async function correctOnRows(model: tf.Sequential, images: Rows, labels: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(labels.length);
  for (let start = 0; start < labels.length; start += EVAL_BATCH) {
    const predicted = predictRows(model, images, start, Math.min(EVAL_BATCH, labels.length - start));
    try {
      const digits = await predicted.data();
      for (let i = 0; i < digits.length; i++) out[start + i] = digits[i] === labels[start + i] ? 1 : 0;
    } finally {
      predicted.dispose();
    }
  }
  return out;
}

export interface SignFlipResult {
  /** Mean of the paired differences. */
  readonly mean: number;
  /** Two-sided p-value: the share of the 2^n sign assignments whose mean is at least as far from zero. */
  readonly pValue: number;
  /** The smallest p-value n pairs can give (2 / 2^n): with too few seeds no difference can be significant. */
  readonly smallestP: number;
}

/**
 * The exact sign-flip (paired permutation) test of paired differences, such as one accuracy difference per seed.
 *
 *     signFlipTest([0.1, 0.2, 0.15, 0.3, 0.1, 0.2, 0.25, 0.1]).pValue   // 2/256: all eight positive
 */
export function signFlipTest(differences: readonly number[]): SignFlipResult {
  const n = differences.length;
  if (n < 1 || n > 20 || !differences.every(Number.isFinite)) {
    throw new OptionError(
      `signFlipTest needs 1 to 20 finite differences (it enumerates every sign assignment). Received: ${JSON.stringify(differences)}`,
      'differences',
      differences,
    );
  }
  const observed = Math.abs(differences.reduce((s, d) => s + d, 0));
  let extreme = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += mask & (1 << i) ? -differences[i]! : differences[i]!;
    if (Math.abs(sum) >= observed - 1e-12 * Math.max(1, observed)) extreme++;
  }
  return {
    mean: observed === 0 ? 0 : differences.reduce((s, d) => s + d, 0) / n,
    pValue: extreme / 2 ** n,
    smallestP: 2 / 2 ** n,
  };
}
