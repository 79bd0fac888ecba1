import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  buildMlp,
  DynamicLossScaler,
  forward,
  LossScaleOptimizer,
  softmaxLoss,
  StaticLossScaler,
  useBackend,
} from '../../../src/course/index';
import { KERNELS } from '../../../src/mp/ops/kernel_names';
import { optimizerState } from '../../../src/mp/tfjs_internals';
import { replayTorchTrace } from './torch_trace';

/** Counts the backend's reads (every dataSync, data, array and arraySync goes through one) while `f` runs. */
function countReads(f: () => void): number {
  const backend = tf.engine().backend as unknown as Record<'readSync' | 'read', (...a: unknown[]) => unknown>;
  const [readSync, read] = [backend.readSync, backend.read];
  let n = 0;
  backend.readSync = (...a) => (n++, readSync.apply(backend, a));
  backend.read = (...a) => (n++, read.apply(backend, a));
  try {
    f();
  } finally {
    [backend.readSync, backend.read] = [readSync, read];
  }
  return n;
}

describe('loss scaling on the device', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it("reproduces torch's GradScaler trace with the rule on the device", async () => {
    const { scaler, ours, trace } = replayTorchTrace((s, nonfinite) =>
      tf.tidy(() => s.updateOnDevice(tf.scalar(nonfinite, 'bool'))),
    );
    expect(ours).to.deep.equal(trace);
    const stats = scaler.stats;
    await scaler.release(); // back on the host, with the same state
    expect([scaler.stats, scaler.scale]).to.deep.equal([stats, ours[ours.length - 1]!.scale_after]);
  });

  it('keeps hysteresis and the floor on the device as on the host', () => {
    const options = { initScale: 4, minScale: 1, hysteresis: 2, growthInterval: 2 };
    const [host, device] = [new DynamicLossScaler(options), new DynamicLossScaler(options)];
    for (const found of [true, true, true, true, true, false, false, true, false, false, false, true, true]) {
      host.update(found);
      tf.tidy(() => device.updateOnDevice(tf.scalar(found, 'bool')));
      expect([device.scale, device.stats]).to.deep.equal([host.scale, host.stats]);
    }
  });

  it('updates in one kernel on cpu and wasm, as the tensor ops do, with hysteresis, floor and ceiling', async () => {
    const options = { initScale: 4, minScale: 1, maxScale: 16, hysteresis: 2, growthInterval: 2 };
    const flags = [true, true, true, true, true, false, false, true, ...Array<boolean>(10).fill(false), true];
    const trace = (): (number | object)[][] => {
      const s = new DynamicLossScaler(options);
      return flags.map((found) => (tf.tidy(() => s.updateOnDevice(tf.scalar(found, 'bool'))), [s.scale, s.stats]));
    };
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const config = tf.getKernel(KERNELS.scalerUpdate, backend)!;
      const { kernelNames } = await tf.profile(() => new DynamicLossScaler().updateOnDevice(tf.scalar(true, 'bool')));
      expect(kernelNames).to.include(KERNELS.scalerUpdate).and.have.length.below(5);
      const fused = trace();
      tf.unregisterKernel(KERNELS.scalerUpdate, backend); // the generic path, as on WebGPU
      try {
        expect(fused).to.deep.equal(trace());
      } finally {
        tf.registerKernel(config);
      }
    }
    await useBackend('wasm');
  });

  it('masks a skipped step: weights and Adam state stay as they were, and nothing is read back', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'nosync_mask');
    const scaler = new DynamicLossScaler({ initScale: 2 ** 10 });
    const opt = new LossScaleOptimizer(tf.train.adam(0.1), scaler);
    opt.minimize(() => tf.sum(tf.mul(w, w)) as tf.Scalar, false, [w]); // a good step first
    const snapshot = (): number[][] => [w, ...optimizerState(opt.inner)].map((v) => Array.from(v.dataSync()));
    const before = snapshot();
    const reads = countReads(() => opt.minimize(() => tf.sum(tf.div(w, tf.scalar(0))) as tf.Scalar, false, [w]));
    expect(reads).to.equal(0);
    expect(snapshot()).to.deep.equal(before);
    expect([await opt.lastStepSkipped(), scaler.scale, scaler.stats.skipped]).to.deep.equal([true, 2 ** 9, 1]);
    opt.minimize(() => tf.sum(tf.mul(w, w)) as tf.Scalar, false, [w]);
    expect(await opt.lastStepSkipped()).to.equal(false);
    expect(w.dataSync()[0]).to.be.below(before[0]![0]!);
    w.dispose();
    opt.dispose();
  });

  it('a mixed_float16 training step makes no host read, and leaks no tensors', () => {
    const model = buildMlp('mixed_float16', { seed: 3 });
    const x = tf.randomUniform([16, 784], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], 'int32'), 10).toFloat();
    for (const scaler of [new DynamicLossScaler(), new StaticLossScaler(2 ** 20)]) {
      const opt = new LossScaleOptimizer(tf.train.adam(1e-3), scaler);
      const step = (): void => {
        opt.minimize(() => tf.tidy(() => softmaxLoss(y, forward(model, x))));
      };
      step(); // creates Adam's state
      const tensors = tf.memory().numTensors;
      expect(countReads(() => [1, 2, 3].forEach(step))).to.equal(0);
      expect(tf.memory().numTensors).to.equal(tensors);
      expect(scaler.stats.steps).to.equal(4);
      opt.dispose();
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});
