/**
 * A process whose wasm threaded build cannot start (its worker code is missing, as in a bundle without
 * wasm-out/) on what reports 16 cores. Prints what useBackend did, as JSON: `asked` asks for 2 threads,
 * `default` leaves the count to defaultWasmThreads (8 here).
 */
import * as os from 'os';
import * as path from 'path';
import { BackendError, useBackend } from '../../../src/mp';

const pkg = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const workerFile = path.join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js');
require.cache[workerFile] = { id: workerFile, filename: workerFile, loaded: true, exports: {} } as NodeJS.Module;
(require('os') as typeof os).availableParallelism = () => 16;

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
