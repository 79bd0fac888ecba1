/**
 * A seeded matrix shaped like a layer's output gradients, for exercises that need the same tensor in a notebook
 * and in the grader: each row stands for one example and gets its own scale, a power of two spread over `binades`
 * (examples differ in how wrong the model is about them), values within a row are Gaussian, and some entries are
 * outliers, 8 to 64 times their row's scale.
 *
 *     const { values, shape } = gradientLikeMatrix();   // 256 × 256
 *     mxQuantize(values, 'MXFP6_E2M3', 32, { shape }).error.relativeRmse
 */
import seedrandom from 'seedrandom';
import { checkOptionKeys, OptionError } from '../../mp/errors';

export interface GradientLikeOptions {
  /** Default 256 and 256. */
  readonly rows?: number;
  readonly cols?: number;
  /** How many binades the rows' scales span. Default 8. */
  readonly binades?: number;
  /** Entries set to 8 to 64 times their row's scale (log-uniformly). Default 1024. */
  readonly outliers?: number;
  readonly seed?: string;
}

export function gradientLikeMatrix(options: GradientLikeOptions = {}): {
  values: Float32Array;
  shape: [number, number];
} {
  checkOptionKeys('gradientLikeMatrix', options, ['rows', 'cols', 'binades', 'outliers', 'seed']);
  const { rows = 256, cols = 256, binades = 8, outliers = 1024, seed = 'gradient-like' } = options;
  for (const [name, value] of [
    ['rows', rows],
    ['cols', cols],
    ['binades', binades],
    ['outliers', outliers],
  ] as const) {
    if (!Number.isInteger(value) || value < (name === 'rows' || name === 'cols' ? 1 : 0)) {
      throw new OptionError(`${name} must be a whole number. Received: ${name}=${value}`, name, value);
    }
  }
  const rand = seedrandom.alea(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const rowScale = Array.from({ length: rows }, () => 2 ** -Math.floor(rand() * (binades + 1)));
  const values = Float32Array.from({ length: rows * cols }, (_, i) => normal() * rowScale[Math.floor(i / cols)]!);
  for (let k = 0; k < outliers; k++) {
    const i = Math.floor(rand() * values.length);
    values[i] = 2 ** (3 + 3 * rand()) * rowScale[Math.floor(i / cols)]! * (rand() < 0.5 ? -1 : 1);
  }
  return { values, shape: [rows, cols] };
}
