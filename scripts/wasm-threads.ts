/**
 * npx tsx scripts/wasm-threads.ts --threads N [--policy P] [--limit N]
 *
 * Trains the seed's MLP for one epoch on the wasm backend with N XNNPACK threads (1: the single-threaded build)
 * and prints one JSON line: the threads running, the epoch's seconds (after a short warm-up run), a 512² matmul's
 * speed, and a digest of the trained weights' bits. A process runs one wasm build, so the bench and the tests
 * compare thread counts through this script (runThreads), one process each.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as path from 'path';
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs';
import { timeAlternating } from '../bench/timing';
import { fakeCast, trainMnist, useBackend } from '../src/course/index';
import { ampKernels } from '../src/mp/formats/simd/amp_simd';
import { roundsOnHeap } from '../src/mp/formats/simd/simd_round';
import { activeWasmBackend, wasmHeap } from '../src/mp/tfjs_internals';

export interface ThreadsRun {
  readonly threads: number;
  readonly summary: string;
  /** Whether the project's SIMD kernels (rounding, and the training step's) run on the backend's heap. */
  readonly simdKernels: boolean;
  readonly seconds: number;
  /** A 512×512 float32 matmul, GFLOP/s (median of 15 rounds of 10). */
  readonly matmulGflops: number;
  readonly loss: number;
  readonly testAccuracy: number;
  /** SHA-256 of every trained weight's float32 bits, layer by layer. */
  readonly weights: string;
}

/** Runs this script in a process of its own; the JSON it prints, or the error it wrote. */
export function runThreads(threads: number, args: string[] = []): ThreadsRun | string {
  const tsx = path.join(__dirname, '../node_modules/.bin/tsx');
  const r = spawnSync(tsx, [__filename, '--threads', String(threads), ...args], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return `wasm-threads.ts --threads ${threads} ${args.join(' ')} failed: ${r.stderr.slice(-800)}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ThreadsRun;
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
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new Error(`--limit ${values.limit}: a count`);
  const info = await useBackend('wasm', { threads: Number(values.threads) });
  await trainMnist({ policy: values.policy!, epochs: 1, trainLimit: 2048 }); // warm-up: compile and JIT
  const result = await trainMnist({
    policy: values.policy!,
    epochs: 1,
    keepModel: true,
    ...(limit === undefined ? {} : { trainLimit: limit }),
  });
  const hash = createHash('sha256');
  for (const w of result.model!.getWeights()) hash.update(new Uint8Array((await w.data()).buffer));
  result.model!.dispose();
  const heap = wasmHeap(activeWasmBackend());
  tf.tidy(() => fakeCast(tf.ones([16]), 'float16')); // binds the rounding kernel, which float32 training never runs
  const run: ThreadsRun = {
    threads: info.wasmThreads!,
    summary: info.summary,
    simdKernels: roundsOnHeap(heap) && ampKernels(heap) !== null,
    seconds: result.seconds,
    matmulGflops: matmulGflops(512),
    loss: result.epochs[0]!.loss,
    testAccuracy: result.testAccuracy,
    weights: hash.digest('hex'),
  };
  console.log(JSON.stringify(run));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
