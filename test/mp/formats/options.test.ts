import { expect } from 'chai';
import {
  FORMAT_NAMES,
  FormatError,
  getFormat,
  OptionError,
  roundArray,
  roundValue,
  type FloatFormat,
} from '../../../src/mp';

const f16 = getFormat('float16') as FloatFormat;
const ulpAt1 = f16.epsilon; // spacing of float16 values in [1, 2)

describe('rounding options', () => {
  describe('toward-zero', () => {
    it('truncates positive and negative values toward zero', () => {
      const x = Float32Array.of(1 + 0.9 * ulpAt1, -(1 + 0.9 * ulpAt1), 3 * f16.minSubnormal * 0.99);
      expect(Array.from(roundArray(x, f16, { rounding: 'toward-zero' }))).to.deep.equal([1, -1, 2 * f16.minSubnormal]);
    });

    it('stops at ±max instead of overflowing to inf (IEEE 754 §7.4)', () => {
      const got = roundArray(Float32Array.of(70000, -1e9, Infinity), f16, { rounding: 'toward-zero' });
      expect(Array.from(got)).to.deep.equal([65504, -65504, Infinity]);
    });
  });

  describe('overflow', () => {
    it("'ieee' gives inf in float16, NaN in float8_e4m3fn and ±max in float4_e2m1fn", () => {
      expect(roundValue(1e5, 'float16')).to.equal(Infinity);
      expect(roundValue(1e5, 'float8_e4m3fn')).to.be.NaN;
      expect(roundValue(-1e5, 'float4_e2m1fn')).to.equal(-6);
    });

    it("'saturate' clamps finite values and infinities to ±max and keeps NaN", () => {
      const got = roundArray(Float32Array.of(1e5, -Infinity, NaN), 'float8_e4m3fn', { overflow: 'saturate' });
      expect(got[0]).to.equal(448);
      expect(got[1]).to.equal(-448);
      expect(got[2]).to.be.NaN;
    });

    it('rounds 464 (the midpoint above 448) to 448 in float8_e4m3fn: ties go to the even mantissa', () => {
      expect(roundValue(464, 'float8_e4m3fn')).to.equal(448);
      expect(roundValue(465, 'float8_e4m3fn')).to.be.NaN;
    });
  });

  describe('flushSubnormals', () => {
    it('turns results below the smallest normal into zero of the same sign', () => {
      const x = Float32Array.of(f16.minSubnormal * 3, -f16.minSubnormal, f16.minNormal);
      const got = roundArray(x, f16, { flushSubnormals: true });
      expect(got[0]).to.equal(0);
      expect(Object.is(got[1], -0)).to.equal(true);
      expect(got[2]).to.equal(f16.minNormal);
    });
  });

  describe('stochastic', () => {
    // x sits a quarter of the way from 1 to the next float16, so it should round up with p = 1/4.
    const p = 0.25;
    const x = 1 + p * ulpAt1;
    const n = 200_000;
    const input = new Float32Array(n).fill(x);

    it('is unbiased: the mean of many roundings is x within 5 standard errors', () => {
      const got = roundArray(input, f16, { rounding: 'stochastic', seed: 1 });
      const mean = got.reduce((s, v) => s + v, 0) / n;
      const standardError = ulpAt1 * Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(mean - x)).to.be.below(5 * standardError);
      expect(new Set(got)).to.deep.equal(new Set([1, 1 + ulpAt1])); // only the two neighbours occur
    });

    it('is unbiased for subnormals too', () => {
      const xs = 2.3 * f16.minSubnormal;
      const got = roundArray(new Float32Array(n).fill(xs), f16, { rounding: 'stochastic', seed: 2 });
      const mean = got.reduce((s, v) => s + v, 0) / n;
      const standardError = f16.minSubnormal * Math.sqrt((0.3 * 0.7) / n);
      expect(Math.abs(mean - xs)).to.be.below(5 * standardError);
    });

    it('is reproducible from a seed, and differs between seeds', () => {
      const a = roundArray(input, f16, { rounding: 'stochastic', seed: 42 });
      const b = roundArray(input, f16, { rounding: 'stochastic', seed: 42 });
      const c = roundArray(input, f16, { rounding: 'stochastic', seed: 43 });
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).to.equal(true);
      expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).to.equal(false);
    });
  });

  describe('integer grids', () => {
    it('round half to even and clamp to the grid', () => {
      const x = Float32Array.of(0.5, 1.5, 2.5, -2.5, 200, -200, 7.9);
      expect(Array.from(roundArray(x, 'int8'))).to.deep.equal([0, 2, 2, -2, 127, -128, 8]);
      expect(Array.from(roundArray(x, 'uint4'))).to.deep.equal([0, 2, 2, 0, 15, 0, 8]);
      expect(getFormat('int4')).to.include({ min: -8, max: 7 });
    });
  });
});

describe('bad input', () => {
  it('names every valid format when the format is unknown', () => {
    expect(() => getFormat('float12')).to.throw(FormatError, /Unknown format 'float12'.*float16.*float4_e2m1fn.*uint4/);
    expect(() => getFormat('fp16'))
      .to.throw(FormatError)
      .with.property('validNames')
      .that.deep.equals(FORMAT_NAMES);
  });

  it('rejects a plain array where a Float32Array is required, saying what it got', () => {
    expect(() => roundArray([1, 2] as unknown as Float32Array, 'float16')).to.throw(OptionError, /Received: Array/);
    expect(() => roundArray(new Float64Array(2) as unknown as Float32Array, 'float16')).to.throw(
      OptionError,
      /Float64Array/,
    );
  });

  it('rejects unknown rounding and overflow modes, naming the valid ones', () => {
    const x = Float32Array.of(1);
    expect(() => roundArray(x, 'float16', { rounding: 'nearest' as never })).to.throw(
      OptionError,
      /"nearest-even", "toward-zero", "stochastic"/,
    );
    expect(() => roundArray(x, 'float16', { overflow: 'clamp' as never })).to.throw(OptionError, /"ieee", "saturate"/);
    expect(() => roundArray(x, 'float16', { flushSubnormal: true } as never)).to.throw(OptionError, /flushSubnormals/);
    expect(() => roundArray(x, 'float16', { flushSubnormals: 'yes' as never })).to.throw(OptionError, /boolean/);
  });

  it('leaves the input untouched', () => {
    const x = Float32Array.of(0.1, 1e6, NaN);
    const before = Array.from(x);
    roundArray(x, 'float8_e4m3fn');
    expect(Array.from(x)).to.deep.equal(before);
  });
});
