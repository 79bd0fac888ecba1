import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { FORMAT_NAMES, getFormat, OptionError, fakeCast, roundArray, useBackend } from '../../../src/mp';
import type { RoundOptions } from '../../../src/mp/formats/round_options';
import { bitsOf, fixture, floatsFromBits, hex } from '../../helpers';

const input = floatsFromBits(fixture<{ input: number[] }>('cast_vectors.json').input);
const VARIANTS: RoundOptions[] = [
  {},
  { rounding: 'toward-zero' },
  { overflow: 'saturate' },
  { flushSubnormals: true },
  { rounding: 'stochastic', seed: 7 },
];
const label = (o: RoundOptions): string => JSON.stringify(o);

function firstDifferences(got: Uint32Array, want: Uint32Array, same: (i: number) => boolean): string[] {
  const wrong: string[] = [];
  for (let i = 0; i < want.length && wrong.length < 5; i++) {
    if (!same(i)) wrong.push(`${input[i]} (${hex(bitsOf(input)[i]!)}): ${hex(got[i]!)}, want ${hex(want[i]!)}`);
  }
  return wrong;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fakeCast on the ${backend} backend`, () => {
    before(async () => {
      await useBackend(backend);
    });

    for (const name of FORMAT_NAMES) {
      it(`equals roundArray bit for bit for ${name} with every rounding variant`, () => {
        for (const options of VARIANTS) {
          const want = bitsOf(roundArray(input, name, options));
          const y = fakeCast(tf.tensor1d(input), name, options);
          const got = bitsOf(y.dataSync() as Float32Array);
          tf.dispose(y);
          const wrong = firstDifferences(got, want, (i) => got[i] === want[i]);
          expect(wrong, `${label(options)}\n${wrong.join('\n')}`).to.be.empty;
        }
      });
    }

    it('handles empty and multi-dimensional tensors', () => {
      expect(fakeCast(tf.zeros([0, 3]), 'float16').shape).to.deep.equal([0, 3]);
      const y = fakeCast(
        tf.tensor2d([
          [0.1, 0.2],
          [0.3, 70000],
        ]),
        'float16',
      );
      expect(y.shape).to.deep.equal([2, 2]);
      expect(y.arraySync()).to.deep.equal([
        [0.0999755859375, 0.199951171875],
        [0.300048828125, Infinity],
      ]);
    });

    it('leaks no tensors, forward or backward', () => {
      const x = tf.tensor1d([0.1, 1e-8, 3]);
      const before = tf.memory().numTensors;
      for (const gradient of ['straight-through', 'round'] as const) {
        tf.dispose(fakeCast(x, 'bfloat16', { gradient }));
        tf.dispose(tf.grad((t: tf.Tensor) => fakeCast(t, 'float16', { gradient }).sum())(x));
      }
      tf.dispose(fakeCast(x, 'float8_e5m2', { implementation: 'ops' }));
      expect(tf.memory().numTensors).to.equal(before);
      x.dispose();
    });

    it("passes the gradient straight through by default, and rounds it with gradient: 'round'", () => {
      const x = tf.tensor1d([1, 2, 3]);
      const dy = tf.tensor1d([1e-8, 0.1, 1e5]); // underflows, rounds, overflows in float16
      const vjp = (gradient: 'straight-through' | 'round'): number[] => {
        const g = tf.tidy(() => tf.grad((t: tf.Tensor) => fakeCast(t, 'float16', { gradient }).mul(dy).sum())(x));
        const out = Array.from(g.dataSync());
        g.dispose();
        return out;
      };
      expect(vjp('straight-through')).to.deep.equal(Array.from(dy.dataSync()));
      expect(vjp('round')).to.deep.equal([0, 0.0999755859375, Infinity]);
      tf.dispose([x, dy]);
    });
  });
}

for (const backend of ['cpu', 'wasm'] as const)
  describe(`fakeCast: the pure-ops path (for GPU backends) on the ${backend} backend`, () => {
    before(async () => {
      await useBackend(backend);
    });

    for (const name of FORMAT_NAMES) {
      it(`equals the exact kernel value for value for ${name}`, () => {
        const f = getFormat(name);
        for (const options of VARIANTS.filter((o) => o.rounding !== 'stochastic')) {
          const [exact, ops] = tf.tidy(() =>
            [
              fakeCast(tf.tensor1d(input), f, options),
              fakeCast(tf.tensor1d(input), f, { ...options, implementation: 'ops' }),
            ].map((t) => t.dataSync() as Float32Array),
          );
          // NaN payloads and, where NaN becomes a zero, that zero's sign, are unspecified on this path.
          const nanToZero = f.kind === 'float' && f.nan === 'none';
          const same = (i: number): boolean =>
            Object.is(ops![i], exact![i]) ||
            (Number.isNaN(input[i]!) && (nanToZero ? ops![i] === 0 : Number.isNaN(ops![i]!)));
          const wrong = firstDifferences(bitsOf(ops!), bitsOf(exact!), same);
          expect(wrong, `${label(options)}\n${wrong.join('\n')}`).to.be.empty;
        }
      });
    }

    it('rounds stochastically without bias', () => {
      const n = 100_000;
      const x = 1 + 0.25 * 2 ** -10;
      const rounded = tf.tidy(() =>
        fakeCast(tf.fill([n], x), 'float16', { rounding: 'stochastic', seed: 3, implementation: 'ops' }).dataSync(),
      );
      const mean = Array.from(rounded).reduce((s, v) => s + v, 0) / n; // in float64: a float32 sum of 1e5 terms is too coarse
      const standardError = 2 ** -10 * Math.sqrt((0.25 * 0.75) / n);
      expect(Math.abs(mean - x)).to.be.below(5 * standardError);
    });
  });

describe('fakeCast: bad input', () => {
  it('rejects non-tensors, int32 tensors, unknown formats and unknown modes with the valid choices', () => {
    const x = tf.tensor1d([1]);
    expect(() => fakeCast([1] as never, 'float16')).to.throw(OptionError, /needs a tf.Tensor. Received: Array/);
    expect(() => fakeCast(tf.tensor1d([1], 'int32'), 'float16')).to.throw(OptionError, /float32 tensor.*int32/);
    expect(() => fakeCast(x, 'fp8')).to.throw(/Unknown format 'fp8'. Valid formats: float32, tf32/);
    expect(() => fakeCast(x, 'float16', { gradient: 'ste' as never })).to.throw(
      OptionError,
      /"straight-through", "round"/,
    );
    expect(() => fakeCast(x, 'float16', { implementation: 'gpu' as never })).to.throw(
      OptionError,
      /"auto", "kernel", "ops"/,
    );
    x.dispose();
  });
});
