/**
 * Writes notebooks/data/qat_vs_amp.json for lesson 2: the lesson's float32 baseline (from the run cache, or
 * trained), its channels skewed (skewChannels), then fine-tuned with QAT and under mixed_float16 for several
 * seeds, each converted to int8 and scored on MNIST's test set. About a minute on one core; the lesson only
 * reads the file (readFineTuneComparison).
 *
 *     npx tsx scripts/qat-vs-amp.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { denseStackOf, loadMnist, staticQuantize, trainMnist, useBackend } from '../src/course/index';
import { argmaxAccuracy } from '../src/course/experiments/batches';
import { fineTuneComparison } from '../src/course/experiments/fine_tune';
import { skewChannels } from '../src/course/experiments/skewed_channels';
import { denseForward } from '../src/course/models/stack';
import { L2_BASELINE, L2_SKEW } from '../src/course/experiments/lesson2_setup';

const FINE_TUNE = { limit: 6000, learningRate: 1e-3, calibrationBatches: 10 };
const SEEDS = [0, 1, 2, 3, 4];

async function main(): Promise<void> {
  const backend = await useBackend('wasm');
  const run = await trainMnist({ ...L2_BASELINE, keepModel: true });
  const { stack } = skewChannels(await denseStackOf(run.model!), L2_SKEW);
  run.model!.dispose();
  const { train, test } = loadMnist();
  const batch = 128 * 784;
  const calibration = Array.from({ length: FINE_TUNE.calibrationBatches }, (_, b) =>
    train.images.subarray(b * batch, (b + 1) * batch),
  );
  const logits = stack.reduce((h, l) => denseForward(l, h, test.count), test.images);
  const skewed = {
    floatAccuracy: argmaxAccuracy(logits, test.labels),
    int8Accuracy: argmaxAccuracy(staticQuantize(stack, calibration).predict(test.images, test.count), test.labels),
  };
  const rows = await fineTuneComparison(stack, { ...FINE_TUNE, seeds: SEEDS });
  const file = {
    schema: 1,
    command: 'npx tsx scripts/qat-vs-amp.ts',
    date: new Date().toISOString(),
    backend: backend.summary,
    baseline: { options: L2_BASELINE, testAccuracy: run.testAccuracy },
    skew: L2_SKEW,
    fineTune: FINE_TUNE,
    skewed,
    rows,
  };
  const out = path.join(__dirname, '..', 'notebooks', 'data', 'qat_vs_amp.json');
  fs.writeFileSync(out, JSON.stringify(file, null, 1) + '\n');
  console.log(`wrote ${out}: ${rows.length} runs`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
