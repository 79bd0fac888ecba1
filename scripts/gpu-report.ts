/**
 * The GPU host's report (docs/gpu.md has the commands). On the WebGPU backend with the project's kernels:
 * matmul TFLOP/s of each kernel against float64 on sampled outputs and against PyTorch on the same GPU;
 * trainMnist under every policy on WebGPU and on wasm (same seed); steps of a 4096-wide MLP of MixedDense
 * layers under each policy next to PyTorch autocast. Writes the whole report, and with --summary a small
 * JSON for lesson 5 (notebooks/data/webgpu_h200.json).
 *
 *     node report.js out.json [--torch gpu-torch.json] [--device gpu-device.txt] [--quantize gpu-quantize.json]
 *                    [--summary s.json] [--quick] [--parts matmul,ops,wide,mnist]
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import { parseArgs } from 'util';
import { LossScaleOptimizer } from '../src/mp/amp/optimizer';
import { DynamicLossScaler, DisabledLossScaler } from '../src/mp/amp/loss_scaler';
import { MixedDense } from '../src/mp/amp/layers';
import { policy as toPolicy, POLICY_NAMES } from '../src/mp/amp/policy';
import { roundArray } from '../src/mp/formats/round';
import { fakeCast } from '../src/mp/ops/quantize';
import { reduceAll } from '../src/mp/ops/reduce';
import { useBackend } from '../src/mp/backend/select';
import { trainMnist } from '../src/course/experiments/train';
import { gpuMatmulInfo, matMulWith } from '../src/mp/backend/webgpu/kernels';
import { DAWN_TOGGLES } from '../src/mp/backend/webgpu/select_path';
import type { KernelKind } from '../src/mp/backend/webgpu/wgsl';
import { uniformValues } from './gpu-values';

const PARTS = ['matmul', 'ops', 'wide', 'mnist'];
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    torch: { type: 'string' },
    device: { type: 'string' },
    summary: { type: 'string' },
    quantize: { type: 'string' },
    parts: { type: 'string', default: PARTS.join(',') },
  },
});
const quick = opts.quick!;
const parts = new Set(opts.parts!.split(','));
const unknownParts = [...parts].filter((p) => !PARTS.includes(p));
if (unknownParts.length) throw new Error(`Unknown --parts ${unknownParts.join(', ')}. Parts: ${PARTS.join(', ')}.`);
const outFile = positionals[0];

async function sync(t: tf.Tensor): Promise<void> {
  const one = tf.slice(tf.reshape(t, [-1]), [0], [1]);
  await one.data();
  one.dispose();
}

interface Check {
  /** max over samples of |c − ref| / Σ|a·b|, against float64 of the float32 inputs */
  maxErr: number;
  /** the same against float64 of the inputs rounded to float16 (what f16 kernels should match) */
  maxErrF16Inputs: number;
}

/** Compares sampled outputs of C = A·B (A M×K, B K×N, row-major) with float64 sums. */
async function check(c: tf.Tensor, a: Float32Array, b: Float32Array, M: number, K: number, N: number): Promise<Check> {
  // whole rows, read with slice (a gather over a 2^26-element tensor misbehaved on webgpu at 8192²)
  const rowsWanted = [0, Math.floor(M / 3), M - 1];
  const got: number[] = [];
  const idx: (readonly [number, number])[] = [];
  for (const m of rowsWanted) {
    const row = tf.slice(c, [m, 0], [1, N]);
    const values = await row.data();
    row.dispose();
    for (let s = 0; s < 64; s++) {
      const n = s === 63 ? N - 1 : (s * 104729 + 13) % N;
      idx.push([m, n]);
      got.push(values[n]!);
    }
  }
  let maxErr = 0;
  let maxErrF16Inputs = 0;
  idx.forEach(([m, n], s) => {
    const row = a.subarray(m * K, (m + 1) * K);
    const col = Float32Array.from({ length: K }, (_, k) => b[k * N + n]!);
    const row16 = roundArray(row, 'float16');
    const col16 = roundArray(col, 'float16');
    let ref = 0;
    let ref16 = 0;
    let scale = 0;
    for (let k = 0; k < K; k++) {
      ref += row[k]! * col[k]!;
      ref16 += row16[k]! * col16[k]!;
      scale += Math.abs(row[k]! * col[k]!);
    }
    maxErr = Math.max(maxErr, Math.abs(got[s]! - ref) / scale);
    maxErrF16Inputs = Math.max(maxErrF16Inputs, Math.abs(got[s]! - ref16) / scale);
  });
  return { maxErr: +maxErr.toExponential(2), maxErrF16Inputs: +maxErrF16Inputs.toExponential(2) };
}

