import { expect } from 'chai';
import {
  FormatError,
  getFormat,
  mxQuantize,
  MX_FORMATS,
  OptionError,
  perTensorQuantize,
  roundArray,
  roundValue,
} from '../../../src/mp';
import { mxSharedExponent } from '../../../src/mp/quant/mx';
import { quantError } from '../../../src/mp/quant/quant_error';
import { bitsOf, fixture, floatsFromBits, hex } from '../../helpers';

interface MxCase {
  format: string;
  shape: number[];
  axis: number;
  block_size: number;
  x: number[];
  dequantized: number[];
  elements: number[];
  scale_exponents: (number | null)[];
}
const microxcaling = fixture<{ cases: MxCase[] }>('mx_microxcaling.json').cases;

describe('MX block formats against microxcaling', () => {
  for (const c of microxcaling) {
    it(`${c.format}, shape [${c.shape}], blocks of ${c.block_size} along axis ${c.axis}: bit for bit`, () => {
      const r = mxQuantize(floatsFromBits(c.x), c.format, c.block_size, { shape: c.shape, axis: c.axis });
      expect(Array.from(r.scaleExponents, (e) => (Number.isNaN(e) ? null : e))).to.deep.equal(c.scale_exponents);
      expect(Array.from(bitsOf(r.elements), hex)).to.deep.equal(c.elements.map(hex));
      expect(Array.from(bitsOf(r.dequantized), hex)).to.deep.equal(c.dequantized.map(hex));
    });
  }
});

