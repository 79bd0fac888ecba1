import { spawnSync } from 'child_process';
import * as path from 'path';
import { expect } from 'chai';
import { FLOAT_FORMAT_NAMES, roundArray } from '../../../src/mp';
import { bitsOf, hex } from '../../helpers';
import { findPython } from '../../../scripts/course/python';

/** Fresh inputs every run: random bit patterns, log-uniform magnitudes, and exact ties of the 8-bit grids. */
function freshInputs(n: number): Float32Array {
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 3;
    if (kind === 0) bits[i] = (Math.random() * 2 ** 32) >>> 0;
    else {
      const f = new Float32Array(1);
      const magnitude = 2 ** (Math.random() * 300 - 150);
      // kind 2 lands on a value with few mantissa bits, where ties between neighbours are likely
      f[0] = (Math.random() < 0.5 ? -1 : 1) * (kind === 1 ? magnitude : Math.round(magnitude * 64) / 64);
      bits[i] = new Uint32Array(f.buffer)[0]!;
    }
  }
  return new Float32Array(bits.buffer);
}

describe('live cross-check against ml_dtypes', function () {
  const found = findPython(['ml_dtypes', 'numpy']);
  const formats = FLOAT_FORMAT_NAMES.filter((n) => n !== 'float32' && n !== 'tf32'); // ml_dtypes has neither

  before(function () {
    if ('reason' in found) {
      console.log(`      skipped: ${found.reason}`);
      this.skip();
    }
  });

  it(`agrees bit for bit on 60000 fresh random inputs in all ${formats.length} ml_dtypes formats`, () => {
    const python = (found as { python: string }).python;
    const input = freshInputs(60000);
    const r = spawnSync(python, [path.join(__dirname, '../../oracles/ml_dtypes_cast.py'), ...formats], {
      input: Buffer.from(input.buffer),
      maxBuffer: 1 << 28,
    });
    expect(r.status, String(r.stderr)).to.equal(0);
    const oracle = new Uint32Array(r.stdout.buffer, r.stdout.byteOffset, (r.stdout.length / 4) | 0);
    const inBits = bitsOf(input);
    formats.forEach((name, k) => {
      const got = bitsOf(roundArray(input, name));
      const want = oracle.subarray(k * input.length, (k + 1) * input.length);
      const wrong: string[] = [];
      for (let i = 0; i < input.length; i++) {
        if (got[i] !== want[i]) wrong.push(`${hex(inBits[i]!)} -> ${hex(got[i]!)}, ml_dtypes ${hex(want[i]!)}`);
      }
      expect(wrong, `${name}: ${wrong.length} differ\n${wrong.slice(0, 5).join('\n')}`).to.be.empty;
    });
  });
});
