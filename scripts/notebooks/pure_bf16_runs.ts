/**
 * Writes notebooks/data/pure_bf16_runs.json: the seed's MLP with its weights stored in bfloat16 and updated by
 * round-to-nearest, stochastic rounding or Kahan summation, against float32 master weights (mixed_bfloat16),
 * over several seeds and the full training set: longer than a lesson may run, so lesson 3 reads the file
 * (readSeedRuns) next to its own short live run of the same variants.
 *
 *     npx tsx scripts/notebooks/pure_bf16_runs.ts [--seeds 5] [--epochs 3]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backendInfo, trainMnist, useBackend, type TrainOptions } from '../../src/course/index';
import type { SeedRun, SeedRunsFile } from '../../src/course/data/seed_runs';

const OUT = path.join(__dirname, '..', '..', 'notebooks', 'data', 'pure_bf16_runs.json');

/** The variants: what differs between them. */
export const PURE_BF16_VARIANTS: readonly { label: string; options: TrainOptions }[] = [
  { label: 'float32 master weights (mixed_bfloat16)', options: { policy: 'mixed_bfloat16' } },
  { label: 'bfloat16 weights, round to nearest', options: { policy: 'bfloat16', weightUpdate: 'nearest' } },
  { label: 'bfloat16 weights, stochastic rounding', options: { policy: 'bfloat16', weightUpdate: 'stochastic' } },
  { label: 'bfloat16 weights, Kahan summation', options: { policy: 'bfloat16', weightUpdate: 'kahan' } },
];

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const [seeds, epochs, learningRate] = [flag('seeds', 5), flag('epochs', 3), 1e-4];
  await useBackend();
  const runs: SeedRun[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (const { label, options } of PURE_BF16_VARIANTS) {
      const r = await trainMnist({ ...options, optimizer: 'adam', learningRate, epochs, seed });
      runs.push({ label, seed, testAccuracy: r.testAccuracy });
      console.log(`seed ${seed} ${label}: ${(100 * r.testAccuracy).toFixed(2)} %`);
    }
  }
  const file: SeedRunsFile = {
    command: `npx tsx scripts/notebooks/pure_bf16_runs.ts --seeds ${seeds} --epochs ${epochs}`,
    createdAt: new Date().toISOString(),
    backend: backendInfo().name,
    machine: `${os.cpus().length} CPU cores, ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    setting:
      `the seed's MLP, Adam at learning rate ${learningRate} (tfjs's ε), ${epochs} epoch${epochs === 1 ? '' : 's'} on MNIST's 48 000 training ` +
      'images, batch 128, test accuracy on the 10 000 test images',
    runs,
  };
  fs.writeFileSync(OUT, JSON.stringify(file, null, 1) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

void main();
