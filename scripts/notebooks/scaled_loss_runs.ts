/**
 * Writes notebooks/data/scaled_loss_runs.json: lesson 3's short runs with the loss multiplied by 2^-16 (SGD under
 * float32 and mixed_float16, with and without loss scaling; float32 Adam with and without the multiplier),
 * repeated over seeds, so that the lesson can show the spread of the effects its live runs (seed 0) measure.
 *
 *     npx tsx scripts/notebooks/scaled_loss_runs.ts [--seeds 5]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backendInfo, trainMnist, useBackend, type TrainOptions } from '../../src/course/index';
import type { SeedRun, SeedRunsFile } from '../../src/course/data/seed_runs';

const OUT = path.join(__dirname, '..', '..', 'notebooks', 'data', 'scaled_loss_runs.json');
const SMALL = 2 ** -16;

/** The variants, with the options of the lesson's live runs (sections 5.3 and 6.1). */
export const SCALED_LOSS_VARIANTS: readonly { label: string; options: TrainOptions }[] = [
  { label: 'SGD, float32, loss × 1', options: { optimizer: 'sgd', policy: 'float32', learningRate: 0.1 } },
  {
    label: 'SGD, mixed_float16, loss × 2^-16, no loss scaling',
    options: {
      optimizer: 'sgd',
      policy: 'mixed_float16',
      learningRate: 0.1 / SMALL,
      lossMultiplier: SMALL,
      lossScale: 'none',
    },
  },
  {
    label: 'SGD, mixed_float16, loss × 2^-16, dynamic loss scaling',
    options: {
      optimizer: 'sgd',
      policy: 'mixed_float16',
      learningRate: 0.1 / SMALL,
      lossMultiplier: SMALL,
      lossScale: 'dynamic',
    },
  },
  { label: 'Adam, float32, loss × 1', options: { policy: 'float32' } },
  { label: 'Adam, float32, loss × 2^-16', options: { policy: 'float32', lossMultiplier: SMALL } },
];

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const seeds = flag('seeds', 5);
  await useBackend();
  const runs: SeedRun[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (const { label, options } of SCALED_LOSS_VARIANTS) {
      const r = await trainMnist({ ...options, epochs: 1, trainLimit: 10000, seed });
      runs.push({ label, seed, testAccuracy: r.testAccuracy });
      console.log(`seed ${seed} ${label}: ${(100 * r.testAccuracy).toFixed(2)} %`);
    }
  }
  const file: SeedRunsFile = {
    command: `npx tsx scripts/notebooks/scaled_loss_runs.ts --seeds ${seeds}`,
    createdAt: new Date().toISOString(),
    backend: backendInfo().name,
    machine: `${os.cpus().length} CPU cores, ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    setting:
      "the seed's MLP, one epoch on 8 000 of MNIST's training images (trainLimit 10 000), batch 128, test accuracy on " +
      "the 10 000 test images; SGD at learning rate 0.1 (× 2^16 where the loss is × 2^-16), Adam with tfjs's defaults",
    runs,
  };
  fs.writeFileSync(OUT, JSON.stringify(file, null, 1) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

void main();
