import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { DelayedScaling, OptionError, roundValue, useBackend } from '../../../src/mp';
import { bitsOf, fixture, floatsFromBits, hex } from '../../helpers';

interface Step {
  x: number[];
  y: number[];
  scale: number;
  reduced_amax: number;
  history: number[];
}
interface Case {
  name: string;
  format: string;
  history_length: number;
  amax_compute_algo: 'max' | 'most_recent';
  margin: number;
  steps: Step[];
}
const te = fixture<{ cases: Case[] }>('te_delayed_scaling.json').cases;
const f32Bits = (v: number): number => bitsOf(Float32Array.of(v))[0]!;

describe("FP8 delayed scaling, as Transformer Engine's DelayedScaling recipe", () => {
  before(async () => {
    await useBackend('wasm');
  });

  for (const c of te) {
    it(`follows TE step for step, bit for bit: ${c.name}`, () => {
      const s = new DelayedScaling({
        format: c.format,
        historyLength: c.history_length,
        amaxComputeAlgo: c.amax_compute_algo,
        margin: c.margin,
      });
      c.steps.forEach((step, k) => {
        expect(hex(f32Bits(s.scale)), `scale used at step ${k}`).to.equal(hex(step.scale));
        const y = s.cast(floatsFromBits(step.x));
        expect(Array.from(bitsOf(y), hex), `cast at step ${k}`).to.deep.equal(step.y.map(hex));
        expect(hex(f32Bits(s.reducedAmax)), `reduced amax at step ${k}`).to.equal(hex(step.reduced_amax));
        expect(Array.from(bitsOf(s.amaxHistory), hex), `history after step ${k}`).to.deep.equal(step.history.map(hex));
      });
    });
  }

  it('scales by fp8_max / max(the last historyLength amaxes), the current step among them', () => {
    const s = new DelayedScaling({ historyLength: 2 });
    expect(s.scale).to.equal(1);
    s.cast(Float32Array.of(2, -4)); // cast with scale 1; history [4]
    expect(s.scale).to.equal(448 / 4);
    s.cast(Float32Array.of(1));
    s.cast(Float32Array.of(1)); // the window is [1, 1]
    expect(s.scale).to.equal(448);
    const y = s.cast(Float32Array.of(0.3));
    expect(y[0]).to.equal(Math.fround(roundValue(0.3 * 448, 'float8_e4m3fn') * Math.fround(1 / 448)));
  });

  it('keeps the previous scale through an all-zero window and an infinite amax, instead of 1 or 0', () => {
    const s = new DelayedScaling({ historyLength: 2 });
    s.cast(Float32Array.of(7));
    s.cast(new Float32Array(3));
    s.cast(new Float32Array(3));
    expect(s.scale).to.equal(64);
    s.cast(Float32Array.of(Infinity, 1));
    expect(s.scale).to.equal(64);
    expect(Array.from(s.cast(Float32Array.of(0.5)))).to.deep.equal([0.5]); // no NaN reaches the next casts
  });

  it("takes the last amax alone with amaxComputeAlgo 'most_recent'", () => {
    const s = new DelayedScaling({ historyLength: 8, amaxComputeAlgo: 'most_recent' });
    s.cast(Float32Array.of(100));
    s.cast(Float32Array.of(2));
    expect(s.scale).to.equal(224);
  });

  it('clamps a scale past float32 to its largest value', () => {
    const s = new DelayedScaling({ historyLength: 1 });
    s.cast(Float32Array.of(1e-41));
    expect(s.scale).to.equal(3.4028234663852886e38);
  });

  it('saturates values past the scaled range instead of making NaN', () => {
    const s = new DelayedScaling();
    s.cast(Float32Array.of(1));
    expect(s.cast(Float32Array.of(10))[0]).to.equal(1); // 10·448 saturates to 448, times 1/448
  });

  it('defaults to TE: e4m3, 1024 amaxes, max, margin 0', () => {
    const s = new DelayedScaling();
    expect([s.format.name, s.historyLength, s.amaxComputeAlgo, s.margin]).to.deep.equal([
      'float8_e4m3fn',
      1024,
      'max',
      0,
    ]);
  });

  it('casts a tensor with the same bits as an array', () => {
    const s = new DelayedScaling({ format: 'float8_e5m2' });
    s.record(3e-3);
    s.update();
    const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 1e-3 * (1 + (i % 7)));
    const y = tf.tidy(() => s.castTensor(tf.tensor1d(x)).dataSync() as Float32Array);
    expect(Array.from(bitsOf(y))).to.deep.equal(Array.from(bitsOf(s.cast(x))));
  });

  it('rejects unknown options, a bad algorithm and a non-integer margin, naming the valid ones', () => {
    expect(() => new DelayedScaling({ histroyLength: 4 } as never)).to.throw(
      OptionError,
      /no option "histroyLength". Valid options: format, historyLength, amaxComputeAlgo, margin/,
    );
    expect(() => new DelayedScaling({ amaxComputeAlgo: 'mean' as never })).to.throw(
      OptionError,
      /"max", "most_recent"/,
    );
    expect(() => new DelayedScaling({ margin: 0.5 })).to.throw(OptionError, /margin must be an integer/);
    expect(() => new DelayedScaling({ historyLength: 0 })).to.throw(
      OptionError,
      /historyLength must be an integer ≥ 1/,
    );
  });
});
