/** Format benchmarks: roundArray against numpy in the same run, and quantize against one tf.add. */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { FLOAT_FORMAT_NAMES, fakeCast, roundArray, roundValue, useBackend } from '../src/mp';
import { findPython } from '../scripts/course/python';
import { recordMissing, recordTarget } from './targets';
import { mps, printTable, time, timeAlternating, withCoreShare } from './timing';

const N = 1 << 20;

function numpyRates(): Record<string, number> | string {
  const found = findPython(['ml_dtypes', 'numpy']);
  if ('reason' in found) return found.reason;
  const r = spawnSync(found.python, [path.join(__dirname, 'numpy_casts.py'), String(N)], { encoding: 'utf8' });
  return r.status === 0 ? (JSON.parse(r.stdout) as Record<string, number>) : `numpy baseline failed: ${r.stderr}`;
}

/** The median of `values`, and their lowest and highest. */
function summary(values: number[]): { median: number; spread: [number, number] } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1]!, spread: [sorted[0]!, sorted[sorted.length - 1]!] };
}

/**
 * roundArray's rate against numpy's and ml_dtypes' astype and against a typed-array copy, in REPEATS rounds: each
 * runs the numpy baseline (a process of its own) and then ours and the copy in alternation, so that each ratio
 * compares figures taken moments apart on this shared machine. Both sides count their own process's CPU time.
 */
async function roundArrayRates(x: Float32Array): Promise<void> {
  const REPEATS = 5;
  const rates: Record<'copy' | 'float16' | 'bfloat16' | 'numpyCopy' | 'numpy16' | 'mlBf16', number[]> = {
    copy: [],
    float16: [],
    bfloat16: [],
    numpyCopy: [],
    numpy16: [],
    mlBf16: [],
  };
  let reason: string | undefined;
  const shares: number[] = []; // this process's, while it measures its own side
  for (let r = 0; r < REPEATS; r++) {
    const numpy = numpyRates();
    const { result, share } = await withCoreShare(() =>
      timeAlternating([() => x.slice(), () => roundArray(x, 'float16'), () => roundArray(x, 'bfloat16')], 15, 3, 'cpu'),
    );
    shares.push(share);
    const [copy, f16, bf16] = result.map((t) => mps(N, t)) as [number, number, number];
    rates.copy.push(copy);
    rates.float16.push(f16);
    rates.bfloat16.push(bf16);
    if (typeof numpy === 'string') reason = numpy;
    else {
      rates.numpyCopy.push(numpy.copy!);
      rates.numpy16.push(numpy.float16!);
      rates.mlBf16.push(numpy.bfloat16!);
    }
  }
  const share = summary(shares).median;
  const med = (k: keyof typeof rates): number | string => (rates[k].length ? summary(rates[k]).median : 'n/a');
  printTable(
    `roundArray, ${N} elements (M elements/s of CPU time, medians of ${REPEATS} rounds; the output is a new array, as numpy's is)`,
    ['', 'ours', 'numpy / ml_dtypes'],
    [
      ['float32 copy (x.slice(), x.copy())', med('copy'), med('numpyCopy')],
      ['fp32→float16 (roundArray, astype)', med('float16'), med('numpy16')],
      ['fp32→bfloat16 (roundArray, ml_dtypes astype)', med('bfloat16'), med('mlBf16')],
    ],
  );
  if (reason) console.log(`  numpy column skipped: ${reason}`);
  const ratios = (a: number[], b: number[]): number[] => a.slice(0, b.length).map((v, i) => v / b[i]!);
  const record = (figure: string, values: number[], target: number, why: string): void => {
    if (values.length === 0) return recordMissing(figure, target, reason ?? 'not measured', { atLeast: true });
    const { median, spread } = summary(values);
    recordTarget(figure, median, target, { atLeast: true, spread, coreShare: share, reason: why });
  };
  const times = (a: number[], b: number[]): string => `${summary(ratios(a, b)).median.toFixed(2)}×`;
  // The ceiling of any function that returns a new float32 array is a copy's rate, and a copy writes 4 bytes a
  // value where astype to a 16-bit format writes 2.
  record(
    'roundArray fp32→bfloat16 vs ml_dtypes astype (rate)',
    ratios(rates.bfloat16, rates.mlBf16),
    1,
    `a float32 copy (x.slice()) alone runs at ${times(rates.copy, rates.mlBf16)} ml_dtypes' astype, which writes 2 bytes a value to the copy's 4; roundArray runs at ${times(rates.bfloat16, rates.copy)} of that copy`,
  );
  record(
    'roundArray fp32→float16 vs numpy astype (rate)',
    ratios(rates.float16, rates.numpy16),
    1,
    `roundArray copies each chunk of 65 536 values into the kernel's memory and back: ${times(rates.float16, rates.copy)} of one copy`,
  );
  record(
    'roundArray fp32→float16 vs a typed-array copy (rate; stretch goal)',
    ratios(rates.float16, rates.copy),
    0.5,
    `roundArray copies each chunk of 65 536 values into the kernel's memory and back, and rounds it there: three passes over the data to the copy's one`,
  );
}

export async function benchFormats(): Promise<void> {
  const x = Float32Array.from({ length: N }, () => (Math.random() - 0.5) * 20);
  await roundArrayRates(x);

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
