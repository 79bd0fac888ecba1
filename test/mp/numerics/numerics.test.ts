import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  buildMlp,
  castStats,
  forward,
  getFormat,
  log2Histogram,
  memoryPlan,
  OptionError,
  roundValue,
  softmaxLoss,
  useBackend,
  type FloatFormat,
} from '../../../src/course/index';

const f16 = getFormat('float16') as FloatFormat;

describe('castStats', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('counts overflow, underflow, subnormals, zeros and non-finite values', () => {
    const x = Float32Array.of(1e5, -7e4, 1e-9, 1e-6, 0.5, 0, NaN, 2 ** -14);
    const s = castStats(x, 'float16');
    expect(s.overflow).to.equal(2 / 8); // past 65520 becomes inf
    expect(s.underflow).to.equal(1 / 8); // 1e-9 < 2^-25 rounds to 0
    expect(s.subnormal).to.equal(1 / 8); // 1e-6 is a float16 subnormal; 2^-14 is the smallest normal
    expect([s.zeros, s.nonFinite, s.absmax]).to.deep.equal([1 / 8, 1 / 8, 1e5]);
  });

  it('counts as overflow only what leaves the range, not what rounds down to the largest finite value', () => {
    expect(castStats(Float32Array.of(65510, 65519, 65520, -65520), 'float16').overflow).to.equal(2 / 4);
    expect(castStats(Float32Array.of(464, 470, 450), 'float8_e4m3fn').overflow).to.equal(2 / 3); // NaN from 464
    expect(castStats(Float32Array.of(6.5, 7, 100), 'float4_e2m1fn').overflow).to.equal(2 / 3); // saturates from 7
  });

  it('reads tensors (awaited) without disposing them, and rejects other inputs', async () => {
    const t = tf.tensor1d([1, 2]);
    expect((await castStats(t, 'bfloat16')).count).to.equal(2);
    expect(t.isDisposed).to.equal(false);
    expect(() => castStats([1, 2] as never, 'float16')).to.throw(OptionError);
    t.dispose();
  });
});

describe('log2Histogram', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('bins |x| by binade and marks the format range', () => {
    const h = log2Histogram(Float32Array.of(1, 1.5, 2, 0.25, 0, -3, 2 ** -50, Infinity), { format: 'float16' });
    const at = (e: number): number => h.counts[h.edges.indexOf(e)]!;
    expect([at(0), at(1), at(-2)]).to.deep.equal([2, 2, 1]);
    expect([h.zeros, h.nonFinite, h.below, h.total]).to.deep.equal([1, 1, 1, 8]);
    expect(h.range).to.deep.equal({
      format: 'float16',
      minSubnormal: -24,
      minNormal: -14,
      maxFinite: Math.log2(65504),
    });
  });
});

describe('swamping', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('loses a float16 update once w ≥ 2048·Δw at a power of two, and fp32 master weights keep it', () => {
    for (const w of [1, 2048, 2 ** -8]) {
      const dw = w / 2048; // exactly half an ulp of w: ties to even, and w's mantissa is even
      expect(roundValue(w + dw, f16), `w=${w}`).to.equal(w);
      expect(roundValue(w + dw * 1.01, f16), `w=${w}`).to.be.above(w);
    }
    // 1000 updates of 1e-4 to w = 1: every one is lost in float16 (half an ulp at 1 is 2^-11 ≈ 4.9e-4)
    let w16 = 1;
    let w32 = Math.fround(1);
    for (let i = 0; i < 1000; i++) {
      w16 = roundValue(w16 + 1e-4, f16);
      w32 = Math.fround(w32 + Math.fround(1e-4));
    }
    expect(w16).to.equal(1);
    expect(w32).to.be.closeTo(1.1, 1e-4);
    expect(roundValue(w32, f16)).to.equal(roundValue(1.1, f16)); // the master copy, cast for compute
  });
});

describe('memoryPlan', () => {
  before(async () => {
    await useBackend('wasm');
  });

  const params = 784 * 64 + 64 + 64 * 10 + 10; // the seed's MLP

  it('counts bytes per parameter per policy and optimizer', () => {
    expect(memoryPlan({ params, activations: 0, policy: 'float32', optimizer: 'adam' }).bytesPerParam).to.equal(16);
    // float32 master (4) + float16 copy (2) + float32 gradient (4) + Adam m, v (8)
    expect(memoryPlan({ params, activations: 0, policy: 'mixed_float16', optimizer: 'adam' }).bytesPerParam).to.equal(
      18,
    );
    expect(memoryPlan({ params, activations: 0, policy: 'float16', optimizer: 'sgd' }).bytesPerParam).to.equal(4);
    const act = memoryPlan({ params, activations: 1000, policy: 'mixed_bfloat16', optimizer: 'sgd' }).rows.at(-1)!;
    expect(act.bytes).to.equal(2000);
  });

  it("matches what tfjs allocates for the weights and Adam's moments (float32 storage)", async () => {
    const start = tf.memory().numBytes;
    const model = buildMlp('float32');
    tf.tidy(() => {
      forward(model, tf.zeros([1, 784])); // builds the weights
    });
    const weights = tf.memory().numBytes - start;
    const plan = memoryPlan({ params, activations: 0, policy: 'float32', optimizer: 'adam' });
    const row = (name: string) => plan.rows.find((r) => r.component.startsWith(name))!;
    expect(weights).to.equal(row('weights').bytes);
    const adam = tf.train.adam(1e-3);
    const x = tf.zeros([2, 784]);
    const y = tf.oneHot(tf.tensor1d([1, 2], 'int32'), 10).toFloat();
    const beforeStep = tf.memory().numBytes;
    adam.minimize(() => softmaxLoss(y, forward(model, x)));
    // Adam's first step allocates m and v for every weight (its β1^t, β2^t scalars exist from its construction)
    expect(tf.memory().numBytes - beforeStep).to.equal(row('optimizer state').bytes);
    tf.dispose([x, y]);
    adam.dispose();
    model.dispose();
  });

  it('rejects an unknown optimizer, naming the valid ones', () => {
    expect(() => memoryPlan({ params: 1, activations: 0, policy: 'float32', optimizer: 'lamb' as never })).to.throw(
      OptionError,
      /"sgd", "momentum", "adam"/,
    );
  });
});
