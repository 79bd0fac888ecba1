import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { getFormat, roundArray, useBackend } from '../../../src/mp';
import type { FloatFormat } from '../../../src/mp/formats/spec';
import {
  amaxOf,
  castWithCurrentScale,
  FLOAT32_MAX,
  scaledCast,
  scaledCastArray,
  scaleFromAmax,
} from '../../../src/mp/ops/scaled_cast';
import { bitsOf } from '../../helpers';

const e4m3 = getFormat('float8_e4m3fn') as FloatFormat;
const e5m2 = getFormat('float8_e5m2') as FloatFormat;
const wide = Float32Array.from({ length: 257 }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 9) - 4));

describe('the one scaled cast q(x·s)·s⁻¹', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it("turns an amax into TE's scale: float32 (max / amax) / 2^margin, the previous one where amax says nothing", () => {
    expect(scaleFromAmax(3.5, 448)).to.equal(128);
    expect(scaleFromAmax(3, 448)).to.equal(Math.fround(448 / 3));
    expect(scaleFromAmax(3, 448, 2)).to.equal(Math.fround(448 / 3) / 4);
    for (const amax of [0, NaN, Infinity]) expect(scaleFromAmax(amax, 448, 0, 64), String(amax)).to.equal(64);
    expect(scaleFromAmax(1e-41, 448)).to.equal(FLOAT32_MAX);
    expect(FLOAT32_MAX).to.equal(Math.fround(FLOAT32_MAX));
    expect(Math.fround(FLOAT32_MAX * (1 + 2 ** -23))).to.equal(Infinity);
  });

  it('takes amax as fmaxf does: NaN skipped, infinity kept', () => {
    expect(amaxOf([1, -3, NaN, 2])).to.equal(3);
    expect(amaxOf([1, -Infinity])).to.equal(Infinity);
    expect(amaxOf([])).to.equal(0);
  });

  it('rounds x·s to float32, casts saturating, and multiplies by the float32 inverse', () => {
    const s = Math.fround(448 / 3);
    const { elements, dequantized } = scaledCastArray(Float32Array.of(1, -3, 5, NaN), e4m3, s);
    const xs = Float32Array.of(1 * s, -3 * s, 5 * s, NaN);
    expect(Array.from(elements)).to.deep.equal(Array.from(roundArray(xs, e4m3, { overflow: 'saturate' })));
    expect(elements[2]).to.equal(448);
    expect(Array.from(dequantized)).to.deep.equal(
      Array.from(Float32Array.from(elements, (q) => q * Math.fround(1 / s))),
    );
  });

  it('clamps an integer grid symmetrically, so int8 elements stay in ±127', () => {
    const { elements } = scaledCastArray(Float32Array.of(-200, -127.6, 127.6, 3.5), 'int8', 1, 1);
    expect(Array.from(elements)).to.deep.equal([-127, -127, 127, 4]);
  });

  it('gives each block its own scale and inverse', () => {
    const { dequantized } = scaledCastArray(
      Float32Array.of(1, 1, 1),
      e4m3,
      Float32Array.of(2, 4),
      Float32Array.of(1, 0.5),
      Int32Array.of(0, 1, 1),
    );
    expect(Array.from(dequantized)).to.deep.equal([2, 2, 2]);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`runs the same bits as tfjs ops on ${backend}`, async () => {
      await useBackend(backend);
      const s = Math.fround(57344 / 7.3);
      const y = tf.tidy(() => scaledCast(tf.tensor1d(wide), e5m2, s).dataSync() as Float32Array);
      expect(Array.from(bitsOf(y))).to.deep.equal(Array.from(bitsOf(scaledCastArray(wide, e5m2, s).dequantized)));
      const current = tf.tidy(() => castWithCurrentScale(tf.tensor1d(wide), e4m3).dataSync() as Float32Array);
      const expected = scaledCastArray(wide, e4m3, scaleFromAmax(amaxOf(wide), 448)).dequantized;
      expect(Array.from(bitsOf(current))).to.deep.equal(Array.from(bitsOf(expected)));
    });
  }

  it('casts current scaling with scale 1 for an all-zero or infinite tensor, and lets inf through under ieee', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      expect(Array.from(castWithCurrentScale(tf.zeros([3]), e4m3).dataSync())).to.deep.equal([0, 0, 0]);
      expect(Array.from(castWithCurrentScale(tf.tensor1d([Infinity, 1]), e5m2, 'ieee').dataSync())).to.deep.equal([
        Infinity,
        1,
      ]);
      expect(Array.from(castWithCurrentScale(tf.tensor1d([Infinity, 1]), e5m2).dataSync())).to.deep.equal([57344, 1]);
    });
  });
});
