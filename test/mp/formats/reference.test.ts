import { expect } from 'chai';
import { decode, decodeBits, encode, getFormat, roundArray, type FloatFormat } from '../../../src/mp';
import { bitsOf, fixture, floatsFromBits, hex } from '../../helpers';

type Vectors = Record<string, number[]>;
const casts = fixture<Vectors>('cast_vectors.json');
const tables = fixture<Vectors>('decode_tables.json');
const finfo = fixture<{ finfo: Record<string, Record<string, number>> }>('report.json').finfo;
const REFERENCE_FORMATS = Object.keys(casts).filter((k) => k !== 'input');

describe('formats against ml_dtypes 0.6 reference data', () => {
  it('covers all 13 ml_dtypes formats', () => {
    expect(REFERENCE_FORMATS).to.have.length(13);
  });

  for (const name of REFERENCE_FORMATS) {
    it(`roundArray matches every ${name} cast vector bit for bit`, () => {
      const input = floatsFromBits(casts.input!);
      const got = bitsOf(roundArray(input, name));
      const want = casts[name]!;
      const wrong: string[] = [];
      for (let i = 0; i < want.length; i++) {
        if (got[i] !== want[i]) wrong.push(`${hex(casts.input![i]!)} -> ${hex(got[i]!)}, want ${hex(want[i]!)}`);
      }
      expect(wrong, `${wrong.length} of ${want.length} differ, e.g.\n${wrong.slice(0, 8).join('\n')}`).to.be.empty;
    });

    it(`decodes every ${name} code to ml_dtypes' float32 bits`, () => {
      const want = tables[name]!;
      const wrong = want.flatMap((bits, code) => {
        const got = decodeBits(code, name);
        return got === bits ? [] : [`code ${code}: ${hex(got)}, want ${hex(bits)}`];
      });
      expect(wrong, wrong.slice(0, 8).join('\n')).to.be.empty;
    });

    it(`derives every ${name} finfo field`, () => {
      const f = getFormat(name) as FloatFormat;
      const want = finfo[name]!;
      expect(f.bits, 'bits').to.equal(want.bits);
      expect(f.manBits, 'nmant').to.equal(want.nmant);
      expect(f.expBits, 'nexp').to.equal(want.nexp);
      expect(f.maxFinite, 'max').to.equal(want.max);
      expect(f.signed ? -f.maxFinite : f.minNormal, 'min').to.equal(want.min);
      expect(f.minNormal, 'tiny / smallest_normal').to.equal(want.smallest_normal).and.equal(want.tiny);
      expect(f.minSubnormal, 'smallest_subnormal').to.equal(want.smallest_subnormal);
      expect(f.epsilon, 'eps').to.equal(want.eps);
      expect(Math.log2(f.epsilon), 'machep').to.equal(want.machep);
      expect(f.minExp, 'minexp').to.equal(want.minexp);
      expect(f.maxExp + 1, 'maxexp').to.equal(want.maxexp);
      // epsneg: the gap below 1 (the subnormal spacing where 1 is the smallest normal, as in float4_e2m1fn)
      const epsneg = 1 - decode(encode(1, name) - 1, name);
      expect(epsneg, 'epsneg').to.equal(want.epsneg);
      expect(Math.log2(epsneg), 'negep').to.equal(want.negep);
      // `precision` and `resolution` are left out: ml_dtypes sets them by hand per format, for printing
      // (float8 formats get 1 decimal digit although -log10(eps) < 1), so they are not properties of a format.
    });
  }
});
