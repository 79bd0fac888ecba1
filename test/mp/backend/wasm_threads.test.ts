/**
 * The wasm backend's threaded build in Node (backend/wasm_threads.ts). A process runs one build, so each
 * thread count trains in its own process (scripts/wasm-threads.ts).
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import type { ThreadsRun } from '../../../scripts/wasm-threads';
import { BackendError, defaultWasmThreads, MAX_WASM_THREADS, OptionError, useBackend } from '../../../src/mp';

const ROOT = path.join(__dirname, '../../..');

function train(threads: number): ThreadsRun {
  const args = [
    'scripts/wasm-threads.ts',
    '--threads',
    String(threads),
    '--policy',
    'mixed_float16',
    '--limit',
    '4096',
  ];
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, `wasm-threads.ts --threads ${threads} (it must exit by itself): ${r.stderr}`).to.equal(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ThreadsRun;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => null,
    (err: unknown) => err as Error,
  );
  expect(e, 'expected a rejection').to.be.instanceOf(Error);
  return e!;
}

describe('the wasm backend with threads', () => {
  it('trains mixed_float16 on 2 threads to the bits of the single-threaded build, its SIMD kernels on the shared heap', function () {
    this.timeout(240_000);
    const [one, two] = [train(1), train(2)];
    expect(one.threads).to.equal(1);
    expect(two.threads).to.equal(2);
    expect(two.summary).to.contain('SIMD, 2 threads');
    expect([one.simdKernels, two.simdKernels]).to.deep.equal([true, true]);
    expect(two.weights, 'SHA-256 of the trained weights').to.equal(one.weights);
    expect(two.loss).to.equal(one.loss);
    expect(two.testAccuracy).to.equal(one.testAccuracy);
    expect(one.testAccuracy).to.be.above(0.7); // it learned: 4096 images, one epoch
  });

  it('takes 1 to 8 threads, and says so otherwise', async () => {
    for (const threads of [0, 1.5, MAX_WASM_THREADS + 1]) {
      const e = await rejection(useBackend('wasm', { threads }));
      expect(e).to.be.instanceOf(OptionError);
      expect(e.message).to.contain(`from 1 to ${MAX_WASM_THREADS}`);
    }
    const saved = process.env.MP_WASM_THREADS;
    process.env.MP_WASM_THREADS = 'many';
    try {
      const e = await rejection(useBackend('wasm'));
      expect(e).to.be.instanceOf(OptionError);
      expect(e.message).to.contain('MP_WASM_THREADS=many');
    } finally {
      if (saved === undefined) delete process.env.MP_WASM_THREADS;
      else process.env.MP_WASM_THREADS = saved;
    }
  });

  it('refuses threads for another backend, and a new count for a running wasm backend', async () => {
    const e = await rejection(useBackend('cpu', { threads: 2 }));
    expect(e).to.be.instanceOf(OptionError);
    expect(e.message).to.contain('wasm backend only');
    const running = (await useBackend('wasm')).wasmThreads!;
    const other = running === 1 ? 2 : 1;
    const change = await rejection(useBackend('wasm', { threads: other }));
    expect(change).to.be.instanceOf(BackendError);
    expect(change.message).to.match(/restart/);
    expect((await useBackend('wasm', { threads: running })).wasmThreads).to.equal(running);
  });

  it('defaults to half the cores, at most 8, and one thread below 4 cores', () => {
    const cores = os.availableParallelism();
    expect(defaultWasmThreads()).to.equal(cores < 4 ? 1 : Math.min(MAX_WASM_THREADS, Math.floor(cores / 2)));
  });
});
