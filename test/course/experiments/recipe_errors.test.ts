import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  blockFp8Quantize,
  mxQuantize,
  OptionError,
  perTensorQuantize,
  recipeCastErrors,
  useBackend,
} from '../../../src/course/index';

/** Rows whose scales span 2^-12 .. 2^0, as gradients of different examples do. */
function rowsOfScales(rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.7) * 2 ** -(Math.floor(i / cols) % 13));
}

describe('recipeCastErrors', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it("measures each recipe's own cast: per-tensor, DeepSeek's tiles and MXFP8 as their array forms give", async () => {
    const [x, w, dy] = [rowsOfScales(16, 256), rowsOfScales(256, 32), rowsOfScales(16, 32)];
    const t = (v: Float32Array, r: number, c: number) => tf.tensor2d(v, [r, c]);
    const rows = await recipeCastErrors({ input: t(x, 16, 256), weight: t(w, 256, 32), grad: t(dy, 16, 32) });
    expect(rows).to.have.length(4 * 3);
    const find = (recipe: string, operand: string) => rows.find((r) => r.recipe === recipe && r.operand === operand)!;
    expect(find('current', 'grad').error).to.deep.equal(perTensorQuantize(dy, 'float8_e5m2').error);
    expect(find('deepseek', 'input').error).to.deep.equal(blockFp8Quantize(x, { shape: [16, 256] }).error);
    const mx = mxQuantize(w, 'MXFP8_E4M3', 32, { shape: [256, 32], axis: 0, scaleRule: 'round-up' });
    expect(find('mxfp8', 'weight').error).to.deep.equal(mx.error);
    expect(find('nvfp4', 'input').bitsPerValue).to.equal(4 + 8 / 16);
    // rows of different scales: a scale per row beats one per tensor
    expect(find('deepseek', 'grad').error.relativeRmse).to.be.below(find('current', 'grad').error.relativeRmse);
  });

  it('rejects an operand that is not a matrix', async () => {
    const m = tf.zeros([2, 2]) as tf.Tensor2D;
    let error: unknown;
    await recipeCastErrors({ input: m, weight: tf.zeros([4]) as never, grad: m }).catch((e) => (error = e));
    expect(error).to.be.instanceOf(OptionError);
  });
});
