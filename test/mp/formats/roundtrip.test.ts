import { expect } from 'chai';
import {
  decode,
  decodeBits,
  encode,
  FLOAT_FORMAT_NAMES,
  getFormat,
  roundArray,
  type FloatFormat,
} from '../../../src/mp';
import { float32Bits, float32FromBits } from '../../../src/mp/formats/bits';
import { bitsOf, hex } from '../../helpers';

const floats = FLOAT_FORMAT_NAMES.map((n) => getFormat(n) as FloatFormat);
const small = floats.filter((f) => f.bits <= 16);

/** The neighbouring float32 values of x (one ulp down and up). */
function float32Neighbours(x: number): number[] {
  const u = float32Bits(Math.abs(x));
  const s = x < 0 || Object.is(x, -0) ? -1 : 1;
  return [u - 1, u + 1].filter((b) => b >= 0 && b < 0x7f800000).map((b) => s * float32FromBits(b));
}

/** Every finite value of f, each midpoint between neighbours, and the float32 values either side of both. */
function probeValues(f: FloatFormat): Float32Array {
  const values: number[] = [];
  for (let c = 0; c < 2 ** f.bits; c++) {
    const v = decode(c, f);
    if (!Number.isFinite(v)) continue;
    values.push(v, ...float32Neighbours(v));
    const next = c + 1 < 2 ** f.bits ? decode(c + 1, f) : NaN;
    if (Number.isFinite(next) && Math.sign(next) === Math.sign(v)) {
      const mid = (v + next) / 2;
      values.push(mid, ...float32Neighbours(mid));
    }
  }
  // Past the largest finite value: the overflow boundary and beyond.
  const top = f.maxFinite * (1 + f.epsilon / 2);
  values.push(top, ...float32Neighbours(top), 2 * f.maxFinite, -top, -2 * f.maxFinite, Infinity, -Infinity, NaN);
  return Float32Array.from(values);
}

function randomBits(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0; // mulberry32: a fixed-seed source of bit patterns for the test
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = (t ^ (t >>> 14)) >>> 0;
    // encode takes a JS number, and loading a signaling NaN into one quiets it, so give encode quiet NaNs.
    // roundArray's handling of signaling NaNs is checked against ml_dtypes by the reference vectors.
    if ((out[i]! & 0x7fffffff) > 0x7f800000) out[i]! |= 0x00400000;
  }
  return new Float32Array(out.buffer);
}

function expectEncodeMatchesRound(f: FloatFormat, input: Float32Array): void {
  const rounded = bitsOf(roundArray(input, f));
  const wrong: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const viaCodec = decodeBits(encode(input[i]!, f), f);
    if (viaCodec !== rounded[i]) {
      wrong.push(
        `${input[i]} (${hex(float32Bits(input[i]!))}): codec ${hex(viaCodec)}, roundArray ${hex(rounded[i]!)}`,
      );
    }
  }
  expect(wrong, wrong.slice(0, 8).join('\n')).to.be.empty;
}

describe('encode and decode', () => {
  for (const f of small) {
    it(`encode(decode(c)) = c for all ${2 ** f.bits} codes of ${f.name}, NaN codes to a NaN code of the same sign`, () => {
      const wrong: string[] = [];
      for (let c = 0; c < 2 ** f.bits; c++) {
        // Through the float32 bit pattern, so NaN sign and payload travel too.
        const bits = decodeBits(c, f);
        const back = encode(float32FromBits(bits), f);
        // A cast quiets NaN payloads (except float16's), so a NaN code need only come back as a NaN code.
        const ok = Number.isNaN(decode(c, f))
          ? Number.isNaN(decode(back, f)) && decodeBits(back, f) >>> 31 === bits >>> 31
          : back === c;
        if (!ok) wrong.push(`code ${c} -> ${decode(c, f)} -> code ${back}`);
      }
      expect(wrong, wrong.slice(0, 8).join('\n')).to.be.empty;
    });

    it(`decode(encode(x)) equals roundArray(x) on every ${f.name} value, midpoint and their float32 neighbours`, () => {
      expectEncodeMatchesRound(f, probeValues(f));
    });
  }

  for (const f of floats) {
    it(`decode(encode(x)) equals roundArray(x) on 20000 random float32 bit patterns for ${f.name}`, () => {
      expectEncodeMatchesRound(f, randomBits(20000, f.bits * 7919));
    });
  }

  for (const f of floats) {
    it(`represents 0, ±1, ±max, ±min normal, ±min subnormal and 1+eps of ${f.name} exactly`, () => {
      const exact = [f.maxFinite, f.minNormal, f.minSubnormal, 1 + f.epsilon].filter((v) => v >= f.minNormal / 2);
      if (f.hasZero) exact.push(0);
      if (f.maxFinite >= 1) exact.push(1);
      const all = f.signed ? [...exact, ...exact.map((v) => -v)] : exact;
      const got = roundArray(Float32Array.from(all), f);
      all.forEach((v, i) =>
        expect(Object.is(got[i], Math.fround(v)) || got[i] === v, `${v} -> ${got[i]}`).to.equal(true),
      );
    });
  }

  it('keeps −0 in formats with a signed zero and returns +0 in formats without', () => {
    for (const f of floats.filter((g) => g.hasZero)) {
      const [z] = roundArray(Float32Array.of(-0), f);
      expect(Object.is(z, f.signedZero ? -0 : 0), f.name).to.equal(true);
    }
  });

  it('rounds negative values that underflow to +0 in fnuz formats', () => {
    const [z] = roundArray(Float32Array.of(-1e-30), 'float8_e4m3fnuz');
    expect(Object.is(z, 0)).to.equal(true);
  });

  it('encodes textbook examples', () => {
    expect(encode(1, 'float16')).to.equal(0x3c00);
    expect(encode(65504, 'float16')).to.equal(0x7bff);
    expect(encode(65520, 'float16')).to.equal(0x7c00); // the first value that rounds to +inf
    expect(encode(-0.5, 'float8_e4m3fn')).to.equal(0b1_0110_000);
    expect(encode(448, 'float8_e4m3fn')).to.equal(0b0_1111_110);
    expect(encode(1, 'bfloat16')).to.equal(0x3f80);
    expect(encode(-3, 'int8')).to.equal(253);
    expect(decode(253, 'int8')).to.equal(-3);
  });
});
