import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  DisabledLossScaler,
  DynamicLossScaler,
  LOSS_SCALE_PRESETS,
  OptionError,
  StaticLossScaler,
  useBackend,
} from '../../../src/mp';
import { replayTorchTrace, report } from './torch_trace';

describe('DynamicLossScaler', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it("reproduces torch's GradScaler trace exactly: scale before and after each step, and the skips", () => {
    const { scaler, ours, trace } = replayTorchTrace((s, nonfinite) => s.update(nonfinite));
    expect(ours).to.deep.equal(trace);
    expect(scaler.stats.skipped).to.equal(trace.filter((t) => t.skipped).length);
  });

  it("defaults to torch's constants", () => {
    const d = report.gradscaler_defaults;
    const scaler = new DynamicLossScaler();
    expect(scaler.options).to.include({
      initScale: d.init_scale,
      growthFactor: d.growth_factor,
      backoffFactor: d.backoff_factor,
      growthInterval: d.growth_interval,
    });
  });

  it('halves 400 four times to 25 after four overflows', () => {
    const scaler = new DynamicLossScaler({ initScale: 400 });
    for (let i = 0; i < 4; i++) scaler.update(true);
    expect(scaler.scale).to.equal(25);
    expect(scaler.stats).to.include({ steps: 4, skipped: 4, backoffs: 4 });
  });

  it('floors the scale at minScale (tf_keras, DeepSpeed); Keras 3 has no floor', () => {
    const floored = new DynamicLossScaler({ ...LOSS_SCALE_PRESETS.tf_keras, initScale: 4 });
    const keras3 = new DynamicLossScaler({ ...LOSS_SCALE_PRESETS.keras3, initScale: 4 });
    for (let i = 0; i < 5; i++) [floored, keras3].forEach((s) => s.update(true));
    expect(floored.scale).to.equal(1);
    expect(keras3.scale).to.equal(4 / 32);
  });

  it('keeps the old keras preset for one release, as tf_keras and out of the listing', () => {
    expect(LOSS_SCALE_PRESETS.keras).to.equal(LOSS_SCALE_PRESETS.tf_keras);
    expect(Object.keys(LOSS_SCALE_PRESETS)).to.deep.equal(['torch', 'keras3', 'tf_keras', 'deepspeed']);
  });

  it("backs off only every second overflow with DeepSpeed's hysteresis 2, still skipping each", () => {
    const scaler = new DynamicLossScaler(LOSS_SCALE_PRESETS.deepspeed);
    scaler.update(true);
    expect(scaler.scale).to.equal(2 ** 16);
    scaler.update(true);
    expect(scaler.scale).to.equal(2 ** 15);
    expect(scaler.stats.skipped).to.equal(2);
  });

  it('rejects bad options with the valid ranges', () => {
    expect(() => new DynamicLossScaler({ backoffFactor: 2 })).to.throw(
      OptionError,
      /backoffFactor must be in \(0, 1\)/,
    );
    expect(() => new DynamicLossScaler({ growthInterval: 0 })).to.throw(OptionError, /integer ≥ 1/);
    expect(() => new DynamicLossScaler({ initScale: -1 })).to.throw(OptionError, /> 0/);
    expect(() => new DynamicLossScaler({ init_scale: 2 } as never)).to.throw(OptionError, /Valid options: initScale/);
  });
});

describe('StaticLossScaler and DisabledLossScaler', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('a static scaler skips non-finite steps and never changes its scale', () => {
    const s = new StaticLossScaler(1024);
    s.update(true);
    s.update(false);
    expect([s.scale, s.stats.skipped, s.stats.steps]).to.deep.equal([1024, 1, 2]);
  });

  it('a disabled scaler has scale 1 and skips nothing', () => {
    const s = new DisabledLossScaler();
    s.update(true);
    expect([s.enabled, s.scale, s.stats.skipped, s.stats.steps]).to.deep.equal([false, 1, 0, 1]);
  });
});

describe('reading a scaler on the device with awaited reads (readScale, readStats, release)', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('gives what the sync getters give, and releases to the same host state', async () => {
    const { scaler } = replayTorchTrace((s, nonfinite) =>
      tf.tidy(() => s.updateOnDevice(tf.scalar(nonfinite, 'bool'))),
    );
    const [scale, stats] = [scaler.scale, scaler.stats];
    expect([await scaler.readScale(), await scaler.readStats()]).to.deep.equal([scale, stats]);
    const tensors = tf.memory().numTensors;
    await scaler.release();
    expect(tf.memory().numTensors).to.equal(tensors - 6); // three counts, scale, good steps, hysteresis
    expect([scaler.scale, scaler.stats, await scaler.readScale()]).to.deep.equal([scale, stats, scale]);
  });

  it('reads host state without a tensor for a static and a disabled scaler', async () => {
    const s = new StaticLossScaler(8);
    s.update(true);
    expect([await s.readScale(), (await s.readStats()).skipped]).to.deep.equal([8, 1]);
    expect(await new DisabledLossScaler().readScale()).to.equal(1);
  });
});
