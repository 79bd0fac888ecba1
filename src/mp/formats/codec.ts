/**
 * Bit-level encode/decode between numbers and a format's codes.
 *
 * This is deliberately a second, independent implementation of rounding: it works on exponents and
 * mantissas in float64 arithmetic, where roundArray works on float32 bit patterns, and it derives ties and
 * NaN codes (sign, payload) from the format's spec itself. It shares only the specs (registry) and the float32
 * bit reinterpretation (bits.ts) with round.ts, and nothing with the rounding plan (plan.ts) that round.ts and
 * every backend kernel project: it is their oracle. The tests check that decode(encode(x)) equals roundArray(x)
 * bit for bit, NaNs included, and that encode(decode(c)) = c for every code of every format of 16 bits or
 * fewer, so each implementation checks the other.
 */
import { FormatError } from '../errors';
import { float32Bits, float32FromBits } from './bits';
import { getFormat, type FormatLike } from './registry';
import type { FloatFormat, IntFormat } from './spec';

const F32_MIN_NORMAL = 2 ** -126;
const F32_QUIET_NAN = 0x7fc00000;

/** The nearest integer to t, ties to the even one. */
function nearestEven(t: number): number {
  const floor = Math.floor(t);
  const rest = t - floor; // exact in float64
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The code of `value` in `format`, as an unsigned integer (value is first rounded to float32, as tensors are).
 * A JS number cannot hold a signaling NaN (loading one quiets it); roundArray keeps them, as ml_dtypes does.
 *
 *     encode(1, 'float16')                 // 0x3c00
 *     encode(-0.5, 'float8_e4m3fn')        // 0b1_0110_000
 */
export function encode(value: number, format: FormatLike): number {
  if (typeof value !== 'number') {
    throw new FormatError(`encode needs a number. Received: ${typeof value}`, value);
  }
  const f = getFormat(format);
  return f.kind === 'int' ? encodeInt(value, f) : encodeFloat(float32Bits(value), f);
}

/** The value of `code` in `format`. NaN codes give NaN; use decodeBits for their exact float32 pattern. */
export function decode(code: number, format: FormatLike): number {
  const f = getFormat(format);
  checkCode(code, f.bits, f.name);
  return f.kind === 'int' ? decodeInt(code, f) : float32FromBits(decodeFloatBits(code, f));
}

/** The float32 bit pattern that `code` decodes to, NaN sign and payload included (as ml_dtypes gives them). */
export function decodeBits(code: number, format: FormatLike): number {
  const f = getFormat(format);
  checkCode(code, f.bits, f.name);
  return f.kind === 'int' ? float32Bits(decodeInt(code, f)) : decodeFloatBits(code, f) >>> 0;
}

function checkCode(code: number, bits: number, name: string): void {
  if (!Number.isInteger(code) || code < 0 || code >= 2 ** bits) {
    throw new FormatError(`A ${name} code is an integer in 0..${2 ** bits - 1}. Received: ${code}`, code);
  }
}

function encodeInt(value: number, f: IntFormat): number {
  if (Number.isNaN(value)) throw new FormatError(`${f.name} has no NaN. Received: NaN`, value);
  const n = Math.min(f.max, Math.max(f.min, nearestEven(value)));
  return n < 0 ? n + 2 ** f.bits : n; // two's complement
}

function decodeInt(code: number, f: IntFormat): number {
  return f.signed && code >= 2 ** (f.bits - 1) ? code - 2 ** f.bits : code;
}

function encodeFloat(u: number, f: FloatFormat): number {
  const M = f.manBits;
  const signBit = f.signed ? 2 ** (f.expBits + M) : 0;
  const negative = u >>> 31 === 1;
  const sign = negative ? signBit : 0;
  const topField = 2 ** f.expBits - 1;
  const maxCode = sign + f.maxExpField * 2 ** M + f.maxMantissaAtTop;
  const nanCode = (): number => {
    switch (f.nan) {
      case 'none':
        return negative ? 0 : signBit; // ml_dtypes: NaN becomes the zero of the opposite sign
      case 'negative-zero':
        return signBit;
      case 'all-ones':
        return sign + 2 ** (f.expBits + M) - 1;
      case 'ieee': {
        // float16 keeps the payload bits that fit (a NaN stays a NaN: at least 1); the others give the quiet NaN
        const payload = f.castKeepsNanPayload ? (u & 0x7fffff) >>> (23 - M) || 1 : 2 ** (M - 1);
        return sign + topField * 2 ** M + payload;
      }
    }
  };
  const overflowCode = (): number => (f.infinities ? sign + topField * 2 ** M : f.hasNan ? nanCode() : maxCode);

  const x = float32FromBits(u);
  const a = Math.abs(x);
  // 1. non-finite
  if (Number.isNaN(x) || (!f.signed && (negative || a === 0))) return nanCode();
  if (a === Infinity) return overflowCode();
  const roundInt = f.tiesAway ? Math.round : nearestEven;
  // 2. zero and the subnormals: multiples of minSubnormal
  if (a < f.minNormal) {
    if (!f.subnormals) return 0; // no zero: the smallest code is the nearest value
    const n = roundInt(a / f.minSubnormal); // n = 2^M carries into exponent field 1, as it should
    return n === 0 && !f.signedZero ? 0 : sign + n;
  }
  // ml_dtypes rounds float32 subnormals up to the next power of two in a format without subnormals (e8m0).
  if (!f.subnormals && a < F32_MIN_NORMAL) return a === f.minNormal ? 0 : 1;
  // 3. normal numbers: unbiased exponent e and mantissa field n
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  let n = roundInt((a / 2 ** e - 1) * 2 ** M);
  if (n === 2 ** M) {
    e += 1;
    n = 0;
  }
  const field = e + f.bias;
  // 4. overflow
  if (field > f.maxExpField || (field === f.maxExpField && n > f.maxMantissaAtTop)) return overflowCode();
  return sign + field * 2 ** M + n;
}

function decodeFloatBits(code: number, f: FloatFormat): number {
  const M = f.manBits;
  const negative = f.signed && code >= 2 ** (f.expBits + M);
  const field = Math.floor(code / 2 ** M) % 2 ** f.expBits;
  const n = code % 2 ** M;
  const topField = 2 ** f.expBits - 1;
  const signBits = negative ? 0x80000000 : 0;
  const isNan =
    (f.nan === 'ieee' && field === topField && n !== 0) ||
    (f.nan === 'all-ones' && field === topField && n === 2 ** M - 1) ||
    (f.nan === 'negative-zero' && negative && field === 0 && n === 0);
  if (isNan) return decodeNanBits(f, negative, n);
  if (f.nan === 'ieee' && field === topField) return (signBits | 0x7f800000) >>> 0;
  const magnitude = field === 0 && f.subnormals ? (n / 2 ** M) * f.minNormal : (1 + n / 2 ** M) * 2 ** (field - f.bias);
  return float32Bits(negative ? -magnitude : magnitude);
}

/**
 * The float32 pattern of a NaN code, as ml_dtypes decodes it: fnuz's NaN is negative; float16 and bfloat16
 * keep the sign and payload; every other format gives the quiet NaN with the code's sign.
 */
function decodeNanBits(f: FloatFormat, negative: boolean, mantissa: number): number {
  if (f.nan === 'negative-zero') return 2 ** 31 + F32_QUIET_NAN;
  const sign = negative ? 2 ** 31 : 0;
  return f.decodeKeepsNanPayload ? sign + 0x7f800000 + mantissa * 2 ** (23 - f.manBits) : sign + F32_QUIET_NAN;
}
