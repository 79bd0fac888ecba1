import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  activationPeaks,
  AUTOCAST_OPS,
  autocastFormat,
  evaluateBlock,
  OptionError,
  Precision,
  reversalBatch,
  reversalBatches,
  REVERSAL_TASK,
  stressBlock,
  stressFigure,
  trainBlock,
  TransformerBlock,
  useBackend,
} from '../../../src/course/index';

const small = { vocab: REVERSAL_TASK.vocab, length: REVERSAL_TASK.length, dim: 8 };
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('the transformer block of lesson 4', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('makes reversal batches whose targets are the tokens reversed, the same for the same seed', () => {
    const { tokens, targets } = reversalBatch(3, () => 0.7, { vocab: 10, length: 4 });
    expect(tokens.arraySync()).to.deep.equal([
      [7, 7, 7, 7],
      [7, 7, 7, 7],
      [7, 7, 7, 7],
    ]);
    const [a, b] = [reversalBatches(1, 3)[0]!, reversalBatches(1, 3)[0]!];
    expect(values(a.tokens)).to.deep.equal(values(b.tokens));
    const t = a.tokens.arraySync()[0]!;
    expect(a.targets.arraySync()[0]).to.deep.equal([...t].reverse());
    tf.dispose([tokens, targets, a.tokens, a.targets, b.tokens, b.targets]);
  });

  it('draws the same weights for the same seed, seed 0 included', () => {
    for (const seed of [0, 1]) {
      const [a, b] = [new TransformerBlock({ ...small, seed }), new TransformerBlock({ ...small, seed })];
      a.variables.forEach((v, i) =>
        expect(values(v), `seed ${seed}, ${v.name}`).to.deep.equal(values(b.variables[i]!)),
      );
      a.dispose();
      b.dispose();
    }
  });

  it('gives each op the format the autocast table gives it, and records them', () => {
    const block = new TransformerBlock(small);
    const p = new Precision('mixed_float16');
    const { tokens, targets } = reversalBatches(1, 1, 2)[0]!;
    tf.tidy(() => {
      block.loss(tokens, targets, p);
    });
    expect(p.trace.length).to.be.above(10);
    for (const t of p.trace) expect(t.output).to.equal(autocastFormat(t.op, 'mixed_float16', t.inputs).name);
    const add = p.trace.find((t) => t.op === 'add')!;
    expect(add, 'the residual stream stays float32: add promotes').to.deep.include({ output: 'float32' });
    expect(p.trace.find((t) => t.op === 'linear')!.output).to.equal('float16');
    tf.dispose([tokens, targets]);
    block.dispose();
  });

  it('moves a changed rule and only that one, and rejects an op the block does not run', () => {
    const p = new Precision('mixed_float16', { layer_norm: 'compute' });
    expect(p.table.layer_norm!.rule).to.equal('compute');
    expect(p.table.softmax).to.equal(AUTOCAST_OPS.softmax);
    expect(AUTOCAST_OPS.layer_norm!.rule, 'the shared table is untouched').to.equal('float32');
    expect(() => new Precision('mixed_float16', { conv2d: 'compute' } as never)).to.throw(
      OptionError,
      /no op "conv2d"/,
    );
  });

  it('rescaled copies compute the same function in float32, with activations c times larger', async () => {
    const block = new TransformerBlock(small);
    const { tokens } = reversalBatches(1, 2, 4)[0]!;
    const p = new Precision('float32');
    const base = tf.tidy(() => block.logits(tokens, p));
    for (const by of [{ residual: 64 }, { queryKey: 16 }, { scaleFirst: true }]) {
      const copy = block.rescaled(by);
      const logits = tf.tidy(() => copy.logits(tokens, p));
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(logits, base))).dataSync()[0]!);
      expect(diff, JSON.stringify(by)).to.be.below(1e-3);
      tf.dispose(logits);
      copy.dispose();
    }
    const big = block.rescaled({ residual: 64 });
    const [peaks, bigger] = [await activationPeaks(block), await activationPeaks(big)];
    big.dispose();
    expect(bigger.normDeviation / peaks.normDeviation).to.be.closeTo(64, 0.01);
    expect(bigger.residual / peaks.residual).to.be.closeTo(64, 0.01);
    expect(peaks.normDeviation, '|x − μ| ≤ 2·max|x|').to.be.at.most(2 * peaks.residual);
    expect(() => block.rescaled({ residual: 0 })).to.throw(OptionError, /residual must be a finite number > 0/);
    const wrong = tf.zeros([2, 3], 'int32') as tf.Tensor2D;
    expect(() => block.logits(wrong, p)).to.throw(OptionError, /tokens must be int32 \[batch, 8\]/);
    wrong.dispose();
    tf.dispose([base, tokens]);
    block.dispose();
  });

  it('a float16 layer norm stops predicting once (c·|x − μ|)² overflows, without an inf in the logits', async () => {
    const { block } = await trainBlock({ policy: 'float32', steps: 30, keepBlock: true });
    const peaks = await activationPeaks(block!);
    const c = 2 ** Math.ceil(Math.log2((2 * 256) / peaks.normDeviation)); // well past the overflow
    const rows = await stressBlock(block!, 'residual', [1, c], {
      table: { precision: new Precision('mixed_float16') },
      'layer_norm in float16': { precision: new Precision('mixed_float16', { layer_norm: 'compute' }) },
    });
    const [at1, atC] = rows;
    expect(at1!.accuracy['layer_norm in float16']).to.be.closeTo(at1!.accuracy.table!, 0.02);
    expect(atC!.accuracy.table).to.equal(at1!.accuracy.table);
    expect(atC!.accuracy['layer_norm in float16']).to.be.below(at1!.accuracy.table! - 0.3);
    expect(atC!.nonFinite['layer_norm in float16']).to.equal(0);
    const fig = stressFigure('t', rows);
    expect(fig.data.map((d) => d.name)).to.deep.equal(['table', 'layer_norm in float16']);
    expect(fig.data[1]!.y).to.deep.equal(rows.map((r) => 100 * r.accuracy['layer_norm in float16']!));
    expect((await evaluateBlock(block!, new Precision('float32'))).accuracy).to.be.at.least(
      at1!.accuracy.table! - 0.01,
    );
    block!.dispose();
  });

  // l4.q5's setting: the lesson's block, residual stream ×512 and q, k ×256, every op but the kept ones in float16
  it('predicts in float16 with layer_norm kept and q, k scaled first, and not with either taken away', async () => {
    const { block } = await trainBlock({ policy: 'mixed_float16', keepBlock: true });
    const accuracy = async (keep: string[], scaleFirst: boolean): Promise<number> => {
      const moved = (['softmax', 'layer_norm', 'cross_entropy', 'add'] as const).filter((op) => !keep.includes(op));
      const copy = block!.rescaled({ residual: 512, queryKey: 256, scaleFirst });
      const p = new Precision('mixed_float16', Object.fromEntries(moved.map((op) => [op, 'compute' as const])));
      const result = await evaluateBlock(copy, p);
      copy.dispose();
      return result.accuracy;
    };
    const float32 = (await evaluateBlock(block!, new Precision('float32'))).accuracy;
    expect(await accuracy(['layer_norm'], true)).to.equal(float32);
    expect(await accuracy(['layer_norm'], false), 'the product q·kᵀ overflows').to.be.below(float32 - 0.5);
    expect(await accuracy(['softmax', 'cross_entropy', 'add'], true), 'the variance overflows').to.be.below(
      float32 - 0.5,
    );
    block!.dispose();
  });
});
