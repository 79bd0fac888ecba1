/** Lesson 3: its problems: rounding, overflow, underflow, swamping and the optimizer's numerics. */
import { roundValue } from '../../src/mp/index'; // SOLUTION ONLY

/**
 * l3.q1: the float16 value nearest to `x`, as a float16 stores it: ties go to the even neighbour, subnormals keep
 * their fixed spacing, values too large become ±Infinity, and NaN and −0 stay themselves. Use arithmetic or bit
 * manipulation, not the library's rounding.
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

/**
 * l3.q2: the fractions of the finite `values` that overflow (become ±Infinity) and that underflow (are non-zero
 * and become 0) when cast to float16. You may round with the library's `roundValue`.
 */
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

/**
 * l3.q4: the fraction of the non-zero `updates` that weights stored in `format` lose entirely. Each weight is
 * stored in `format` (round to nearest even); the optimizer adds its update in float32 and stores the result in
 * `format` again; an update is lost when the stored weight comes out unchanged. Updates of 0 do not count. You
 * may round with the library's `roundValue`.
 */
export function lostUpdates(weights: number[], updates: number[], format: string): number {
  // BEGIN SOLUTION l3.q4
  let lost = 0;
  let nonZero = 0;
  weights.forEach((weight, i) => {
    const update = updates[i]!;
    if (update === 0) return;
    nonZero++;
    const w = roundValue(weight, format);
    if (roundValue(Math.fround(w + update), format) === w) lost++;
  });
  return nonZero ? lost / nonZero : 0; // no non-zero update: nothing was lost
  // END SOLUTION
}

/**
 * l3.q5: find, by measuring, the smallest loss scale S = 2^k (k an integer from −64 to 64) at which casting
 * S · g to float16 turns fewer than `budget` (a fraction) of the non-zero `gradients` into 0, and overflows none
 * of them to ±Infinity. `gradients` holds at least one non-zero value. Return S, or null when no such scale
 * exists. Graded by what S achieves: one that works but is not the smallest earns half the points. You may round
 * with the library's `roundValue`.
 */
export function smallestLossScale(gradients: number[], budget: number): number | null {
  // BEGIN SOLUTION l3.q5
  const nonZero = gradients.filter((g) => g !== 0);
  for (let k = -64; k <= 64; k++) {
    const cast = nonZero.map((g) => roundValue(g * 2 ** k, 'float16'));
    if (cast.filter((c) => c === 0).length / nonZero.length >= budget) continue; // too many lost: scale up
    return cast.every(Number.isFinite) ? 2 ** k : null; // a larger scale only overflows more
  }
  return null;
  // END SOLUTION
}