describe('MX block formats (OCP MX v1.0)', () => {
  it('takes the shared exponent floor(log2(amax)) − emax_elem, exact at powers of two', () => {
    expect(mxSharedExponent([0.5, -3, 1.25], 8)).to.equal(1 - 8);
    expect(mxSharedExponent([4, -1], 8)).to.equal(2 - 8);
    expect(mxSharedExponent([-4], 2)).to.equal(0);
    expect(mxSharedExponent([2 ** 40 * (1 - 2 ** -24)], 2)).to.equal(39 - 2);
    expect(mxSharedExponent([0, 0], 2)).to.equal(-127);
    expect(mxSharedExponent([2 ** -140], 2)).to.equal(-127); // clamped to e8m0's smallest scale
  });

  it('uses each element format’s emax: e4m3 8, e5m2 15, e2m3 2, e3m2 4, e2m1 2', () => {
    const block = Float32Array.of(1);
    const expected = { float8_e4m3fn: -8, float8_e5m2: -15, float6_e2m3fn: -2, float6_e3m2fn: -4, float4_e2m1fn: -2 };
    for (const [name, e] of Object.entries(expected)) {
      expect(mxQuantize(block, name).scaleExponents[0], name).to.equal(e);
      const f = getFormat(name);
      expect(f.kind === 'float' ? f.maxExp : NaN, name).to.equal(-e);
    }
  });

  it('quantizes an MXFP4 block: elements on the e2m1 grid, X · P, saturation in the top binade', () => {
    // amax 7 → e = floor(log2 7) − 2 = 0; 7 saturates to 6, 0.3 rounds to 0.5, 2.5 ties to even 2
    const r = mxQuantize(Float32Array.of(7, -0.3, 2.5, 0), 'float4_e2m1fn');
    expect(Array.from(r.scaleExponents)).to.deep.equal([0]);
    expect(Array.from(r.elements)).to.deep.equal([6, -0.5, 2, 0]);
    expect(Array.from(r.dequantized)).to.deep.equal([6, -0.5, 2, 0]);
    expect(r.saturated).to.equal(0.25);
    expect(r.bitsPerValue).to.equal(4.25);
  });

  it('gives every block of 32 its own scale, and a short last block one too', () => {
    const v = new Float32Array(70);
    v.fill(0.01, 0, 32);
    v.fill(100, 32, 64);
    v.fill(-1, 64);
    const r = mxQuantize(v, 'float8_e4m3fn');
    expect(Array.from(r.scaleExponents)).to.deep.equal([-7 - 8, 6 - 8, 0 - 8]);
    const expected = Float32Array.from(v, (x, i) => {
      const e = r.scaleExponents[Math.floor(i / 32)]!;
      return roundValue(x / 2 ** e, 'float8_e4m3fn') * 2 ** e;
    });
    expect(Array.from(r.dequantized)).to.deep.equal(Array.from(expected));
  });

  it('with one block for the whole tensor, equals a per-tensor power-of-two scale', () => {
    const v = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i) * (i < 32 ? 50 : 1));
    const r = mxQuantize(v, 'float4_e2m1fn', v.length);
    const e = Math.floor(Math.log2(Math.max(...Array.from(v, Math.abs)))) - 2;
    expect(r.scaleExponents[0]).to.equal(e);
    const q = roundArray(
      Float32Array.from(v, (x) => x / 2 ** e),
      'float4_e2m1fn',
      { overflow: 'saturate' },
    );
    expect(Array.from(r.dequantized)).to.deep.equal(Array.from(q, (x) => x * 2 ** e));
    // smaller blocks follow the local range: less error where one block holds the large values
    expect(mxQuantize(v, 'float4_e2m1fn', 32).error.rmse).to.be.below(r.error.rmse);
  });

  it("scaleRule 'round-up' takes the next exponent only where the block max would saturate", () => {
    // amax 7: the OCP exponent 0 puts it at 7 > 6 (saturates); round-up takes e = 1 (7/2 = 3.5 → 4)
    const up = mxQuantize(Float32Array.of(7, 1), 'float4_e2m1fn', 32, { scaleRule: 'round-up' });
    expect(Array.from(up.scaleExponents)).to.deep.equal([1]);
    expect(Array.from(up.dequantized)).to.deep.equal([8, 1]);
    expect(up.saturated).to.equal(0);
    // amax 5 fits under 6 at the OCP exponent: both rules agree
    const v = Float32Array.of(5, 1);
    expect(mxQuantize(v, 'float4_e2m1fn', 32, { scaleRule: 'round-up' }).scaleExponents[0]).to.equal(
      mxQuantize(v, 'float4_e2m1fn').scaleExponents[0],
    );
    expect(() => mxQuantize(v, 'float4_e2m1fn', 32, { scaleRule: 'nearest' as never })).to.throw(
      OptionError,
      /scaleRule/,
    );
  });

  it('perTensorQuantize: one float32 scale maxFinite / amax for the whole tensor, saturating', () => {
    const v = Float32Array.of(3, -0.1, 1);
    const r = perTensorQuantize(v, 'float4_e2m1fn');
    expect(r.scale).to.equal(2);
    expect(Array.from(r.dequantized)).to.deep.equal([3, -0, 1]);
    expect(r.error.zeroed).to.equal(1 / 3);
    expect(perTensorQuantize(new Float32Array(3), 'float8_e4m3fn').scale).to.equal(1);
    expect(() => perTensorQuantize(Float32Array.of(Infinity), 'float4_e2m1fn')).to.throw(OptionError, /finite/);
  });

  it('measures error: rmse, relative rmse, SQNR and the fraction zeroed', () => {
    const e = quantError(Float32Array.of(1, 2, 0, 4), Float32Array.of(1, 0, 0, 4));
    expect(e.rmse).to.equal(1);
    expect(e.maxAbs).to.equal(2);
    expect(e.relativeRmse).to.be.closeTo(2 / Math.sqrt(21), 1e-12);
    expect(e.sqnrDb).to.be.closeTo(10 * Math.log10(21 / 4), 1e-12);
    expect(e.zeroed).to.equal(1 / 3);
    expect(quantError(Float32Array.of(1), Float32Array.of(1)).sqnrDb).to.equal(Infinity);
  });

  it('gives a block holding NaN or an infinity a NaN scale, and leaves the other blocks alone', () => {
    const v = Float32Array.from({ length: 96 }, (_, i) => Math.cos(i));
    v[40] = NaN;
    v[70] = -Infinity;
    const r = mxQuantize(v, 'MXFP8_E4M3');
    expect(Array.from(r.scaleExponents, (e) => Number.isNaN(e))).to.deep.equal([false, true, true]);
    expect(Array.from(r.scaleCodes)).to.deep.equal([127 + r.scaleExponents[0]!, 0xff, 0xff]);
    expect(r.dequantized.subarray(32).every(Number.isNaN)).to.equal(true);
    expect(Array.from(r.dequantized.subarray(0, 32))).to.deep.equal(
      Array.from(mxQuantize(v.subarray(0, 32), 'MXFP8_E4M3').dequantized),
    );
  });

  it('MXINT8: integers k standing for k/64, clamped to ±127/64, emax 0', () => {
    // amax 3 → e = floor(log2 3) − 0 = 1, X = 2: 3/2 = 1.5 = 96/64; −4/2 = −2 clamps to −127/64
    const r = mxQuantize(Float32Array.of(3, -4, 1 / 3, 0), 'MXINT8');
    expect(Array.from(r.scaleExponents)).to.deep.equal([2]);
    const x = mxQuantize(Float32Array.of(3, -3.99, 0.001), 'MXINT8');
    expect(Array.from(x.scaleExponents)).to.deep.equal([1]);
    expect(Array.from(x.elements)).to.deep.equal([96 / 64, -127 / 64, 0]);
    expect(Array.from(x.dequantized)).to.deep.equal([3, -127 / 32, 0]);
    expect(x.bitsPerValue).to.equal(8.25);
    expect(r.elementFormat).to.equal('int8');
    expect(Object.keys(MX_FORMATS)).to.deep.equal([
      'MXFP8_E5M2',
      'MXFP8_E4M3',
      'MXFP6_E3M2',
      'MXFP6_E2M3',
      'MXFP4_E2M1',
      'MXINT8',
    ]);
  });

  it('runs blocks along the chosen axis, each row padded on its own, never across rows', () => {
    // two rows of 40: blocks [0, 32) and [32, 40) in each row; the big value of row 1 leaves row 0's scales alone
    const v = Float32Array.from({ length: 80 }, (_, i) => (i === 45 ? 1000 : 1));
    const rowsR = mxQuantize(v, 'MXFP4_E2M1', 32, { shape: [2, 40] });
    expect(Array.from(rowsR.scaleExponents)).to.deep.equal([-2, -2, 9 - 2, -2]); // row-major: row 0's, then row 1's
    const flat = mxQuantize(v, 'MXFP4_E2M1', 32);
    expect(Array.from(flat.scaleExponents)).to.deep.equal([-2, 9 - 2, -2]);
    // along axis 0 of its transpose, a [40, 2] matrix: blocks down each column
    const t = Float32Array.from({ length: 80 }, (_, i) => v[(i % 2) * 40 + Math.floor(i / 2)]!);
    const cols = mxQuantize(t, 'MXFP4_E2M1', 32, { shape: [40, 2], axis: 0 });
    expect(Array.from(cols.scaleExponents)).to.deep.equal([-2, 7, -2, -2]); // [block row][column]
    expect(cols.axis).to.equal(0);
  });

  it('rejects bad input with typed errors naming the valid choices', () => {
    expect(() => mxQuantize(Float32Array.of(1), 'float16')).to.throw(
      FormatError,
      /not an MX format. Valid: MXFP8_E5M2/,
    );
    expect(() => mxQuantize(Float32Array.of(1), 'int8')).to.throw(FormatError);
    expect(() => mxQuantize(Float32Array.of(1), 'float4_e2m1fn', 0)).to.throw(OptionError, /blockSize/);
    expect(() => mxQuantize(Float32Array.of(1, 2), 'MXFP4_E2M1', 32, { shape: [3] })).to.throw(OptionError, /holds 3/);
    expect(() => mxQuantize(Float32Array.of(1, 2), 'MXFP4_E2M1', 32, { axis: 1 })).to.throw(OptionError, /axis/);
    expect(() => mxQuantize(Float32Array.of(1), 'MXFP4_E2M1', 32, { blockSize: 16 } as never)).to.throw(
      OptionError,
      /no option "blockSize". Valid options: scaleRule, shape, axis/,
    );
    expect(() => mxQuantize([1] as unknown as Float32Array, 'float4_e2m1fn')).to.throw(OptionError, /Float32Array/);
    expect(() => quantError(Float32Array.of(1), Float32Array.of(1, 2))).to.throw(OptionError, /length/);
  });
});
