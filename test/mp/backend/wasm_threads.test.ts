/**
 * The wasm backend's threaded build in Node (backend/wasm_threads.ts): how it starts, falls back and is asked
 * for. wasm_threads_training.test.ts trains on it.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { BackendError, defaultWasmThreads, OptionError, useBackend } from '../../../src/mp';
import { MAX_WASM_THREADS } from '../../../src/mp/backend/wasm_threads';

interface BrokenRun {
  error: string | null;
  summary: string;
  threads: number;
  workerGlobal: boolean;
  cpus: number;
}

/** wasm_threads_broken.ts: a process where the threaded build cannot start. */
function broken(mode: 'asked' | 'default'): BrokenRun {
  const tsx = path.join(__dirname, '../../../node_modules/.bin/tsx');
  const r = spawnSync(tsx, [path.join(__dirname, 'wasm_threads_broken.ts'), mode], { encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as BrokenRun;
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
  before(async () => {
    await useBackend('cpu'); // each test starts the backend it tests
  });

  it('falls back to one thread, and says why, where the threaded build cannot start; an asked count throws', () => {
    const fallback = broken('default');
    expect(fallback.error).to.equal(null);
    expect(fallback.threads).to.equal(1);
    expect(fallback.summary).to.contain('one thread: the threaded build did not start');
    const asked = broken('asked');
    expect(asked.error).to.contain('wasm with 2 threads').and.contain('threads: 1');
    expect(asked.threads, 'then threads: 1 starts').to.equal(1);
    for (const run of [fallback, asked]) {
      expect(run.workerGlobal, 'the Worker global is put back').to.equal(false);
      expect(run.cpus, 'os.cpus is put back').to.equal(os.cpus().length);
    }
  });

  it('takes 1 to 8 threads, and names the setting that was wrong', async () => {
    for (const threads of [0, 1.5, MAX_WASM_THREADS + 1]) {
      const e = await rejection(useBackend('wasm', { threads }));
      expect(e).to.be.instanceOf(OptionError);
      expect(e.message).to.contain(`from 1 to ${MAX_WASM_THREADS}. Received: threads=${threads}`);
    }
    const saved = process.env.MP_WASM_THREADS;
    process.env.MP_WASM_THREADS = 'many';
    try {
      const e = await rejection(useBackend('wasm'));
      expect(e).to.be.instanceOf(OptionError);
      expect(e.message).to.contain('Received: MP_WASM_THREADS="many"');
      expect((await useBackend('cpu')).name, 'other backends do not read it').to.equal('cpu');
    } finally {
      if (saved === undefined) delete process.env.MP_WASM_THREADS;
      else process.env.MP_WASM_THREADS = saved;
    }
  });

  it('refuses threads for another backend, and a new count for a running wasm backend', async () => {
    for (const threads of [1, 2]) {
      const e = await rejection(useBackend('cpu', { threads }));
      expect(e).to.be.instanceOf(OptionError);
      expect(e.message).to.contain('wasm backend only');
    }
    const running = (await useBackend('wasm')).wasmThreads!;
    const other = running === 1 ? 2 : 1;
    const change = await rejection(useBackend('wasm', { threads: other }));
    expect(change).to.be.instanceOf(BackendError);
    expect(change.message).to.match(/Restart the process/);
    expect((await useBackend('wasm', { threads: running })).wasmThreads).to.equal(running);
  });

  it('defaults to half the cores, at most 8; one thread below 4 cores and where workers are forbidden', () => {
    const cases: [number, boolean, number][] = [
      [1, true, 1],
      [2, true, 1],
      [3, true, 1],
      [4, true, 2],
      [7, true, 3],
      [16, true, 8],
      [64, true, 8],
      [16, false, 1],
    ];
    for (const [cores, workers, threads] of cases) {
      expect(defaultWasmThreads(cores, workers), `${cores} cores, workers ${workers}`).to.equal(threads);
    }
  });
});
