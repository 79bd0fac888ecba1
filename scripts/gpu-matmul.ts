/**
 * Times the project's WGSL matmul kernels on raw WebGPU (Dawn, no tfjs), for choosing tiles on the GPU host:
 * each kernel and tile at n³ for n in the sizes given, with TFLOP/s and the largest error on sampled outputs
 * against float64. Inputs are uniform in [-1, 1) rounded to float16, so every kernel's products are exact and
 * the errors show the accumulation alone. Prints one JSON line per run.
 *
 *     node matmul.js [2048 4096 8192] [f32 f16 tc]   (sizes, and kernels by label prefix)
 */
import { DAWN_TOGGLES } from '../src/mp/backend/webgpu/select_path';
import { roundArray } from '../src/mp/formats/round';
import {
  dispatchSize,
  LARGE_TILE,
  MATRIX_TILE,
  matmulShader,
  SMALL_TILE,
  vectorFlags,
  type KernelKind,
  type Tile,
} from '../src/mp/backend/webgpu/wgsl';
import { uniformValues } from './gpu-values';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw WebGPU objects, no DOM types here */
type Any = any;
const STORAGE = 0x80;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const MAP_READ = 0x1;
const UNIFORM = 0x40;

const VARIANTS: { kind: KernelKind; tile: Tile; label: string }[] = [
  { kind: 'f32', tile: LARGE_TILE, label: 'f32 128×128×16, 8×8' },
  { kind: 'f32', tile: { ...LARGE_TILE, BK: 8 }, label: 'f32 128×128×8, 8×8' },
  { kind: 'f32', tile: SMALL_TILE, label: 'f32 64×64×16, 4×4' },
  { kind: 'f16', tile: LARGE_TILE, label: 'f16 128×128×16, 8×8' },
  { kind: 'subgroup-matrix', tile: MATRIX_TILE, label: 'tc 128×128×32, 2×2 subgroups of 64×64' },
  { kind: 'subgroup-matrix', tile: { BM: 128, BN: 128, BK: 32, TM: 64, TN: 32 }, label: 'tc 128×128×32, 2×4 of 64×32' },
  { kind: 'subgroup-matrix', tile: { BM: 128, BN: 128, BK: 32, TM: 32, TN: 64 }, label: 'tc 128×128×32, 4×2 of 32×64' },
  { kind: 'subgroup-matrix', tile: { BM: 128, BN: 256, BK: 32, TM: 64, TN: 64 }, label: 'tc 128×256×32, 2×4 of 64×64' },
  { kind: 'subgroup-matrix', tile: { BM: 64, BN: 64, BK: 32, TM: 32, TN: 32 }, label: 'tc 64×64×32, 2×2 of 32×32' },
  { kind: 'subgroup-matrix', tile: { ...MATRIX_TILE, BK: 64 }, label: 'tc 128×128×64, 2×2 of 64×64' },
];

/** Uniform in [-1, 1), rounded to float16: every kernel's products are then exact. */
function uniform(n: number, seed: number): Float32Array {
  return roundArray(uniformValues(n, seed), 'float16');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const kinds = args.filter((a) => !/^\d+$/.test(a));
  const variants = VARIANTS.filter((v) => kinds.length === 0 || kinds.some((k) => v.label.startsWith(k)));
  const dawn = require('webgpu') as { create(flags: string[]): Any; globals: object };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([...DAWN_TOGGLES]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const wanted = ['shader-f16', 'subgroups', 'chromium-experimental-subgroup-matrix'];
  const device = await adapter.requestDevice({
    requiredFeatures: wanted.filter((f) => adapter.features.has(f)),
    requiredLimits: {
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  console.log(JSON.stringify({ adapter: adapter.info?.description, features: [...device.features] }));
  const buffer = (data: Float32Array | Uint32Array, usage: number): Any => {
    const b = device.createBuffer({ size: data.byteLength, usage: usage | COPY_DST });
    device.queue.writeBuffer(b, 0, data);
    return b;
  };
  for (const n of sizes.length ? sizes : [2048, 4096, 8192]) {
    const av = uniform(n * n, 1);
    const bv = uniform(n * n, 2);
    const A = buffer(av, STORAGE);
    const B = buffer(bv, STORAGE);
    const C = device.createBuffer({ size: 4 * n * n, usage: STORAGE | COPY_SRC });
    const dims = buffer(Uint32Array.from([n, n, n, 0, 0, 1, 0, 0]), UNIFORM);
    for (const v of variants) {
      const code = matmulShader({
        kind: v.kind,
        tile: v.tile,
        transposeA: false,
        transposeB: false,
        bias: false,
        activation: 'linear',
        ...vectorFlags(n, n, n, false, false),
      });
      device.pushErrorScope('validation');
      const module = device.createShaderModule({ code });
      const messages = (await module.getCompilationInfo()).messages.filter((m: Any) => m.type === 'error');
      const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      const group = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [C, A, B, dims].map((b, i) => ({ binding: i, resource: { buffer: b } })),
      });
      const run = async (reps: number): Promise<number> => {
        const t0 = performance.now();
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, group);
        for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(...dispatchSize(v.tile, n, n, 1));
        pass.end();
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        return (performance.now() - t0) / 1000 / reps;
      };
      await run(1);
      const error = await device.popErrorScope();
      if (messages.length || error) {
        const why = messages.map((m: Any) => `${m.lineNum}: ${m.message}`).join('; ') || error.message;
        console.log(JSON.stringify({ n, kernel: v.label, error: why.slice(0, 600) }));
        continue;
      }
      const warm = performance.now();
      while (performance.now() - warm < 500) await run(5);
      const once = await run(3);
      const reps = Math.max(3, Math.min(50, Math.round(0.25 / once)));
      const times = [await run(reps), await run(reps), await run(reps)].sort((x, y) => x - y);
      const tflops = (2 * n ** 3) / times[1]! / 1e12;
      console.log(
        JSON.stringify({ n, kernel: v.label, TFLOPs: +tflops.toFixed(1), maxErr: await check(n, av, bv, C) }),
      );
    }
    [A, B, C, dims].forEach((b) => b.destroy());
  }

  /** Largest |c − ref| / Σ|a·b| over 96 sampled outputs, against float64. */
  async function check(n: number, av: Float32Array, bv: Float32Array, C: Any): Promise<number> {
    const read = device.createBuffer({ size: 4 * n * n, usage: MAP_READ | COPY_DST });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(C, 0, read, 0, 4 * n * n);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(MAP_READ);
    const c = new Float32Array(read.getMappedRange().slice(0));
    read.destroy();
    let worst = 0;
    for (let s = 0; s < 96; s++) {
      const m = (s * 7919 + 3) % n;
      const j = s === 95 ? n - 1 : (s * 104729 + 13) % n;
      let ref = 0;
      let scale = 0;
      for (let k = 0; k < n; k++) {
        ref += av[m * n + k]! * bv[k * n + j]!;
        scale += Math.abs(av[m * n + k]! * bv[k * n + j]!);
      }
      worst = Math.max(worst, Math.abs(c[m * n + j]! - ref) / scale);
    }
    return +worst.toExponential(2);
  }
  void gpu; // Dawn crashes if the instance is collected while the device lives
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
