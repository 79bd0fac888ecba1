/** Format benchmarks: roundArray against numpy in the same run, and quantize against one tf.add. */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { FLOAT_FORMAT_NAMES, fakeCast, roundArray, roundValue, useBackend } from '../src/mp';
import { findPython } from '../scripts/course/python';
import { recordTarget } from './targets';
import { mps, printTable, time, timeAlternating } from './timing';

const N = 1 << 20;

function numpyRates(): Record<string, number> | string {
  const found = findPython(['ml_dtypes', 'numpy']);
  if ('reason' in found) return found.reason;
  const r = spawnSync(found.python, [path.join(__dirname, 'numpy_casts.py'), String(N)], { encoding: 'utf8' });
  return r.status === 0 ? (JSON.parse(r.stdout) as Record<string, number>) : `numpy baseline failed: ${r.stderr}`;
}

export async function benchFormats(): Promise<void> {
  const x = Float32Array.from({ length: N }, () => (Math.random() - 0.5) * 20);
  const copy = mps(
    N,
    time(() => x.slice()),
  );
  const numpy = numpyRates();
  const rows: (string | number)[][] = [
    ['float32 copy (x.slice())', copy, '', typeof numpy === 'string' ? '' : numpy.copy!],
  ];
  for (const format of ['float16', 'bfloat16']) {
    const ours = mps(
      N,
      time(() => roundArray(x, format)),
    );
    const np = typeof numpy === 'string' ? undefined : numpy[format];
    rows.push([`roundArray fp32→${format}`, ours, np ? `${(ours / np).toFixed(2)}×` : 'n/a', np ?? 'n/a']);
  }
  printTable(
    `roundArray, ${N} elements (M elements/s; ratio = ours / numpy astype, same run)`,
    ['', 'ours', 'ratio', 'numpy'],
    rows,
  );
  if (typeof numpy === 'string') console.log(`  numpy column skipped: ${numpy}`);

  const values = Array.from(x.subarray(0, 1000));
  const perCall = (format: string): number =>
    (time(() => values.forEach((v) => roundValue(v, format))).seconds / values.length) * 1e6;
  printTable(
    'roundValue, one number per call (µs/call)',
    ['', 'µs/call'],
    ['float16', 'float8_e4m3fn', 'float4_e2m1fn'].map((f) => [`roundValue(v, '${f}')`, perCall(f)]),
  );

  await useBackend('wasm', { threads: 1 }); // one thread in every bench part (threads: bench/training.ts)
  const a = tf.tensor1d(x);
  const b = tf.tensor1d(x);
  const formats = FLOAT_FORMAT_NAMES;
  const [add, ...qs] = timeAlternating([
    () => tf.add(a, b).dispose(),
    ...formats.map((format) => () => fakeCast(a, format).dispose()),
  ]);
  const qRows = [['tf.add(a, b)', mps(N, add!), '1.00×']];
  formats.forEach((format, i) => {
    qRows.push([`fakeCast(a, '${format}')`, mps(N, qs[i]!), `${(qs[i]!.seconds / add!.seconds).toFixed(2)}×`]);
  });
  const worst = formats.reduce((w, f, i) => (qs[i]!.seconds > qs[w]!.seconds ? i : w), 0);
  recordTarget(
    `quantize vs one tf.add, worst of ${formats.length} formats (${formats[worst]})`,
    qs[worst]!.seconds / add!.seconds,
    2,
  );
  printTable(
    `quantize on wasm, ${N} elements, every float format (M elements/s; cost relative to one tf.add, same run; target ≤ 2×)`,
    ['', 'M/s', 'cost'],
    qRows,
  );
  tf.dispose([a, b]);
}
