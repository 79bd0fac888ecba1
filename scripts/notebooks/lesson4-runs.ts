/**
 * Precomputes lesson 4's slow runs into notebooks/data/lesson4_runs.json, which the lesson reads instead of
 * training them (its budget is 30 s): the seed's double softmax and its two fixes on MNIST, and the transformer
 * block trained with each autocast rule moved to float16, each over several seeds to show the spread.
 *
 *     npx tsx scripts/notebooks/lesson4-runs.ts          # about 10 minutes on a 2-core machine
 *     npx tsx scripts/notebooks/lesson4-runs.ts --block  # the block's runs only, keeping the file's MNIST runs
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useBackend, backendInfo } from '../../src/mp/index';
import { trainBlock, REVERSAL_TASK, type BlockTrainOptions } from '../../src/course/experiments/block_training';
import { loadMnist } from '../../src/course/experiments/mnist';
import { accuracy, MNIST_MLP } from '../../src/course/experiments/seed_mlp';
import { seedKerasModel, SEED_OUTPUT_VARIANTS } from '../../src/course/experiments/seed_keras';
import { FitProgress } from '../../src/course/viz/training';

const OUT = path.join(__dirname, '..', '..', 'notebooks', 'data', 'lesson4_runs.json');
const SEEDS = [0, 1, 2];
/** The seed's recipe on the first 6 000 training images (4 800 train, 1 200 validate), 2 epochs. */
const DOUBLE_SOFTMAX = {
  images: 6000,
  epochs: 2,
  batchSize: MNIST_MLP.batchSize,
  validationSplit: 0.2,
  policy: 'mixed_bfloat16',
};

async function doubleSoftmax() {
  const mnist = loadMnist();
  const n = DOUBLE_SOFTMAX.images;
  const x = tf.tensor2d(mnist.train.images.subarray(0, n * 784), [n, 784]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(mnist.train.labels.subarray(0, n), 'int32'), 10).toFloat());
  const runs = [];
  for (const v of SEED_OUTPUT_VARIANTS) {
    for (const seed of SEEDS) {
      const model = seedKerasModel(DOUBLE_SOFTMAX.policy, v.output, 2 * seed);
      model.compile({ optimizer: tf.train.adam(MNIST_MLP.learningRate), loss: v.loss, metrics: ['accuracy'] });
      const rec = new FitProgress(v.label, { show: false });
      const { epochs, batchSize, validationSplit } = DOUBLE_SOFTMAX;
      await model.fit(x, y, { epochs, batchSize, validationSplit, callbacks: rec, verbose: 0 });
      const testAccuracy = await accuracy(model, mnist.test.images, mnist.test.labels);
      runs.push({ variant: v.label, seed, losses: rec.points, valAccuracy: rec.valAccuracy, testAccuracy });
      model.dispose();
      console.log(v.label, seed, testAccuracy);
    }
  }
  tf.dispose([x, y]);
  return { setup: DOUBLE_SOFTMAX, runs };
}

/** Each rule the block's ops take from the autocast table, moved to float16 one at a time, then all together. */
const BLOCK_CONFIGS: { label: string; options: BlockTrainOptions }[] = [
  { label: 'float32', options: { policy: 'float32' } },
  { label: 'mixed_float16, the table as is', options: { policy: 'mixed_float16' } },
  { label: 'softmax in float16', options: { policy: 'mixed_float16', changes: { softmax: 'compute' } } },
  { label: 'layer_norm in float16', options: { policy: 'mixed_float16', changes: { layer_norm: 'compute' } } },
  { label: 'cross_entropy in float16', options: { policy: 'mixed_float16', changes: { cross_entropy: 'compute' } } },
  { label: 'add (residual) in float16', options: { policy: 'mixed_float16', changes: { add: 'compute' } } },
  {
    label: 'all four in float16',
    options: {
      policy: 'mixed_float16',
      changes: { softmax: 'compute', layer_norm: 'compute', cross_entropy: 'compute', add: 'compute' },
    },
  },
  { label: 'mixed_bfloat16, the table as is', options: { policy: 'mixed_bfloat16' } },
];

async function blockFlips() {
  const runs = [];
  for (const c of BLOCK_CONFIGS) {
    for (const seed of SEEDS) {
      const r = await trainBlock({ ...c.options, seed, every: 10 });
      runs.push({
        config: c.label,
        seed,
        losses: r.losses,
        accuracy: r.accuracy,
        evalLoss: r.evalLoss,
        skipped: r.skipped,
      });
      console.log(c.label, seed, r.accuracy, r.evalLoss, r.skipped);
    }
  }
  return { task: REVERSAL_TASK, configs: BLOCK_CONFIGS, runs };
}

/** Where, when and how a section of the file was produced. */
function provenance(command: string) {
  return {
    command,
    date: new Date().toISOString().slice(0, 10),
    backend: backendInfo().summary,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
    seeds: SEEDS,
  };
}

async function main(): Promise<void> {
  await useBackend('wasm');
  const blockOnly = process.argv.includes('--block');
  const command = `npx tsx scripts/notebooks/lesson4-runs.ts${blockOnly ? ' --block' : ''}`;
  const kept = blockOnly ? JSON.parse(fs.readFileSync(OUT, 'utf8')) : undefined;
  const data = {
    generated: kept ? kept.generated : provenance(command),
    doubleSoftmax: kept ? kept.doubleSoftmax : await doubleSoftmax(),
    block: { generated: provenance(command), ...(await blockFlips()) },
  };
  fs.writeFileSync(OUT, JSON.stringify(data, null, 1) + '\n');
  console.log(`wrote ${OUT}`);
}

void main();