/**
 * Seconds per call of run(), after 0.5 s of warm-up (clocks ramp up): the median of 3 timings of about 0.3 s
 * each, each synchronised on its last result.
 */
async function timeOp(run: () => tf.Tensor): Promise<{ seconds: number; last: tf.Tensor }> {
  let c = run();
  await sync(c);
  const warm = performance.now();
  let calls = 0;
  while (performance.now() - warm < 500) {
    c.dispose();
    c = run();
    await sync(c);
    calls++;
  }
  const reps = Math.max(3, Math.round(300 / ((performance.now() - warm) / calls)));
  const times: number[] = [];
  for (let t = 0; t < 3; t++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) {
      c.dispose();
      c = run();
    }
    await sync(c);
    times.push((performance.now() - t0) / 1000 / reps);
  }
  return { seconds: times.sort((x, y) => x - y)[1]!, last: c };
}

/** ms per op of the element-wise, reduction and layout ops a 4096-wide training step runs, on 4096² values. */
async function opCosts() {
  const n = 4096;
  const x = tf.tensor2d(uniformValues(n * n, 7), [n, n]);
  const w = tf.tensor2d(uniformValues(n * n, 8), [n, n]);
  const ops: Record<string, () => tf.Tensor> = {
    'matMul (f32 kernel)': () => matMulWith('f32', x, w),
    'matMul (tensor cores)': () => matMulWith('subgroup-matrix', x, w),
    transpose: () => tf.transpose(x),
    add: () => tf.add(x, w),
    'fakeCast float16': () => fakeCast(x, 'float16'),
    'relu gradient': () => tf.mul(x, tf.step(w)),
    'sum over rows (bias gradient)': () => tf.sum(x, 0),
    'mean of all': () => tf.mean(x),
    'mean of all, rows first (reduceAll)': () => reduceAll(x, 'mean'),
    'all finite': () => tf.all(tf.isFinite(x)),
    'all finite, rows first (reduceAll)': () => reduceAll(tf.isFinite(x), 'all'),
  };
  const rows = [];
  for (const [op, run] of Object.entries(ops)) {
    const { seconds, last } = await timeOp(() => tf.tidy(run)); // frees each call's intermediates
    last.dispose();
    rows.push({ op, ms: +(seconds * 1000).toFixed(3) });
    console.error(`op ${op}: ${(seconds * 1000).toFixed(3)} ms`);
  }
  tf.dispose([x, w]);
  return rows;
}

async function matmulTable(kinds: (KernelKind | 'tfjs')[]) {
  const rows: Record<string, unknown>[] = [];
  // a ragged shape and a transposed one, to check the edges and the index maths
  for (const [M, K, N] of [
    [1000, 777, 513],
    [130, 4096, 70],
  ] as const) {
    const av = uniformValues(M * K, 1);
    const bv = uniformValues(K * N, 2);
    const a = tf.tensor2d(av, [M, K]);
    const b = tf.tensor2d(bv, [K, N]);
    const bt = tf.transpose(b);
    for (const kind of kinds) {
      const c = matMulWith(kind, a, b);
      const ct = matMulWith(kind, a, bt, false, true);
      rows.push({
        kernel: kind,
        M,
        K,
        N,
        ...(await check(c, av, bv, M, K, N)),
        transposedB: await check(ct, av, bv, M, K, N),
      });
      tf.dispose([c, ct]);
    }
    tf.dispose([a, b, bt]);
  }
  for (const n of quick ? [1024, 2048] : [2048, 4096, 8192]) {
    const av = uniformValues(n * n, 3);
    const bv = uniformValues(n * n, 4);
    const a = tf.tensor2d(av, [n, n]);
    const b = tf.tensor2d(bv, [n, n]);
    for (const kind of kinds) {
      if (kind === 'tfjs' && n > 4096) continue; // stock tfjs takes ~0.25 s per 8192³ product
      const { seconds, last } = await timeOp(() => matMulWith(kind, a, b));
      const TFLOPs = +((2 * n ** 3) / seconds / 1e12).toFixed(1);
      rows.push({ kernel: kind, M: n, K: n, N: n, TFLOPs, ...(await check(last, av, bv, n, n, n)) });
      last.dispose();
      console.error(`matmul ${n} ${kind}: ${TFLOPs} TFLOP/s`);
    }
    tf.dispose([a, b]);
  }
  return rows;
}

