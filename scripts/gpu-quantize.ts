/**
 * On the GPU host (bundled by esbuild, see scripts/gpu-bundle.sh): checks the WGSL quantize kernel bit for bit
 * against roundArray on the reference cast vectors and 2^20 probe values, for every float format under 8 option
 * sets, and times it against one tf.add and against the pure-ops path. Prints JSON, and writes it to the file
 * named by the first argument, if any: node quantize.js gpu-quantize.json. Exits with 1 where a cast or the
 * start-up self-test differs (bash .gpu/run.sh then stops): the GPU host's test of the kernel.
 *
 * Timing: k ops are queued, then the first value of the last result is read back (the queue runs in order);
 * an op's time is (t(k=60) − t(k=10)) / 50, which cancels the read-back, median of 7.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { FLOAT_FORMAT_NAMES, fakeCast, useBackend } from '../src/mp';
import { DAWN_TOGGLES } from '../src/mp/backend/webgpu/select_path';
import { selfTestWebGpuQuantize, webGpuQuantize } from '../src/mp/backend/webgpu/quantize_kernel';
import { probeBits, roundMismatches } from '../src/mp/formats/probe_values';
import { resolveRoundOptions, type RoundOptions } from '../src/mp/formats/round_options';

// esbuild inlines the JSON, so the bundle needs no fixture files on the host
const casts = require('../test/fixtures/cast_vectors.json') as Record<string, number[]>;

const OPTION_SETS: RoundOptions[] = (['nearest-even', 'toward-zero'] as const).flatMap((rounding) =>
  (['ieee', 'saturate'] as const).flatMap((overflow) =>
    [false, true].map((flushSubnormals) => ({ rounding, overflow, flushSubnormals })),
  ),
);

interface Check {
  checked: number;
  mismatches: number;
  examples: string[];
}

async function check(inputs: Uint32Array[]): Promise<Record<string, Check>> {
  const out: Record<string, Check> = {};
  for (const name of FLOAT_FORMAT_NAMES) {
    const c: Check = { checked: 0, mismatches: 0, examples: [] };
    for (const bits of inputs) {
      const x = tf.tensor1d(new Float32Array(bits.buffer));
      for (const options of OPTION_SETS) {
        const y = webGpuQuantize(x, name, options);
        const data = (await y.data()) as Float32Array;
        y.dispose();
        const got = new Uint32Array(data.buffer, data.byteOffset, data.length);
        const wrong = roundMismatches(bits, got, name, options);
        c.checked += bits.length;
        c.mismatches += wrong.length;
        for (const i of wrong.slice(0, 3 - c.examples.length)) {
          const hex = (u: number): string => '0x' + u.toString(16).padStart(8, '0');
          c.examples.push(`${JSON.stringify(options)}: ${hex(bits[i]!)} -> ${hex(got[i]!)}`);
        }
      }
      x.dispose();
    }
    out[name] = c;
  }
  return out;
}

/** Milliseconds per op: queue k ops, read one value of the last result; (t(60) − t(10)) / 50, median of 7. */
async function msPerOp(op: () => tf.Tensor): Promise<number> {
  const run = async (k: number): Promise<number> => {
    const t0 = performance.now();
    let y = op();
    for (let i = 1; i < k; i++) {
      y.dispose();
      y = op();
    }
    const first = tf.slice(y, [0], [1]);
    await first.data();
    tf.dispose([y, first]);
    return performance.now() - t0;
  };
  await run(10); // compile and warm up
  const samples: number[] = [];
  for (let r = 0; r < 7; r++) samples.push(((await run(60)) - (await run(10))) / 50);
  return samples.sort((a, b) => a - b)[3]!;
}

async function timing(n: number): Promise<Record<string, number>> {
  const x = tf.randomNormal([n]);
  const ieee = resolveRoundOptions({});
  const result = {
    quantizeMs: await msPerOp(() => webGpuQuantize(x, 'float8_e4m3fn', ieee)),
    addMs: await msPerOp(() => tf.add(x, x)),
    opsPathMs: await msPerOp(() => fakeCast(x, 'float8_e4m3fn', { implementation: 'ops' })),
  };
  x.dispose();
  return {
    ...result,
    quantizeOverAdd: result.quantizeMs / result.addMs,
    opsOverKernel: result.opsPathMs / result.quantizeMs,
  };
}

async function main(): Promise<void> {
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it loads
  const dawn = require('webgpu') as { create(flags: string[]): unknown; globals: object };
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: dawn.create([...DAWN_TOGGLES]) },
    configurable: true,
  });
  require('@tensorflow/tfjs-backend-webgpu');
  const info = await useBackend('webgpu'); // installs the kernel, and uses it if its self-test passes
  const selfTestFailed = await selfTestWebGpuQuantize();
  const formats = await check([Uint32Array.from(casts['input']!), probeBits(1 << 20)]);
  const sizes: Record<string, Record<string, number>> = {};
  for (const n of [1 << 20, 1 << 24]) sizes[n] = await timing(n);
  const exact = Object.values(formats).every((c) => c.mismatches === 0);
  const adapter = info.gpuMatmul?.adapter;
  const json = JSON.stringify(
    { date: new Date().toISOString(), backend: info.summary, adapter, exact, selfTestFailed, formats, timing: sizes },
    null,
    2,
  );
  // Dawn prints shader warnings on stdout, so a report that must parse goes to the file argument
  if (process.argv[2]) fs.writeFileSync(process.argv[2], json + '\n');
  console.log(json);
  if (!exact || selfTestFailed.length > 0) {
    console.error(`the WGSL quantize kernel is not exact on this GPU: ${selfTestFailed.join(', ') || 'see formats'}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
