import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  blockFp8MatMul,
  blockFp8Quantize,
  DelayedScaling,
  DisabledLossScaler,
  DynamicLossScaler,
  LossScaleOptimizer,
  HistogramObserver,
  log2Histogram,
  memoryPlan,
  MinMaxObserver,
  MixedDense,
  MovingAverageMinMaxObserver,
  mxQuantize,
  nvfp4Quantize,
  OptionError,
  PerChannelMinMaxObserver,
  fakeCast,
  roundArray,
  roundValue,
  sumInFormat,
  useBackend,
} from '../../src/mp';
import { checkOptionKeys } from '../../src/mp/errors';

/** The OptionError `call` throws; fails the test when it throws none. */
async function optionError(call: () => unknown): Promise<OptionError> {
  try {
    await call();
  } catch (e) {
    if (e instanceof OptionError) return e;
    throw e;
  }
  throw new Error('no OptionError');
}

describe('checkOptionKeys', () => {
  it('names the unknown key and every valid one', () => {
    expect(() => checkOptionKeys('f', { histroyLength: 4, margin: 0 }, ['historyLength', 'margin']))
      .to.throw(OptionError, 'f has no option "histroyLength". Valid options: historyLength, margin.')
      .with.property('validValues')
      .that.deep.equals(['historyLength', 'margin']);
  });

  it('lists every unknown key, and accepts undefined and known keys', () => {
    expect(() => checkOptionKeys('f', { a: 1, b: 2 }, ['c'])).to.throw(OptionError, /no option "a", "b"/);
    expect(() => checkOptionKeys('f', undefined, ['c'])).not.to.throw();
    expect(() => checkOptionKeys('f', { c: undefined }, ['c'])).not.to.throw();
  });

  it('rejects options that are not an object, saying what they are', () => {
    for (const bad of [null, 3, 'x', [1]]) {
      expect(() => checkOptionKeys('f', bad, ['c']), String(bad)).to.throw(
        OptionError,
        /f's options must be an object/,
      );
    }
  });
});

describe('every public function of the library rejects an unknown option', () => {
  before(async () => {
    await useBackend('cpu');
  });

  const x = Float32Array.of(1, 2);
  const calls: Record<string, (bogus: object) => unknown> = {
    fakeCast: (o) => tf.tidy(() => fakeCast(tf.tensor1d(x), 'float16', o)),
    roundArray: (o) => roundArray(x, 'float16', o),
    roundValue: (o) => roundValue(1, 'float16', o),
    useBackend: (o) => useBackend('cpu', o),
    log2Histogram: (o) => log2Histogram(x, o),
    sumInFormat: (o) => sumInFormat(x, 'float16', o),
    memoryPlan: (o) => memoryPlan({ params: 1, activations: 1, policy: 'float32', optimizer: 'adam', ...o }),
    DynamicLossScaler: (o) => new DynamicLossScaler(o),
    LossScaleOptimizer: (o) => new LossScaleOptimizer(tf.train.sgd(1), new DisabledLossScaler(), 'float32', o),
    MixedDense: (o) => new MixedDense({ units: 1, ...o }),
    MinMaxObserver: (o) => new MinMaxObserver(o),
    MovingAverageMinMaxObserver: (o) => new MovingAverageMinMaxObserver(o),
    PerChannelMinMaxObserver: (o) => new PerChannelMinMaxObserver(o),
    HistogramObserver: (o) => new HistogramObserver(o),
    DelayedScaling: (o) => new DelayedScaling(o),
    mxQuantize: (o) => mxQuantize(x, 'MXFP8_E4M3', 32, o),
    nvfp4Quantize: (o) => nvfp4Quantize(x, o),
    blockFp8Quantize: (o) => blockFp8Quantize(x, o),
    blockFp8MatMul: (o) => blockFp8MatMul(x, x, 1, 2, 1, o),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(name, async () => {
      const e = await optionError(() => call({ bogusOption: 1 }));
      expect(e.message).to.match(/no option "bogusOption". Valid options: \w/);
      expect(e.option).to.equal('bogusOption');
    });
  }
});
