/** Quantization benchmark: fakeQuantize throughput against torch's fake_quantize_per_tensor_affine, same run. */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { fakeQuantize, useBackend } from '../src/mp';
import { findPython } from '../scripts/course/python';
import { mps, printTable, time } from './timing';

const N = 1 << 20;

export async function benchQuant(): Promise<void> {
  await useBackend('wasm', { threads: 1 }); // one thread in every bench part (threads: bench/training.ts)
  const x = tf.randomNormal([N], 0, 3);
  const ours = mps(
    N,
    time(() => fakeQuantize(x, { scale: 0.05, zeroPoint: 0, quantMin: -128, quantMax: 127 }).dispose()),
  );
  x.dispose();
  const rows: (string | number)[][] = [['fakeQuantize (this library, wasm)', ours, '1.00×']];
  const found = findPython(['torch']);
  let note = '';
  if ('reason' in found) note = found.reason.replace('setup-python.sh', 'setup-python.sh --torch');
  else {
    const r = spawnSync(found.python, [path.join(__dirname, 'torch_fake_quant.py'), String(N)], { encoding: 'utf8' });
    if (r.status === 0) {
      const t = JSON.parse(r.stdout) as { mps: number; torch: string };
      rows.push([
        `torch ${t.torch} fake_quantize_per_tensor_affine, one thread`,
        t.mps,
        `${(t.mps / ours).toFixed(2)}×`,
      ]);
    } else note = `torch baseline failed: ${r.stderr.slice(-300)}`;
  }
  printTable(
    `Fake quantization, ${N} elements (M elements/s; torch relative to ours, same run; target: beat torch)`,
    ['', 'M/s', 'speed'],
    rows,
  );
  if (note) console.log(`  torch row skipped: ${note}`);
}