/** The parts of bench/gpu_torch.py's output (the schema of notebooks/data/h200_speed.json) this report reads. */
interface TorchFigures {
  matmul: { rows: { n: number; dtype: string; TFLOPs: number }[] };
  mnistEpoch?: { rows: { policy: string; secondsPerEpoch: number; testAccuracy: number }[] };
  wideMlp: { rows: { policy: string; msPerStep: number }[] };
}

/** The targets' ratios at each size: f32 against torch fp32, tensor cores against f32 and against torch fp16. */
function ratios(rows: Record<string, unknown>[], torch: TorchFigures | null) {
  const at = (kernel: string, n: number): number | undefined =>
    rows.find((r) => r['kernel'] === kernel && r['M'] === n && r['TFLOPs'] !== undefined)?.['TFLOPs'] as number;
  const torchAt = (dtype: string, n: number) => torch?.matmul.rows.find((r) => r.dtype === dtype && r.n === n)?.TFLOPs;
  const ratio = (x?: number, y?: number): number | null => (x && y ? +(x / y).toFixed(2) : null);
  const sizes = [...new Set(rows.filter((r) => r['TFLOPs'] !== undefined).map((r) => r['M'] as number))];
  return sizes.map((n) => ({
    n,
    f32: at('f32', n),
    tensorCores: at('subgroup-matrix', n),
    torchFp32: torchAt('float32', n),
    torchFp16: torchAt('float16', n),
    f32VsTorchFp32: ratio(at('f32', n), torchAt('float32', n)),
    tensorCoresVsF32: ratio(at('subgroup-matrix', n), at('f32', n)),
    tensorCoresVsTorchFp16: ratio(at('subgroup-matrix', n), torchAt('float16', n)),
  }));
}

/** trainMnist under every policy on one backend: the library's own loop, seed 0. */
async function mnistTable(backend: 'webgpu' | 'wasm') {
  await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {}); // wasm: one core, as lesson 5's table says
  const rows = [];
  for (const policy of POLICY_NAMES) {
    const r = await trainMnist({ policy, epochs: 1, seed: 0 });
    rows.push({
      backend,
      policy,
      testAccuracy: r.testAccuracy,
      secondsPerEpoch: r.epochs.map((e) => +e.seconds.toFixed(2)),
      skippedSteps: r.scaler.skipped,
    });
    console.error(
      `mnist ${backend} ${policy}: ${r.epochs.map((e) => e.seconds.toFixed(1))} s/epoch, ${r.testAccuracy}`,
    );
  }
  return rows;
}

/**
 * One step under tf.profile: GPU time per tfjs kernel (timestamp queries), summed by kernel name, largest
 * first. The project's own kernels (matmul, quantize) record no timestamps and show 0.
 */
