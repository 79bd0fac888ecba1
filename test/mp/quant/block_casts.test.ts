import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { blockFp8Quantize, MX_SCALE_RULES, mxQuantize, nvfp4Quantize, useBackend } from '../../../src/mp';
import { blockFp8CastTensor } from '../../../src/mp/quant/block_fp8';
import { mxCastTensor } from '../../../src/mp/quant/mx';
import { nvfp4CastTensor } from '../../../src/mp/quant/nvfp4';
import { bitsOf } from '../../helpers';

/** Rows over 12 binades, exact powers of two and an all-zero row among them. */
function matrix(rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, i) => {
    const r = Math.floor(i / cols);
    if (r === 2) return 0;
    if (i % 37 === 0) return 2 ** ((i % 11) - 5);
    return Math.sin(i * 1.3) * 2 ** ((r % 12) - 6);
  });
}
const run = (x: Float32Array, shape: [number, number], cast: (t: tf.Tensor2D) => tf.Tensor2D): number[] =>
  tf.tidy(() => Array.from(bitsOf(cast(tf.tensor2d(x, shape)).dataSync() as Float32Array)));
const bits = (a: Float32Array): number[] => Array.from(bitsOf(a));

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`block casts as tfjs ops equal their array forms on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });

    for (const format of ['MXFP8_E4M3', 'MXFP8_E5M2', 'MXFP6_E2M3', 'MXFP4_E2M1']) {
      it(`${format}, blocks along the rows and down the columns`, () => {
        const x = matrix(40, 70);
        for (const axis of [0, 1] as const) {
          for (const scaleRule of MX_SCALE_RULES) {
            const expected = mxQuantize(x, format, 32, { shape: [40, 70], axis, scaleRule }).dequantized;
            expect(
              run(x, [40, 70], (t) => mxCastTensor(t, format, axis, 32, scaleRule)),
              `axis ${axis}, ${scaleRule}`,
            ).to.deep.equal(bits(expected));
          }
        }
      });
    }

    it('NVFP4 in 1×16 and 16×16 tiles', () => {
      const x = matrix(20, 40);
      for (const tileShape of [
        [1, 16],
        [16, 16],
      ] as const) {
        const expected = nvfp4Quantize(x, { shape: [20, 40], tileShape }).dequantized;
        expect(run(x, [20, 40], (t) => nvfp4CastTensor(t, tileShape))).to.deep.equal(bits(expected));
      }
    });

    it('DeepSeek block FP8 in 1×128 and 128×128 tiles', () => {
      const x = matrix(130, 140);
      for (const tileShape of [
        [1, 128],
        [128, 128],
      ] as const) {
        const expected = blockFp8Quantize(x, { shape: [130, 140], tileShape }).dequantized;
        expect(run(x, [130, 140], (t) => blockFp8CastTensor(t, tileShape))).to.deep.equal(bits(expected));
      }
    });
  });
}
