import * as fs from 'fs';
import { expect } from 'chai';
import { roundArray } from '../../../src/mp';
import { compileWat, moduleSource, OUT } from '../../../scripts/build-wasm';
import { bitsOf } from '../../helpers';

describe('the SIMD rounding kernel', () => {
  it('is committed as compiled from round.wat (run npm run build:wasm after editing it)', async () => {
    expect(fs.readFileSync(OUT, 'utf8')).to.equal(moduleSource(await compileWat()));
  });

  it('agrees with the scalar path at every length and chunk boundary, special lanes included', () => {
    // Lengths around the 16-lane turn and the 65536-element chunk; specials scattered through the data.
    for (const n of [1, 15, 16, 17, 65535, 65536, 65537, 200_003]) {
      const x = Float32Array.from({ length: n }, (_, i) =>
        i % 97 === 0 ? [NaN, Infinity, -0, 1e-6, 70000, -3e-8][i % 6]! : Math.sin(i) * 100,
      );
      const simd = bitsOf(roundArray(x, 'float16'));
      // One element at a time never reaches the kernel (it takes 16 lanes a turn): the scalar reference.
      const scalar = Uint32Array.from(x, (v) => bitsOf(roundArray(Float32Array.of(v), 'float16'))[0]!);
      expect(Buffer.from(simd.buffer).equals(Buffer.from(scalar.buffer)), `length ${n}`).to.equal(true);
    }
  });
});
