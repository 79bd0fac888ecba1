/**
 * Runs on a machine with an NVIDIA GPU and the `webgpu` package (Dawn for Node), bundled with esbuild
 * (see docs/gpu.md in this repository for the recipe): selects the WebGPU backend
 * through useBackend, checks that quantize's pure-ops path there gives the same values as the exact rounding
 * (roundArray) for every float format, and measures a float32 matmul. Prints JSON.
 */
import * as tf from '@tensorflow/tfjs';
import { FLOAT_FORMAT_NAMES, quantize, roundArray, useBackend } from '../src/mp';

async function main(): Promise<void> {
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it loads, and this script is
  // bundled (esbuild), so set navigator.gpu from Dawn first, then load the backend into the bundle's tfjs.
  const dawn = require('webgpu') as { create(flags: string[]): unknown; globals: object };
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.create([]) }, configurable: true });
  require('@tensorflow/tfjs-backend-webgpu');
  const info = await useBackend('webgpu');
  const n = 1 << 20;
  // values across many binades, with exact ties and subnormals of the narrow formats
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 2 ** ((i % 60) - 30));
  const formats: Record<string, { mismatches: number; example?: string }> = {};
  for (const name of FLOAT_FORMAT_NAMES) {
    const want = roundArray(x, name);
    const input = tf.tensor1d(x);
    const y = quantize(input, name);
    const got = await y.data(); // WebGPU reads back asynchronously (its dataSync needs OffscreenCanvas)
    tf.dispose([input, y]);
    let mismatches = 0;
    let example: string | undefined;
    for (let i = 0; i < n; i++) {
      const same =
        Object.is(got[i], want[i]) ||
        (Number.isNaN(got[i]!) && Number.isNaN(want[i]!)) ||
        (got[i] === 0 && want[i] === 0);
      if (!same) {
        mismatches++;
        example ??= `${x[i]} -> ${got[i]}, exact ${want[i]}`;
      }
    }
    formats[name] = { mismatches, ...(example ? { example } : {}) };
  }
  const size = 2048;
  const a = tf.randomNormal([size, size]);
  const product = async (): Promise<void> => {
    const c = tf.matMul(a, a);
    await c.data();
    c.dispose();
  };
  for (let i = 0; i < 3; i++) await product();
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) await product();
  const tflops = (2 * size ** 3 * 10) / ((performance.now() - t0) / 1000) / 1e12;
  console.log(
    JSON.stringify(
      {
        backend: info.summary,
        adapter: (tf.backend() as unknown as { adapterInfo?: unknown }).adapterInfo,
        formats,
        matmul2048_fp32_TFLOPs: tflops,
      },
      null,
      2,
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
