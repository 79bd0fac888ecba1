/**
 * The one reader of notebooks/data/fp8_recipe_runs.json: the seed's MLP trained under float32 and under every
 * low-precision recipe (trainMnistFp8's FP8_RECIPES) with several seeds, which scripts/lessons/fp8_recipe_runs.ts
 * writes. Thirty short runs take longer than a lesson may, so the lesson reads them here and reproduces one of
 * them live. Each seed gives float32 and every recipe the same initial weights and batches, so a recipe's cost is
 * read per seed, as its accuracy minus float32's (a paired difference), with a 95 % t interval over the seeds.
 *
 *     import runs from './notebooks/data/fp8_recipe_runs.json';
 *     const r = readRecipeRuns(runs);
 *     r.summary().find((s) => s.recipe === 'nvfp4')!.difference.mean   // accuracy − float32's, in points
 */
import { OptionError } from '../../mp/errors';
import { FP8_RECIPES, FP8_RECIPE_NOTES, type Fp8Recipe } from '../experiments/fp8_recipes';

/** float32, the baseline, then the recipes. */
export const RECIPE_RUN_KINDS = ['float32', ...FP8_RECIPES] as const;
export type RecipeRunKind = (typeof RECIPE_RUN_KINDS)[number];

export interface RecipeRun {
  readonly recipe: RecipeRunKind;
  readonly seed: number;
  readonly testAccuracy: number;
  /** Element plus scale bits per value of the input, weight and output gradient (32 for float32). */
  readonly bitsPerValue: { readonly input: number; readonly weight: number; readonly grad: number };
}

export interface RecipeRunsFile {
  readonly schema: 1;
  /** The command that wrote the file, from the course folder. */
  readonly command: string;
  /** The tfjs backend the runs trained on (its summary line). */
  readonly backend: string;
  readonly date: string;
  /** The trainMnist / trainMnistFp8 options every run shares. */
  readonly options: { readonly epochs: number; readonly trainLimit: number };
  readonly seeds: readonly number[];
  readonly runs: readonly RecipeRun[];
}

/** Mean, spread and a 95 % interval of a handful of numbers (Student's t over n − 1 degrees of freedom). */
export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly low: number;
  readonly high: number;
}

export interface RecipeSummary {
  readonly recipe: RecipeRunKind;
  readonly name: string;
  readonly bitsPerValue: RecipeRun['bitsPerValue'];
  /** Test accuracy in percent over the seeds. */
  readonly accuracy: Spread;
  /** Accuracy minus float32's with the same seed, in percentage points (0 for float32 itself). */
  readonly difference: Spread;
  /** Seeds on which the recipe scored below float32. */
  readonly belowFloat32: number;
}

/** Two-sided 95 % quantiles of Student's t for 1..9 degrees of freedom. */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262];

/** The mean, sd and 95 % t interval of `values` (2 to 10 of them). */
export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  if (n < 2 || n > T95.length + 1) {
    throw new OptionError(`spreadOf needs 2 to ${T95.length + 1} values. Received ${n}.`, 'values', values);
  }
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (T95[n - 2]! * sd) / Math.sqrt(n);
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), low: mean - half, high: mean + half };
}

function fail(what: string): never {
  throw new OptionError(`fp8_recipe_runs.json: ${what}`, 'data', what);
}

/** Checks the file's shape and completeness (every kind with every seed, once) and returns it typed. */
export function checkRecipeRuns(data: unknown): RecipeRunsFile {
  const d = data as RecipeRunsFile;
  if (typeof d !== 'object' || d === null || d.schema !== 1) fail('schema must be 1.');
  for (const key of ['command', 'backend', 'date'] as const) if (typeof d[key] !== 'string') fail(`${key} is missing.`);
  if (!Array.isArray(d.seeds) || d.seeds.length < 2) fail('seeds must list at least two seeds.');
  if (!Array.isArray(d.runs)) fail('runs is missing.');
  for (const kind of RECIPE_RUN_KINDS) {
    for (const seed of d.seeds) {
      const found = d.runs.filter((r) => r.recipe === kind && r.seed === seed);
      if (found.length !== 1) fail(`expected one run of ${kind} with seed ${seed}, found ${found.length}.`);
      if (!(found[0]!.testAccuracy >= 0 && found[0]!.testAccuracy <= 1)) fail(`${kind} seed ${seed}: bad accuracy.`);
    }
  }
  const unknown = d.runs.find((r) => !(RECIPE_RUN_KINDS as readonly string[]).includes(r.recipe));
  if (unknown) fail(`unknown recipe '${unknown.recipe}'. Valid: ${RECIPE_RUN_KINDS.join(', ')}.`);
  return d;
}

/** The runs of one file, read through typed accessors. */
export class RecipeRuns {
  constructor(readonly data: RecipeRunsFile) {}

  /** One run. */
  run(recipe: RecipeRunKind, seed: number): RecipeRun {
    const r = this.data.runs.find((x) => x.recipe === recipe && x.seed === seed);
    if (!r) {
      throw new OptionError(
        `No run of ${recipe} with seed ${seed}. Seeds: ${this.data.seeds.join(', ')}.`,
        'seed',
        seed,
        this.data.seeds,
      );
    }
    return r;
  }

  /** Per kind: accuracy over the seeds, and the paired difference from float32. */
  summary(): RecipeSummary[] {
    const { seeds } = this.data;
    const base = seeds.map((s) => 100 * this.run('float32', s).testAccuracy);
    return RECIPE_RUN_KINDS.map((recipe) => {
      const acc = seeds.map((s) => 100 * this.run(recipe, s).testAccuracy);
      const diff = acc.map((a, i) => a - base[i]!);
      return {
        recipe,
        name: recipe === 'float32' ? 'float32' : FP8_RECIPE_NOTES[recipe as Fp8Recipe].name,
        bitsPerValue: this.run(recipe, seeds[0]!).bitsPerValue,
        accuracy: spreadOf(acc),
        difference: spreadOf(diff),
        belowFloat32: diff.filter((x) => x < 0).length,
      };
    });
  }

  /** Where and how the runs were made, for a caption. */
  caption(): string {
    const { options, seeds, backend, date, command } = this.data;
    return (
      `Precomputed: ${options.epochs} epochs on the first ${options.trainLimit} training images, seeds ` +
      `${seeds.join(', ')}, on ${backend} (${date.slice(0, 10)}); \`${command}\` writes it again.`
    );
  }
}

/** Reads an imported fp8_recipe_runs.json; throws OptionError naming what is missing. */
export function readRecipeRuns(data: unknown): RecipeRuns {
  return new RecipeRuns(checkRecipeRuns(data));
}
