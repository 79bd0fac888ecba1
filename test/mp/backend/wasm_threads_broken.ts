/**
 * A process whose wasm threaded build cannot start (its worker code is missing, as in a bundle without
 * wasm-out/) on what reports 16 cores. Prints what useBackend did, as JSON: `asked` asks for 2 threads,
 * `default` leaves the count to the measured choice, cached as 8 threads here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BackendError, useBackend } from '../../../src/mp';
import { machineKey, threadCacheFile } from '../../../src/mp/backend/thread_probe';

const pkg = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const workerFile = path.join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js');
require.cache[workerFile] = { id: workerFile, filename: workerFile, loaded: true, exports: {} } as NodeJS.Module;
(require('os') as typeof os).availableParallelism = () => 16;
// this machine's measured count, as the start-up probe would have cached it: 8 threads
process.env.MP_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-cache-'));
fs.mkdirSync(path.dirname(threadCacheFile()), { recursive: true });
const choice = { threads: 8, msPerStep: { '1': 2, '8': 1 }, measuredAt: new Date().toISOString() };
fs.writeFileSync(threadCacheFile(), JSON.stringify({ [machineKey(16)]: choice }));

async function main(): Promise<void> {
  const asked = process.argv[2] === 'asked';
  let error: string | null = null;
  try {
    await useBackend('wasm', asked ? { threads: 2 } : {});
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    error = e.message;
  }
  const then = await useBackend('wasm', asked ? { threads: 1 } : {}); // the advice: one thread
  const worker = (globalThis as { Worker?: unknown }).Worker;
  console.log(
    JSON.stringify({
      error,
      summary: then.summary,
      threads: then.wasmThreads,
      workerGlobal: worker !== undefined,
      cpus: os.cpus().length,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
