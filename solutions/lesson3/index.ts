/** Lesson 3: its problems: rounding, overflow, underflow and swamping. */
import { roundValue } from '../../src/mp/index'; // SOLUTION ONLY

/**
 * l3.q1: round a number to the nearest float16 value (ties to even), handling subnormals, overflow to ±Infinity
 * (from 65520 up), NaN and −0. Use arithmetic or bit manipulation, not the library's rounding.
 */
export function roundToFloat16(x: number): number {
  // BEGIN SOLUTION l3.q1
  if (!Number.isFinite(x) || x === 0) return x; // NaN, ±inf and ±0 are themselves
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a)
    e -= 1; // guard log2's rounding at powers of two
  else if (2 ** (e + 1) <= a) e += 1;
  const quantum = 2 ** (Math.max(e, -14) - 10); // below 2^-14 the spacing stays 2^-24: subnormals
  const t = a / quantum;
  const r = Math.round(t);
  const y = (r - t === 0.5 && r % 2 !== 0 ? r - 1 : r) * quantum; // ties to even
  return Math.sign(x) * (y > 65504 ? Infinity : y);
  // END SOLUTION
}

export interface CastLoss {
  overflow: number;
  underflow: number;
}

/** l3.q2: the fractions of `values` that overflow (become ±inf) and that underflow (non-zero, become 0) in float16. */
export function castLoss(values: number[]): CastLoss {
  // BEGIN SOLUTION l3.q2
  let overflow = 0;
  let underflow = 0;
  for (const v of values) {
    const r = roundValue(v, 'float16');
    if (Number.isFinite(v) && !Number.isFinite(r)) overflow++;
    else if (v !== 0 && r === 0) underflow++;
  }
  return { overflow: overflow / values.length, underflow: underflow / values.length };
  // END SOLUTION
}

/**
 * l3.q3: sum `values` in float16 with Kahan's compensated summation: every addition and subtraction is rounded
 * to float16 (roundValue(…, 'float16')). Return the float16 sum.
 */
export function kahanSumFloat16(values: number[]): number {
  // BEGIN SOLUTION l3.q3
  const r = (v: number): number => roundValue(v, 'float16');
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const y = r(r(v) - c);
    const t = r(sum + y);
    c = r(r(t - sum) - y);
    sum = t;
  }
  return sum;
  // END SOLUTION
}
