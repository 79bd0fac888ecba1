import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  FitProgress,
  lossCurvesFigure,
  MixedDense,
  OptionError,
  progressRecorder,
  useBackend,
} from '../../../src/course/index';

describe('training curves', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('FitProgress records every batch loss and each epoch validation accuracy of model.fit', async () => {
    const model = tf.sequential({
      layers: [new MixedDense({ units: 3, policy: 'mixed_bfloat16', inputShape: [4], seed: 1 })],
    });
    model.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.randomUniform([50, 4], 0, 1, 'float32', 1);
    const y = tf
      .oneHot(
        tf.tensor1d(
          [...Array(50).keys()].map((i) => i % 3),
          'int32',
        ),
        3,
      )
      .toFloat();
    const run = new FitProgress('test', { show: false });
    await model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.2, callbacks: run, verbose: 0 });
    // 40 training rows in batches of 16: 3 batches per epoch
    expect(run.points).to.have.length(6);
    expect(run.points.map((p) => p.epoch)).to.deep.equal([1 / 3, 2 / 3, 1, 1 + 1 / 3, 1 + 2 / 3, 2]);
    expect(run.points.every((p) => Number.isFinite(p.loss) && p.loss > 0)).to.equal(true);
    expect(run.valAccuracy).to.have.length(2);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('progressRecorder keeps batch reports and end-of-epoch accuracies apart', () => {
    const run = progressRecorder('r', { show: false });
    run.onProgress({ epoch: 0, epochs: 1, batch: 2, batches: 4, loss: 2 });
    run.onProgress({ epoch: 0, epochs: 1, batch: 4, batches: 4, loss: 1 });
    run.onProgress({ epoch: 0, epochs: 1, batch: 4, batches: 4, loss: 1, valAccuracy: 0.5 });
    expect(run.points).to.deep.equal([
      { epoch: 0.5, loss: 2 },
      { epoch: 1, loss: 1 },
    ]);
    expect(run.valAccuracy).to.deep.equal([0.5]);
  });

  it('lossCurvesFigure draws one line per run and rejects bad input with typed errors', () => {
    const a = progressRecorder('a', { show: false });
    a.onProgress({ epoch: 0, epochs: 1, batch: 1, batches: 1, loss: 3 });
    const fig = lossCurvesFigure('Loss', [a], { logY: true });
    expect(fig.data).to.have.length(1);
    expect(fig.data[0]).to.include({ name: 'a' });
    expect(fig.data[0]!.y).to.deep.equal([3]);
    expect((fig.layout['yaxis'] as { type?: string }).type).to.equal('log');
    expect(() => lossCurvesFigure('Loss', [])).to.throw(OptionError);
    expect(() => progressRecorder('x', { every: 0 })).to.throw(OptionError, /every/);
  });
});
