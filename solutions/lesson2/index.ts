/** Lesson 2: how it is implemented: quantization's grid as torch builds it, master weights, and equalization. */

export interface QParams {
  scale: number;
  zeroPoint: number;
}

/**
 * l2.q1: the scale and zero point that torch's `MinMaxObserver(dtype, qscheme)` returns from `calculate_qparams()`
 * after observing values whose smallest is `min` and largest is `max`.
 * - `dtype` 'quint8' has the codes 0…255, 'qint8' the codes −128…127.
 * - 'per_tensor_affine': the grid's codes span the observed values, and 0.0 is exactly on the grid whatever the
 *   data, all-positive and all-negative data included.
 * - 'per_tensor_symmetric': the grid is symmetric about 0.0 and covers ±max(|min|, |max|); 0.0 is the code 0 for
 *   qint8 and the code 128 for quint8 (section 4 of the lesson prints torch's symmetric int8 scale for [−1, 1]).
 * - Data that is all zeros still gets a scale > 0: torch never returns a scale below float32's epsilon, 2⁻²³.
 * - A zero point is an integer; a tie rounds to the even integer, as torch's nearbyint does.
 *
 *     observerQParams(-1, 3, 'quint8', 'per_tensor_affine')   // { scale: 0.0156862…, zeroPoint: 64 }
 */
export function observerQParams(
  min: number,
  max: number,
  dtype: 'quint8' | 'qint8',
  qscheme: 'per_tensor_affine' | 'per_tensor_symmetric',
): QParams {
  // BEGIN SOLUTION l2.q1
  const f = Math.fround;
  const [qmin, qmax] = dtype === 'qint8' ? [-128, 127] : [0, 255];
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const eps = 2 ** -23;
  if (qscheme === 'per_tensor_symmetric') {
    const scale = Math.max(f(Math.max(-lo, hi) / f((qmax - qmin) / 2)), eps);
    return { scale, zeroPoint: dtype === 'qint8' ? 0 : 128 };
  }
  const scale = Math.max(f(f(hi - lo) / (qmax - qmin)), eps);
  const t = f(lo / scale);
  const r = Math.round(t);
  const even = r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return { scale, zeroPoint: Math.min(Math.max(qmin - even, qmin), qmax) };
  // END SOLUTION
}

/**
 * l2.q2: what `torch.fake_quantize_per_tensor_affine(values, scale, zeroPoint, qmin, qmax)` returns: each value
 * replaced by the nearest point of the grid (q − zeroPoint)·scale, q an integer in [qmin, qmax]. Values beyond
 * the grid's ends become its end points; a value halfway between two grid points goes to the one with the even q.
 *
 *     fakeQuantForward([0.12, 9], 0.25, 0, -8, 7)   // [0, 1.75]
 */
