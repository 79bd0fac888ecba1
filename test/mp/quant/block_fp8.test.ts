import { expect } from 'chai';
import { blockFp8MatMul, blockFp8Quantize, OptionError } from '../../../src/mp';
import { bitsOf, fixture, hex } from '../../helpers';

interface QuantizeCase {
  shape: [number, number];
  tile_shape: [number, number];
  seed: number;
  elements: number[];
  dequantized: number[];
  scales: number[];
}
interface MatMulCase {
  m: number;
  k: number;
  n: number;
  accumulator_bits: number;
  seed: number;
  product: number[];
}
const ref = fixture<{ quantize: QuantizeCase[]; matmul: MatMulCase[] }>('deepseek_block_fp8.json');
const hexes = (a: Float32Array): string[] => Array.from(bitsOf(a), hex);

/** The oracle's inputs: 16-bit integers times powers of two, over 7 binades by row (deepseek_block_fp8.py pattern). */
function pattern(rows: number, cols: number, seed: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, i) => {
    const k = ((i * 40503 + seed * 977) % 65536) - 32768;
    return k * 2 ** (-15 + (Math.floor(i / cols) % 7) - 3);
  });
}

describe('block-scaled FP8 as DeepSeek-V3 trains with it', () => {
  for (const c of ref.quantize) {
    it(`quantizes a [${c.shape}] matrix in ${c.tile_shape.join('×')} tiles as the reference, bit for bit`, () => {
      const x = pattern(c.shape[0], c.shape[1], c.seed);
      x.fill(0, 128, Math.min(256, c.shape[1])); // the reference's all-zero tile, in row 0
      const r = blockFp8Quantize(x, { shape: c.shape, tileShape: c.tile_shape });
      expect(hexes(r.scales)).to.deep.equal(c.scales.map(hex));
      expect(Array.from(r.elements)).to.deep.equal(c.elements);
      expect(hexes(r.dequantized)).to.deep.equal(c.dequantized.map(hex));
    });
  }

  for (const c of ref.matmul) {
    it(`multiplies [${c.m}, ${c.k}]·[${c.k}, ${c.n}] with ${c.accumulator_bits}-bit partial sums promoted every 128`, () => {
      const a = pattern(c.m, c.k, c.seed);
      const b = pattern(c.k, c.n, c.seed + 10);
      const r = blockFp8MatMul(a, b, c.m, c.k, c.n, { accumulatorBits: c.accumulator_bits });
      expect(hexes(r.product)).to.deep.equal(c.product.map(hex));
    });
  }

  it('gives each tile the scale amax/448 and maps its amax to 448', () => {
    const x = Float32Array.from({ length: 256 }, (_, i) => (i === 7 ? -3 : i === 200 ? 0.5 : 0.01 * Math.sin(i)));
    const r = blockFp8Quantize(x);
    expect(Array.from(r.scales)).to.deep.equal([Math.fround(3 / 448), Math.fround(0.5 / 448)]);
    expect([r.elements[7], r.elements[200]]).to.deep.equal([-448, 448]);
    expect(r.bitsPerValue).to.equal(8.25);
  });

  it('loses about 2^-12 of K = 4096 products with 14-bit partial sums, and float32 rounding with 24 bits', () => {
    const [m, k, n] = [2, 4096, 2];
    const a = Float32Array.from({ length: m * k }, (_, i) => 1 + 0.5 * Math.sin(i));
    const b = Float32Array.from({ length: k * n }, (_, i) => 1 + 0.5 * Math.cos(0.7 * i));
    const exact = (q: ReturnType<typeof blockFp8MatMul>): number[] =>
      Array.from({ length: m * n }, (_, ij) => {
        let s = 0;
        for (let p = 0; p < k; p++)
          s += q.a.dequantized[Math.floor(ij / n) * k + p]! * q.b.dequantized[p * n + (ij % n)]!;
        return s;
      });
    const relError = (bits: number): number => {
      const r = blockFp8MatMul(a, b, m, k, n, { accumulatorBits: bits });
      const e = exact(r);
      return Math.max(...e.map((v, i) => Math.abs(r.product[i]! - v) / Math.abs(v)));
    };
    // 14 bits per 128-product partial sum: a few parts in 10⁴ (here 3.8e-4); 24 bits: float32's 10⁻⁷
    expect(relError(14)).to.be.within(2 ** -14, 2 ** -10);
    expect(relError(24)).to.be.below(2 ** -20);
  });

  it('rejects non-finite values, other tiles and unknown options', () => {
    expect(() => blockFp8Quantize(Float32Array.of(Infinity))).to.throw(OptionError, /finite/);
    expect(() => blockFp8Quantize(new Float32Array(4), { tileShape: [1, 32] as never })).to.throw(
      OptionError,
      /\[1, 128\]/,
    );
    expect(() => blockFp8MatMul(new Float32Array(4), new Float32Array(4), 2, 2, 2, { bits: 14 } as never)).to.throw(
      OptionError,
      /Valid options: accumulatorBits/,
    );
  });
});
