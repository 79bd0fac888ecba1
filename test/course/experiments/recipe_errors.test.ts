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

/** Rows whose scales span 2^-(octaves-1) .. 2^0, as gradients of different examples do. */
function rowsOfScales(rows: number, cols: number, octaves = 13): Float32Array {
  return Float32Array.from(
    { length: rows * cols },
    (_, i) => Math.sin(i * 0.7) * 2 ** -(Math.floor(i / cols) % octaves),
  );
}

describe('recipeCastErrors', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it("measures each recipe's own cast: per-tensor, DeepSeek's tiles and MXFP8 as their array forms give", async () => {
    const [x, w, dy] = [rowsOfScales(16, 256), rowsOfScales(256, 32), rowsOfScales(16, 32)];
    const t = (v: Float32Array, r: number, c: number) => tf.tensor2d(v, [r, c]);
    const rows = await recipeCastErrors({ input: t(x, 16, 256), weight: t(w, 256, 32), grad: t(dy, 16, 32) });
    expect(rows).to.have.length(5 * 3);
    const find = (recipe: string, operand: string) => rows.find((r) => r.recipe === recipe && r.operand === operand)!;
    expect(find('current', 'grad').error).to.deep.equal(perTensorQuantize(dy, 'float8_e5m2').error);
    expect(find('current-e4m3', 'grad').error).to.deep.equal(perTensorQuantize(dy, 'float8_e4m3fn').error);
    expect(find('current-e4m3', 'input').error).to.deep.equal(find('current', 'input').error);
    expect(find('deepseek', 'input').error).to.deep.equal(blockFp8Quantize(x, { shape: [16, 256] }).error);
    const mx = mxQuantize(w, 'MXFP8_E4M3', 32, { shape: [256, 32], axis: 0, scaleRule: 'round-up' });
    expect(find('mxfp8', 'weight').error).to.deep.equal(mx.error);
    expect(find('nvfp4', 'input').bitsPerValue).to.equal(4 + 8 / 16);
    // the worst slice is never better than the whole
    for (const r of rows) expect(r.worstSliceRelativeRmse).to.be.at.least(r.error.relativeRmse * (1 - 1e-6));
  });

  it('tells a finer scale from a wider element: with e4m3 on both, tiles win on the rows one scale leaves tiny', async () => {
    const t = (v: Float32Array, r: number, c: number) => tf.tensor2d(v, [r, c]);
    const dy = t(rowsOfScales(16, 32, 16), 16, 32); // rows down to 2^-15 of the largest: among e4m3 subnormals
    const rows = await recipeCastErrors({ input: dy, weight: t(rowsOfScales(32, 8), 32, 8), grad: dy });
    const find = (recipe: string) => rows.find((r) => r.recipe === recipe && r.operand === 'grad')!;
    const [tiles, tensor] = [find('deepseek'), find('current-e4m3')];
    expect(tiles.worstSliceRelativeRmse).to.be.below(tensor.worstSliceRelativeRmse / 2);
  });

  it('rejects an operand that is not a matrix', async () => {
    const m = tf.zeros([2, 2]) as tf.Tensor2D;
    let error: unknown;
    await recipeCastErrors({ input: m, weight: tf.zeros([4]) as never, grad: m }).catch((e) => (error = e));
    expect(error).to.be.instanceOf(OptionError);
  });
});
