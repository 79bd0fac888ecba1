/**
 * Writes notebooks/data/fp8_recipe_runs.json: the seed's MLP trained under float32 (trainMnist) and under every
 * recipe of trainMnistFp8, once per seed, with the options the outlook lesson uses. The lesson reads the file
 * through readRecipeRuns (src/course/data/recipe_runs.ts) and reproduces one run live.
 *
 *     npx tsx scripts/lessons/fp8_recipe_runs.ts [--seeds 0,1,2,3,4] [--out FILE]
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  FP8_RECIPES,
  trainMnist,
  trainMnistFp8,
  useBackend,
  type RecipeRun,
  type RecipeRunsFile,
} from '../../src/course/index';

/** The lesson's run: 2 epochs on the first 10 000 training images (8 000 to train, 2 000 to validate). */
export const LESSON_RUN = { epochs: 2, trainLimit: 10_000 } as const;

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const seeds = argument('seeds', '0,1,2,3,4').split(',').map(Number);
  const out = argument('out', path.join(__dirname, '..', '..', 'notebooks', 'data', 'fp8_recipe_runs.json'));
  const backend = (await useBackend()).summary;
  const runs: RecipeRun[] = [];
  for (const seed of seeds) {
    const base = await trainMnist({ ...LESSON_RUN, policy: 'float32', seed });
    runs.push({
      recipe: 'float32',
      seed,
      testAccuracy: base.testAccuracy,
      bitsPerValue: { input: 32, weight: 32, grad: 32 },
    });
    for (const recipe of FP8_RECIPES) {
      const r = await trainMnistFp8({ ...LESSON_RUN, recipe, seed });
      runs.push({ recipe, seed, testAccuracy: r.testAccuracy, bitsPerValue: r.bitsPerValue });
      console.log(`seed ${seed} ${recipe}: ${(100 * r.testAccuracy).toFixed(2)} % in ${r.seconds.toFixed(1)} s`);
    }
  }
  const file: RecipeRunsFile = {
    schema: 1,
    command: 'npx tsx scripts/lessons/fp8_recipe_runs.ts',
    backend,
    date: new Date().toISOString(),
    options: LESSON_RUN,
    seeds,
    runs,
  };
  fs.writeFileSync(out, JSON.stringify(file, null, 1) + '\n');
  console.log(`wrote ${runs.length} runs to ${out}`);
}

void main();
