/**
 * Writes notebooks/data/accuracy_seeds.json (read by src/course/data/accuracy_seeds.ts): the seed's recipe in
 * full (all 60 000 training images, 5 epochs) under each setting below, once per seed, with every run's score on
 * each test image. Lesson 5 compares the settings with McNemar's test per seed and the sign-flip test over seeds;
 * the runs take minutes, too long to train in a lesson.
 *
 *     npx tsx scripts/lessons/accuracy_seeds.ts --out notebooks/data/accuracy_seeds.json [--seeds 8]
 */
import * as fs from 'fs';
import { backendInfo, loadMnist, trainMnist, useBackend, MNIST_MLP } from '../../src/course/index';
import { correctOnRows } from '../../src/course/experiments/paired_test';
import {
  packBits,
  type SeedStudyRun,
  type SeedSetting,
  type SeedStudyFile,
} from '../../src/course/data/accuracy_seeds';

const SETTINGS: SeedSetting[] = [
  { name: 'float32', policy: 'float32', lossScale: 'default', what: 'float32 throughout' },
  {
    name: 'mixed_bfloat16',
    policy: 'mixed_bfloat16',
    lossScale: 'default',
    what: 'bfloat16 compute, float32 master weights',
  },
  {
    name: 'mixed_float16',
    policy: 'mixed_float16',
    lossScale: 'dynamic',
    what: 'float16 compute, float32 master weights, dynamic loss scaling',
  },
  {
    name: 'mixed_float16, no loss scaling',
    policy: 'mixed_float16',
    lossScale: 'none',
    what: 'float16 compute, float32 master weights, loss scaling off',
  },
  {
    name: 'bfloat16',
    policy: 'bfloat16',
    lossScale: 'default',
    what: "bfloat16 compute, bfloat16 weights (Adam's moments stay float32)",
  },
];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const out = option('out', 'notebooks/data/accuracy_seeds.json');
  const seeds = Array.from({ length: Number(option('seeds', '8')) }, (_, i) => i);
  await useBackend();
  const test = loadMnist().test;
  const runs: SeedStudyRun[] = [];
  for (const seed of seeds) {
    for (const s of SETTINGS) {
      const t0 = performance.now();
      const r = await trainMnist({
        policy: s.policy,
        seed,
        keepModel: true,
        ...(s.lossScale === 'default' ? {} : { lossScale: s.lossScale }),
      });
      const correct = await correctOnRows(r.model!, test.images, test.labels);
      r.model!.dispose();
      runs.push({
        setting: s.name,
        seed,
        testAccuracy: r.testAccuracy,
        valAccuracy: r.valAccuracy,
        finalLoss: r.epochs[r.epochs.length - 1]!.loss,
        skipped: r.scaler.skipped,
        finalScale: r.scaler.finalScale,
        correct: packBits(correct),
      });
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(`seed ${seed} ${s.name}: test ${(100 * r.testAccuracy).toFixed(2)} % (${seconds} s)`);
    }
  }
  const file: SeedStudyFile = {
    schema: 1,
    command: `npx tsx scripts/lessons/accuracy_seeds.ts --seeds ${seeds.length}`,
    date: new Date().toISOString(),
    machine: backendInfo().summary,
    recipe: { epochs: MNIST_MLP.epochs, trainLimit: null, testImages: test.count },
    seeds,
    settings: SETTINGS,
    runs,
  };
  fs.writeFileSync(out, JSON.stringify(file, null, 1) + '\n');
  console.log(`wrote ${out}`);
}

void main();
