import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { FP8_RECIPES, OptionError, trainMnistFp8, trainMnistFp8Delayed, useBackend } from '../../../src/course/index';
import type { Fp8TrainResult } from '../../../src/course/experiments/fp8_training';

describe('FP8 training with delayed scaling (trainMnistFp8Delayed)', function () {
  this.timeout(120_000);
  let result: Fp8TrainResult;
  let leaked = 0;
  const reports: number[] = [];

  before(async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    result = await trainMnistFp8Delayed({
      epochs: 2,
      trainLimit: 2500,
      historyLength: 4,
      onProgress: (p) => reports.push(p.batch),
    });
    leaked = tf.memory().numTensors - before;
  });

  it('learns MNIST in FP8 (e4m3 forward, e5m2 gradients) and leaks no tensors', () => {
    expect(result.testAccuracy).to.be.above(0.7); // 2000 images, 2 epochs
    expect(result.epochs).to.have.length(2);
    expect(leaked).to.equal(0);
    expect(reports.length).to.be.above(2);
  });

  it('traces six tensors, one entry per step, in their formats', () => {
    expect(result.traces.map((t) => `${t.tensor}:${t.format}`)).to.deep.equal([
      'dense1 input:float8_e4m3fn',
      'dense1 weight:float8_e4m3fn',
      'dense1 output grad:float8_e5m2',
      'dense2 input:float8_e4m3fn',
      'dense2 weight:float8_e4m3fn',
      'dense2 output grad:float8_e5m2',
    ]);
    const steps = 2 * Math.ceil(2000 / 128);
    for (const t of result.traces) expect(t.amax, t.tensor).to.have.length(steps);
  });

  it('casts with scale 1 first, then with maxFinite / max(last historyLength amax values)', () => {
    const t = result.traces.find((x) => x.tensor === 'dense2 output grad')!;
    expect(t.scale[0]).to.equal(1);
    expect(t.historyAmax[0]).to.equal(0);
    for (let k = 1; k < t.amax.length; k++) {
      const window = t.amax.slice(Math.max(0, k - 4), k);
      expect(t.historyAmax[k]).to.equal(Math.max(...window));
      expect(t.scale[k]).to.equal(Math.fround(57344 / Math.max(...window)));
    }
  });

  it('keeps gradients that e5m2 would flush to zero without a scale', () => {
    const t = result.traces.find((x) => x.tensor === 'dense2 output grad')!;
    const mean = (v: number[]) => v.slice(1).reduce((a, b) => a + b, 0) / (v.length - 1);
    expect(mean(t.underflowUnscaled)).to.be.above(0);
    expect(mean(t.underflow)).to.be.below(mean(t.underflowUnscaled) / 10);
  });

  it('rejects bad options with typed errors', async () => {
    const errorOf = async (options: object): Promise<unknown> => {
      try {
        await trainMnistFp8(options);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(await errorOf({ epochs: 0 })).to.be.instanceOf(OptionError);
    expect(await errorOf({ recipe: 'fp8' }))
      .to.be.instanceOf(OptionError)
      .with.property('validValues')
      .that.includes('mxfp8');
    expect(String(await errorOf({ histroyLength: 4 }))).to.match(/no option "histroyLength". Valid options: epochs/);
    expect(String(await errorOf({ recipe: 'mxfp8', historyLength: 4 }))).to.match(
      /historyLength applies to recipe 'delayed'/,
    );
    expect(String(await errorOf({ recipe: 'nvfp4', forwardFormat: 'float8_e5m2' }))).to.match(
      /'delayed' and 'current'/,
    );
  });
});

describe('the same MLP under each low-precision recipe (trainMnistFp8)', function () {
  this.timeout(240_000);
  const runs: Record<string, Fp8TrainResult> = {};
  let leaked = 0;

  before(async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    for (const recipe of FP8_RECIPES.filter((r) => r !== 'delayed')) {
      runs[recipe] = await trainMnistFp8({ recipe, epochs: 2, trainLimit: 2500 });
    }
    leaked = tf.memory().numTensors - before;
  });

  it('learns MNIST under current scaling, DeepSeek blocks, MXFP8 and NVFP4, and leaks no tensors', () => {
    for (const [recipe, r] of Object.entries(runs)) {
      expect(r.testAccuracy, recipe).to.be.above(0.7);
      expect(r.recipe).to.equal(recipe);
      expect(r.emulates.length, recipe).to.be.above(40);
      expect(r.traces, recipe).to.be.empty;
    }
    expect(leaked).to.equal(0);
  });

  it('reports the bits each value costs: element bits plus its share of a block scale', () => {
    expect(runs.current!.bitsPerValue).to.deep.equal({ input: 8, weight: 8, grad: 8 });
    expect(runs.deepseek!.bitsPerValue).to.deep.equal({ input: 8 + 32 / 128, weight: 8 + 32 / 16384, grad: 8.25 });
    expect(runs.mxfp8!.bitsPerValue).to.deep.equal({ input: 8.25, weight: 8.25, grad: 8.25 });
    expect(runs.nvfp4!.bitsPerValue).to.deep.equal({ input: 4.5, weight: 4 + 8 / 256, grad: 4.5 });
  });
});
