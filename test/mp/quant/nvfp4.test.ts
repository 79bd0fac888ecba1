import { expect } from 'chai';
import { nvfp4Quantize, OptionError, roundValue } from '../../../src/mp';
import { bitsOf, fixture, floatsFromBits, hex } from '../../helpers';

interface Nvfp4Case {
  shape: number[];
  tile_shape: [number, number];
  x: number[];
  elements: number[];
  dequantized: number[];
  block_scales: number[];
  global_amax: number;
  global_encode_scale: number;
}
const te = fixture<{ cases: Nvfp4Case[] }>('te_nvfp4.json').cases;
const hexes = (a: Float32Array): string[] => Array.from(bitsOf(a), hex);

describe("NVFP4, as Transformer Engine's reference quantizes it", () => {
  for (const c of te) {
    it(`shape [${c.shape}], ${c.tile_shape.join('×')} tiles: elements, scales and values bit for bit`, () => {
      const r = nvfp4Quantize(floatsFromBits(c.x), { shape: c.shape, tileShape: c.tile_shape });
      expect(hex(bitsOf(Float32Array.of(r.globalAmax))[0]!)).to.equal(hex(c.global_amax));
      expect(hex(bitsOf(Float32Array.of(r.globalScale))[0]!)).to.equal(hex(c.global_encode_scale));
      expect(hexes(r.blockScales)).to.deep.equal(c.block_scales.map(hex));
      expect(hexes(r.elements)).to.deep.equal(c.elements.map(hex));
      expect(hexes(r.dequantized)).to.deep.equal(c.dequantized.map(hex));
    });
  }

  it('maps the amax block to scale 448 and its largest value to element 6', () => {
    const v = Float32Array.from({ length: 32 }, (_, i) => (i === 3 ? -12 : Math.sin(i)));
    const r = nvfp4Quantize(v);
    expect(r.globalScale).to.equal(Math.fround(2688 / 12));
    expect(r.blockScales[0]).to.equal(448);
    expect(r.elements[3]).to.equal(-6);
    expect(r.dequantized[3]).to.equal(-12);
    const amax1 = Math.max(...Array.from(v.subarray(16), Math.abs));
    const d1 = roundValue(Math.fround(Math.fround(amax1 / 6) * r.globalScale), 'float8_e4m3fn');
    expect(r.blockScales[1]).to.equal(d1);
  });

  it('stores 4.5 bits per value in 1×16 blocks, plus the tensor scale', () => {
    expect(nvfp4Quantize(new Float32Array(64)).bitsPerValue).to.equal(4 + 8 / 16 + 32 / 64);
    expect(nvfp4Quantize(new Float32Array(512), { shape: [16, 32], tileShape: [16, 16] }).bitsPerValue).to.equal(
      4 + 8 / 256 + 32 / 512,
    );
  });

  it('rejects non-finite values, another tile shape and unknown options', () => {
    expect(() => nvfp4Quantize(Float32Array.of(1, NaN))).to.throw(OptionError, /finite/);
    expect(() => nvfp4Quantize(new Float32Array(32), { tileShape: [1, 32] as never })).to.throw(
      OptionError,
      /\[1, 16\] or \[16, 16\]/,
    );
    expect(() => nvfp4Quantize(new Float32Array(32), { tile: [1, 16] } as never)).to.throw(
      OptionError,
      /Valid options: shape, tileShape/,
    );
  });
});