export function fakeQuantForward(
  values: number[],
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): number[] {
  // BEGIN SOLUTION l2.q2
  const roundEven = (t: number): number => {
    const r = Math.round(t);
    return r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  return values.map((x) => (Math.min(Math.max(roundEven(x / scale) + zeroPoint, qmin), qmax) - zeroPoint) * scale);
  // END SOLUTION
}

/**
 * l2.q3: the gradient that torch's fake quantizer passes back, d(output)/d(value), for each value (the
 * straight-through estimator of `torch.fake_quantize_per_tensor_affine`'s backward): rounding counts as the
 * identity, and a value the quantizer clipped gets no gradient. Mind the edge: a value a little beyond the
 * grid's last point that rounds onto it was not clipped.
 *
 *     steMask([0.12, 9], 0.25, 0, -8, 7)   // [1, 0]
 */
export function steMask(values: number[], scale: number, zeroPoint: number, qmin: number, qmax: number): number[] {
  // BEGIN SOLUTION l2.q3
  return values.map((x) => {
    const t = x / scale;
    const r = Math.round(t);
    const q = (r - t === 0.5 && r % 2 !== 0 ? r - 1 : r) + zeroPoint; // ties to even, as torch rounds
    return q >= qmin && q <= qmax ? 1 : 0;
  });
  // END SOLUTION
}

/**
 * l2.q4: a weight `w` is stored in `format` ('float16', 'bfloat16' or 'float32'; `w` is a value of that format)
 * and an optimizer adds a step s to it, the sum rounded to the format (to nearest, ties to even). Return the
 * threshold t: every step with |s| > t changes the stored weight, whichever its sign, and for any smaller t
 * some step above it would not. This is what float32 master weights protect: smaller steps vanish.
 * Your answer must hold for every weight of the format: zero, subnormals, powers of two, negative weights and the
 * largest finite value (where a big enough step gives infinity, which is a change too).
 *
 *     stepThatSurvives(1.5, 'float16')   // 2^-11: float16 values between 1 and 2 lie 2^-10 apart
 */
export function stepThatSurvives(w: number, format: 'float16' | 'bfloat16' | 'float32'): number {
  // BEGIN SOLUTION l2.q4
  const bits: Record<string, { fraction: number; minExp: number }> = {
    float16: { fraction: 10, minExp: -14 },
    bfloat16: { fraction: 7, minExp: -126 },
    float32: { fraction: 23, minExp: -126 },
  };
  const { fraction, minExp } = bits[format]!;
  const a = Math.abs(w);
  let e = a === 0 ? minExp : Math.floor(Math.log2(a));
  if (a !== 0 && 2 ** e > a) e--; // guard Math.log2's rounding just below a power of two
  // the gap above |w| is the larger of its two gaps; below the normal range the gap stays at its smallest
  return 2 ** (Math.max(e, minExp) - fraction) / 2;
  // END SOLUTION
}

/** l2.q5's network: two dense layers with a ReLU between them, and the inputs static PTQ calibrates on. */
export interface EqualizationNet {
  readonly inputs: number;
  readonly hidden: number;
  readonly outputs: number;
  /** inputs × hidden, row-major: kernel1[i * hidden + c] connects input i to hidden channel c. */
  readonly kernel1: readonly number[];
  readonly bias1: readonly number[];
  /** hidden × outputs, row-major: kernel2[c * outputs + o] connects hidden channel c to output o. */
  readonly kernel2: readonly number[];
  readonly bias2: readonly number[];
  /** rows × inputs, row-major: the calibration inputs. */
  readonly calibration: readonly number[];
}

/**
 * l2.q5 (open): this network's hidden channels have very different ranges, so its static int8 version (int8
 * weights with a scale per output channel, one uint8 scale per activation tensor, ranges from min/max over
 * `calibration`) is poor. Return one factor f_c > 0 per hidden channel. The grader multiplies hidden channel c
 * by f_c (kernel1's column c and bias1[c]) and divides kernel2's row c by f_c, which leaves the float network's
 * outputs unchanged, since relu(f·z) = f·relu(z) for f > 0; then it quantizes the result that way and measures
 * the int8 network's signal-to-quantization-noise ratio on inputs you do not see:
 * 10·log10(Σ y² / Σ (ŷ − y)²) dB. Full marks at 30 dB or more, half at 20 dB; the network as given scores about 15.
 *
 *     equalizeChannels(net)   // e.g. [0.5, 4, …]: one positive factor per hidden channel
 */
export function equalizeChannels(net: EqualizationNet): number[] {
  // BEGIN SOLUTION l2.q5
  // Cross-layer equalization (Nagel et al. 2019; torch.ao.quantization._equalize): give each channel's weights in
  // and out the same range, sqrt(r1·r2), by f = sqrt(r2 / r1).
  const { inputs, hidden, outputs, kernel1, kernel2 } = net;
  return Array.from({ length: hidden }, (_, c) => {
    let r1 = 0;
    let r2 = 0;
    for (let i = 0; i < inputs; i++) r1 = Math.max(r1, Math.abs(kernel1[i * hidden + c]!));
    for (let o = 0; o < outputs; o++) r2 = Math.max(r2, Math.abs(kernel2[c * outputs + o]!));
    return r1 > 0 && r2 > 0 ? Math.sqrt(r2 / r1) : 1;
  });
  // END SOLUTION
}
