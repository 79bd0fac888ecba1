/**
 * The one reader of notebooks/data/accuracy_seeds.json: the seed's recipe in full (60 000 MNIST images, 5
 * epochs) trained under several settings with several seeds, each run with its score on every test image.
 * scripts/lessons/accuracy_seeds.ts writes it (a run of every setting and seed takes minutes, too long for a lesson).
 *
 *     import seeds from './notebooks/data/accuracy_seeds.json';
 *     const study = mp.readSeedStudy(seeds);
 *     study.accuracies('float32');          // one test accuracy per seed
 *     study.correct('bfloat16', 0);         // Uint8Array(10000): 1 where seed 0's network is right
 */
import { checkChoice, OptionError } from '../../mp/errors';

export interface SeedRun {
  readonly setting: string;
  readonly seed: number;
  readonly testAccuracy: number;
  readonly valAccuracy: number;
  /** Mean training loss of the last epoch. */
  readonly finalLoss: number;
  /** Steps the loss scaler skipped, and its final scale (1 without loss scaling). */
  readonly skipped: number;
  readonly finalScale: number;
  /** One bit per test image, 1 where the network is right, packed 8 to a byte (image 0 in bit 0), base64. */
  readonly correct: string;
}

export interface SeedSetting {
  readonly name: string;
  readonly policy: string;
  readonly lossScale: 'dynamic' | 'none' | 'default';
  readonly what: string;
}

export interface SeedStudyFile {
  readonly schema: 1;
  readonly command: string;
  readonly date: string;
  /** The backend and machine the runs were trained on. */
  readonly machine: string;
  readonly recipe: { readonly epochs: number; readonly trainLimit: number | null; readonly testImages: number };
  readonly seeds: readonly number[];
  readonly settings: readonly SeedSetting[];
  readonly runs: readonly SeedRun[];
}

const SOURCE = 'accuracy_seeds.json';

function fail(path: string, expected: string, value: unknown): never {
  throw new OptionError(`${SOURCE}: ${path} must be ${expected}. Received: ${JSON.stringify(value)}`, path, value);
}

/** Unpacks `images` bits (LSB first) from base64. */
export function unpackBits(base64: string, images: number): Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== Math.ceil(images / 8)) fail('correct', `${Math.ceil(images / 8)} bytes of base64`, bytes.length);
  const out = new Uint8Array(images);
  for (let i = 0; i < images; i++) out[i] = (bytes[i >> 3]! >> (i & 7)) & 1;
  return out;
}

/** Packs 0/1 scores 8 to a byte (LSB first), as base64: what the study stores per run. */
export function packBits(bits: ArrayLike<number>): string {
  const bytes = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) bytes[i >> 3]! |= 1 << (i & 7);
  return Buffer.from(bytes).toString('base64');
}

/** The runs of accuracy_seeds.json by setting and seed. */
export class SeedStudy {
  constructor(readonly data: SeedStudyFile) {}

  /** The settings' names, in the file's order. */
  get settings(): string[] {
    return this.data.settings.map((s) => s.name);
  }

  /** The run of `setting` with `seed`. */
  run(setting: string, seed: number): SeedRun {
    checkChoice('setting', setting, this.settings);
    const r = this.data.runs.find((x) => x.setting === setting && x.seed === seed);
    if (!r)
      throw new OptionError(
        `${SOURCE} has no ${setting} run with seed ${seed}. Seeds: ${this.data.seeds.join(', ')}`,
        'seed',
        seed,
      );
    return r;
  }

  /** Test accuracy of `setting`, one per seed in the file's seed order. */
  accuracies(setting: string): number[] {
    return this.data.seeds.map((s) => this.run(setting, s).testAccuracy);
  }

  /** Per-image scores of one run: 1 where it is right. */
  correct(setting: string, seed: number): Uint8Array {
    return unpackBits(this.run(setting, seed).correct, this.data.recipe.testImages);
  }

  /** Where and how the runs were made, for a caption. */
  caption(): string {
    const r = this.data.recipe;
    const data = r.trainLimit === null ? 'all 60 000 training images' : `the first ${r.trainLimit} training images`;
    return (
      `Precomputed by \`${this.data.command}\` on ${this.data.date.slice(0, 10)} (${this.data.machine}): the seed's ` +
      `recipe on ${data} (a fifth held out for validation), ${r.epochs} epochs, seeds ${this.data.seeds.join(', ')}; ` +
      `tested on the ${r.testImages} test images.`
    );
  }
}

/** Checks an imported accuracy_seeds.json and returns its reader; a malformed file throws naming the field. */
export function readSeedStudy(data: unknown): SeedStudy {
  const d = data as Partial<SeedStudyFile> | null;
  if (typeof d !== 'object' || d === null) fail('the file', 'an object', d);
  if (d.schema !== 1) fail('schema', '1', d.schema);
  for (const key of ['command', 'date', 'machine'] as const)
    if (typeof d[key] !== 'string') fail(key, 'a string', d[key]);
  if (!Array.isArray(d.seeds) || !d.seeds.every(Number.isInteger)) fail('seeds', 'an array of integers', d.seeds);
  if (!Array.isArray(d.settings) || d.settings.length === 0) fail('settings', 'a non-empty array', d.settings);
  if (!Array.isArray(d.runs)) fail('runs', 'an array', d.runs);
  const images = d.recipe?.testImages;
  if (!Number.isInteger(images)) fail('recipe.testImages', 'an integer', images);
  const names = d.settings.map((s) => s.name);
  d.runs.forEach((r, i) => {
    if (!names.includes(r.setting)) fail(`runs[${i}].setting`, `one of ${names.join(', ')}`, r.setting);
    for (const key of ['testAccuracy', 'valAccuracy', 'finalLoss', 'skipped', 'finalScale'] as const) {
      if (!Number.isFinite(r[key])) fail(`runs[${i}].${key}`, 'a finite number', r[key]);
    }
    unpackBits(r.correct, images!);
  });
  for (const name of names) {
    for (const seed of d.seeds) {
      if (!d.runs.some((r) => r.setting === name && r.seed === seed))
        fail('runs', `a ${name} run for seed ${seed}`, null);
    }
  }
  return new SeedStudy(d as SeedStudyFile);
}
