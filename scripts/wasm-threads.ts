/**
 * npx tsx scripts/wasm-threads.ts --threads N [--policy P] [--limit N]
 *
 * Trains the seed's MLP for one epoch on the wasm backend with N XNNPACK threads (1: the single-threaded
 * build) and prints one JSON line: the threads running, the epoch's seconds (after a short warm-up run), a
 * 512² matmul's speed, and a digest of the trained weights' bits. A process runs one wasm build, so the bench and the tests compare thread counts through
 * this script, one process each.
 */
import { createHash } from 'crypto';
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs';
import { trainMnist, useBackend } from '../src/mp';
import { ampKernels } from '../src/mp/formats/simd/amp_simd';
import { wasmHeap, type WasmBackend } from '../src/mp/ops/cpu_wasm';
import { timeAlternating } from '../bench/timing';

export interface ThreadsRun {
  readonly threads: number;
  readonly summary: string;
  /** Whether the project's SIMD kernels bound to the backend's heap (shared in the threaded build). */
  readonly simdKernels: boolean;
  readonly seconds: number;
  /** A 512×512 float32 matmul, GFLOP/s (median of 15 rounds of 10). */
  readonly matmulGflops: number;
  readonly loss: number;
  readonly testAccuracy: number;
  /** SHA-256 of every trained weight's float32 bits, layer by layer. */
  readonly weights: string;
}

function matmulGflops(n: number): number {
  const [a, b] = [1, 2].map((seed) => tf.randomUniform([n, n], -1, 1, 'float32', seed));
  const [t] = timeAlternating([() => tf.matMul(a!, b!).dispose()], 15, 10);
  tf.dispose([a!, b!]);
  return (2 * n ** 3) / t!.seconds / 1e9;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      threads: { type: 'string', default: '1' },
      policy: { type: 'string', default: 'float32' },
      limit: { type: 'string' },
    },
  });
  const info = await useBackend('wasm', { threads: Number(values.threads) });
  await trainMnist({ policy: values.policy!, epochs: 1, trainLimit: 2048 }); // warm-up: compile and JIT
  const result = await trainMnist({
    policy: values.policy!,
    epochs: 1,
    keepModel: true,
    ...(values.limit === undefined ? {} : { trainLimit: Number(values.limit) }),
  });
  const hash = createHash('sha256');
  for (const w of result.model!.getWeights()) hash.update(new Uint8Array((await w.data()).buffer));
  result.model!.dispose();
  const run: ThreadsRun = {
    threads: info.wasmThreads!,
    summary: info.summary,
    simdKernels: ampKernels(wasmHeap(tf.backend() as unknown as WasmBackend)) !== null,
    seconds: result.seconds,
    matmulGflops: matmulGflops(512),
    loss: result.epochs[0]!.loss,
    testAccuracy: result.testAccuracy,
    weights: hash.digest('hex'),
  };
  console.log(JSON.stringify(run));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
