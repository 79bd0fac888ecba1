import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import {
  affineQuantize,
  fakeQuantize,
  fakeQuantizePerChannel,
  HistogramObserver,
  MinMaxObserver,
  OptionError,
  PerChannelMinMaxObserver,
  useBackend,
} from '../../../src/mp';
import { int8Dense, type Int8Layer } from '../../../src/course/models/int8';
import { quantRange } from '../../../src/mp/quant/qparams';

describe('quantization: bad input', () => {
  const x = tf.tensor1d([0.5]);
  const ok = { scale: 0.1, zeroPoint: 0, quantMin: -128, quantMax: 127 };

  it('rejects scale ≤ 0, quantMin ≥ quantMax and a zero point out of range, naming the valid range', () => {
    expect(() => fakeQuantize(x, { ...ok, scale: 0 })).to.throw(
      OptionError,
      /scale must be a finite number > 0. Received: scale=0/,
    );
    expect(() => fakeQuantize(x, { ...ok, scale: -1 })).to.throw(OptionError, /scale=-1/);
    expect(() => fakeQuantize(x, { ...ok, quantMin: 5, quantMax: 5 })).to.throw(
      OptionError,
      /quantMin must be an integer below quantMax/,
    );
    expect(() => fakeQuantize(x, { ...ok, zeroPoint: 200 })).to.throw(
      OptionError,
      /\[-128, 127\]. Received: zeroPoint=200/,
    );
    expect(() =>
      fakeQuantizePerChannel(tf.zeros([2, 3]), { scale: [1], zeroPoint: [0], axis: 0, quantMin: 0, quantMax: 255 }),
    ).to.throw(OptionError, /one scale and one zero point per channel: 2/);
  });

  it('rejects an unknown dtype or qscheme, naming the valid ones', () => {
    expect(() => new MinMaxObserver({ dtype: 'int8' as never })).to.throw(OptionError, /"qint8", "quint8"/);
    expect(() => new MinMaxObserver({ qscheme: 'per_channel_affine' })).to.throw(
      OptionError,
      /"per_tensor_affine", "per_tensor_symmetric"/,
    );
    expect(() => new PerChannelMinMaxObserver({ qscheme: 'affine' as never })).to.throw(
      OptionError,
      /per_channel_affine/,
    );
  });
});

describe('observers', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('halve the integer range with reduceRange', () => {
    expect(quantRange('qint8', true)).to.deep.equal({ quantMin: -64, quantMax: 63 });
    expect(quantRange('quint8', true)).to.deep.equal({ quantMin: 0, quantMax: 127 });
  });

  it('give the symmetric quint8 zero point 128 and scale max|x|/127.5', () => {
    const o = new MinMaxObserver({ qscheme: 'per_tensor_symmetric' });
    o.observe(tf.tensor1d([-2, 1]));
    expect(o.calculateQParams()).to.deep.equal({ scale: Math.fround(2 / 127.5), zeroPoint: 128 });
  });

  it('floor the scale at eps when min == max, and return scale 1, zero point 0 before any data', () => {
    const o = new MinMaxObserver();
    expect(o.calculateQParams()).to.deep.equal({ scale: 1, zeroPoint: 0 });
    o.observe(tf.zeros([4]));
    expect(o.calculateQParams()).to.deep.equal({ scale: 2 ** -23, zeroPoint: 0 });
  });

  it('per channel equal a per-tensor observer run on each channel', () => {
    const w = tf.tensor2d([
      [0.5, -3],
      [-1, 2],
      [0.25, 1],
    ]); // channels along axis 1
    const pc = new PerChannelMinMaxObserver({ dtype: 'qint8', qscheme: 'per_channel_symmetric', chAxis: 1 });
    pc.observe(w);
    const perColumn = [0, 1].map((c) => {
      const o = new MinMaxObserver({ dtype: 'qint8', qscheme: 'per_tensor_symmetric' });
      o.observe(w.slice([0, c], [3, 1]));
      return o.calculateQParams();
    });
    expect(pc.calculateQParams()).to.deep.equal({ scale: perColumn.map((q) => q.scale), zeroPoint: [0, 0] });
  });

  it("HistogramObserver trims a Gaussian's tails where the L2 error says so, and quantizes it better than MinMax", () => {
    // (A single far outlier is kept: clipping it would cost more squared error than the coarser step does.)
    const rand = seedrandom.alea('1');
    const values = Float32Array.from(
      { length: 20000 },
      () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()),
    );
    const [h, m] = [new HistogramObserver(), new MinMaxObserver()];
    const x = tf.tensor1d(values);
    for (const o of [h, m]) o.observe(x);
    const [lo, hi] = h.clippingRange();
    expect(hi - lo).to.be.below(m.maxVal - m.minVal);
    const mse = (q: { scale: number; zeroPoint: number }): number =>
      tf.tidy(
        () => tf.mean(tf.square(tf.sub(fakeQuantize(x, { ...q, quantMin: 0, quantMax: 255 }), x))).dataSync()[0]!,
      );
    expect(mse(h.calculateQParams())).to.be.below(mse(m.calculateQParams()));
    x.dispose();
  });
});

describe('integer inference', () => {
  it("quantizes to the codes fakeQuantize dequantizes: x̂ = (q − zeroPoint)·scale, clipped at the range's ends", () => {
    const p = { scale: 0.02, zeroPoint: 10, quantMin: 0, quantMax: 255 };
    const xs = Float32Array.of(-1.3, -0.26, 0, 0.11, 0.5, 0.51, 2.6, 7.9);
    const codes = affineQuantize(xs, p, new Uint8Array(xs.length));
    const fake = tf.tidy(() => Array.from(fakeQuantize(tf.tensor1d(xs), p).dataSync()));
    expect(Array.from(codes, (q) => Math.fround((q - p.zeroPoint) * Math.fround(p.scale)))).to.deep.equal(fake);
    expect([codes[0], codes[7]]).to.deep.equal([0, 255]);
  });

  it('computes a layer in exact integers and requantizes: checked by hand', () => {
    // x = [1.0, -0.5] with s_x = 0.5, z_x = 2 → codes [4, 1]; w = [[1], [2]] in steps of s_w = 0.25 → [[4], [8]]
    // acc = (4−2)·4 + (1−2)·8 + b_q = 0 + b_q, with b = 0.5 → b_q = 0.5 / (0.5·0.25) = 4
    // y = acc·(0.5·0.25/0.125) + z_y = 4·1 + 10 = 14, i.e. (14 − 10)·0.125 = 0.5 = 1·1 − 0.5·2 + 0.5 ✓
    const layer: Int8Layer = {
      inputs: 2,
      outputs: 1,
      weights: Int8Array.of(4, 8),
      weightScales: Float64Array.of(0.25),
      bias: Int32Array.of(4),
      input: { scale: 0.5, zeroPoint: 2 },
      output: { scale: 0.125, zeroPoint: 10 },
      relu: false,
    };
    expect(Array.from(int8Dense(layer, Uint8Array.of(4, 1), 1))).to.deep.equal([14]);
  });
});