async function profileStep(step: () => tf.Scalar) {
  const info = await tf.profile(() => step());
  const byName = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += Number(await k.kernelTimeMs) || 0;
    byName.set(k.name, e);
  }
  return [...byName]
    .map(([kernel, e]) => ({ kernel, calls: e.calls, ms: +e.ms.toFixed(3) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 12);
}

/** Median ms per step over 3 runs of a few steps each, after 3 warm-up steps, synchronised on the last loss. */
async function msPerStep(step: () => tf.Scalar): Promise<number> {
  const run = async (steps: number): Promise<number> => {
    const t0 = performance.now();
    let last: tf.Scalar | null = null;
    for (let i = 0; i < steps; i++) {
      last?.dispose();
      last = step();
    }
    await last!.data();
    last!.dispose();
    return (performance.now() - t0) / steps;
  };
  await run(3); // compiles every pipeline, then clocks ramp up
  const steps = quick ? 2 : 5;
  const times = [await run(steps), await run(steps), await run(steps)];
  return times.sort((a, b) => a - b)[1]!;
}

/**
 * The same step with plain tf.matMul layers and tf.train.sgd, as a baseline for the library's MixedDense and
 * LossScaleOptimizer; its loss is the same reduceAll, so the two differ only there.
 */
async function plainStep() {
  const width = 4096;
  const ws = [1, 2, 3].map((s) => tf.variable(tf.randomUniform([width, width], -0.03, 0.03, 'float32', s)));
  const x = tf.tensor2d(uniformValues(width * width, 5), [width, width]);
  const opt = tf.train.sgd(1e-3);
  const forward = (): tf.Tensor =>
    ws.reduce((h, w, i) => (i < 2 ? tf.relu(tf.matMul(h, w)) : tf.matMul(h, w)), x as tf.Tensor);
  const step = (): tf.Scalar => opt.minimize(() => reduceAll(tf.square(forward()), 'mean'), true)!;
  const ms = await msPerStep(step);
  tf.dispose([...ws, x]);
  opt.dispose();
  console.error(`wide MLP plain tfjs: ${ms.toFixed(1)} ms/step`);
  return { policy: 'float32, plain tfjs (tf.matMul, tf.train.sgd)', msPerStep: +ms.toFixed(2) };
}

/** ms/step of a 4096-wide, 3-layer MLP of MixedDense layers (batch 4096, SGD, loss scaling as the policy asks). */
async function wideStep(policyName: string) {
  const width = 4096;
  const p = toPolicy(policyName);
  const model = tf.sequential({
    layers: [
      new MixedDense({ units: width, activation: 'relu', policy: p, inputShape: [width], seed: 1 }),
      new MixedDense({ units: width, activation: 'relu', policy: p, seed: 2 }),
      new MixedDense({ units: width, policy: p, seed: 3 }),
    ],
  });
  const x = tf.tensor2d(uniformValues(width * width, 5), [width, width]);
  const scaler = p.needsLossScaling ? new DynamicLossScaler() : new DisabledLossScaler();
  const opt = new LossScaleOptimizer(tf.train.sgd(1e-3), scaler, p.variable);
  const step = (): tf.Scalar => opt.minimize(() => reduceAll(tf.square(model.apply(x) as tf.Tensor), 'mean'), true)!;
  const ms = await msPerStep(step);
  const profile = await profileStep(step);
  tf.dispose(x);
  model.dispose();
  opt.dispose();
  console.error(`wide MLP ${policyName}: ${ms.toFixed(1)} ms/step`);
  return { policy: policyName, msPerStep: +ms.toFixed(2), profile };
}

async function main(): Promise<void> {
  // Dawn with the toggles that expose f16 and subgroup matrices, then tfjs-backend-webgpu into this bundle.
  const dawn = require('webgpu') as { create(flags: string[]): unknown; globals: object };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([...DAWN_TOGGLES]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  require('@tensorflow/tfjs-backend-webgpu');
  const backend = await useBackend('webgpu');
  const info = gpuMatmulInfo();
  console.error(backend.summary);
  const torch = opts.torch ? (JSON.parse(fs.readFileSync(opts.torch, 'utf8')) as TorchFigures) : null;
  const kinds: (KernelKind | 'tfjs')[] = ['tfjs', 'f32'];
  if (info?.features.includes('shader-f16') && !info.rejected['f16']) kinds.push('f16');
  if (info?.path === 'subgroup-matrix') kinds.push('subgroup-matrix');
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    device: opts.device ? fs.readFileSync(opts.device, 'utf8').trim() : info?.adapter,
    toggles: DAWN_TOGGLES,
    tfjs: tf.version.tfjs,
    backend: backend.summary,
    gpuMatmul: info,
  };
  if (opts.quantize) report['quantize'] = quantizeSummary(JSON.parse(fs.readFileSync(opts.quantize, 'utf8')));
  const save = (): void => {
    if (outFile) fs.writeFileSync(outFile, JSON.stringify(report, null, 1));
    if (opts.summary) fs.writeFileSync(opts.summary, JSON.stringify(summary(report, torch), null, 1) + '\n');
  };
  if (parts.has('matmul')) {
    const matmul = await matmulTable(kinds);
    report['matmul'] = matmul;
    report['matmulRatios'] = ratios(matmul, torch);
    save();
  }
  if (parts.has('wide')) {
    report['wideMlp'] = [await plainStep()];
    for (const p of POLICY_NAMES) (report['wideMlp'] as unknown[]).push(await wideStep(p));
    save();
  }
  if (parts.has('mnist')) {
    report['mnist'] = [...(await mnistTable('webgpu')), ...(await mnistTable('wasm'))];
    save();
  }
  // last: on Dawn in Node, thousands of small uploads in a row have failed to map ("createBuffer failed to
  // allocate a buffer mapped at creation")
  if (parts.has('ops')) {
    await useBackend('webgpu');
    report['opCosts'] = await opCosts();
    save();
  }
  console.log(JSON.stringify(report, null, 1));
}

/** scripts/gpu-quantize.ts's result, in brief: values checked and mismatches per format, time against tf.add. */
function quantizeSummary(q: {
  exact: boolean;
  formats: Record<string, { checked: number; mismatches: number }>;
  timing: Record<string, { quantizeOverAdd: number; opsOverKernel: number }>;
}) {
  const checked = Object.values(q.formats).reduce((s, c) => s + c.checked, 0);
  const mismatches = Object.values(q.formats).reduce((s, c) => s + c.mismatches, 0);
  const timing = Object.entries(q.timing).map(([n, t]) => ({
    elements: Number(n),
    quantizeOverAdd: +t.quantizeOverAdd.toFixed(2),
    opsPathOverKernel: +t.opsOverKernel.toFixed(1),
  }));
  return { exact: q.exact, formats: Object.keys(q.formats).length, checked, mismatches, timing };
}

/**
 * The small file lesson 5 reads: where it was measured, the matmul ratios, the two training tables. With
 * --parts, the parts measured now replace theirs in an existing summary, and the others are kept.
 */
function summary(report: Record<string, unknown>, torch: TorchFigures | null) {
  const now = Object.fromEntries(Object.entries(measured(report, torch)).filter(([, v]) => v != null));
  if (PARTS.every((p) => parts.has(p)) || !fs.existsSync(opts.summary!)) return now;
  // a partial run: the date and device stay the full run's, and `updated` says when a part was measured again
  const previous = JSON.parse(fs.readFileSync(opts.summary!, 'utf8')) as { updated?: object };
  const fresh = Object.fromEntries(Object.entries(now).filter(([k]) => !HEADER.includes(k)));
  const updated = { ...previous.updated, ...Object.fromEntries([...parts].map((p) => [p, report['date']])) };
  return { ...previous, ...fresh, updated };
}

/** The summary's fields that describe the whole run rather than one part. */
const HEADER = ['date', 'device', 'toggles', 'tfjs', 'backend', 'torch'];

function measured(report: Record<string, unknown>, torch: TorchFigures | null) {
  const { date, device, toggles, tfjs, backend } = report;
  return {
    date,
    device,
    toggles,
    tfjs,
    backend,
    torch: torch
      ? {
          mnist: torch.mnistEpoch?.rows.map((r) => ({ ...r, secondsPerEpoch: [r.secondsPerEpoch] })),
          wideMlp: torch.wideMlp.rows.map(({ policy, msPerStep }) => ({ policy, msPerStep })),
        }
      : null,
    matmul: report['matmulRatios'],
    opCosts: report['opCosts'],
    quantize: report['quantize'],
    mnist: report['mnist'],
    wideMlp: (report['wideMlp'] as { policy: string; msPerStep: number }[] | undefined)?.map(
      ({ policy, msPerStep }) => ({
        policy,
        msPerStep,
      }),
    ),
  };
}

main()
  .then(() => process.exit(0)) // Dawn's instance would keep Node alive
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
