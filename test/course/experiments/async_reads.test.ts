import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { trainMnist, trainMnistFp8Delayed, useBackend } from '../../../src/course/index';
import { compareQuantization } from '../../../src/course/experiments/compare_quantization';
import { loadMnist } from '../../../src/course/experiments/mnist';
import { fineTuneQat } from '../../../src/course/experiments/qat';
import { accuracy, buildMlp } from '../../../src/course/experiments/seed_mlp';
import { timeTrainingSteps } from '../../../src/course/experiments/step_time';
import { QatMlp } from '../../../src/course/models/qat';
import { denseStackOf } from '../../../src/course/models/stack';
import { castStats, DynamicLossScaler, hasNonFinite, LossScaleOptimizer, log2Histogram } from '../../../src/mp';

class SyncReadError extends Error {}

type Reader = (...a: unknown[]) => unknown;

/**
 * Runs `f` with every synchronous read made to throw, as on WebGPU in Node: Tensor's dataSync and arraySync,
 * the engine's readSync, and the backend's readSync unless the backend's own async read is calling it (wasm's
 * and cpu's read() are readSync underneath). Everything is restored afterwards.
 */
async function withoutSyncReads<T>(f: () => Promise<T>): Promise<T> {
  const proto = tf.Tensor.prototype as unknown as Record<'dataSync' | 'arraySync', Reader>;
  const engine = tf.engine() as unknown as Record<'readSync', Reader>;
  const backend = tf.engine().backend as unknown as Record<'readSync' | 'read', Reader>;
  const saved = { dataSync: proto.dataSync, arraySync: proto.arraySync, read: backend.read };
  const readSync = backend.readSync;
  const fail = (what: string) => () => {
    throw new SyncReadError(`${what}: a synchronous read`);
  };
  let inAsyncRead = false;
  proto.dataSync = fail('dataSync');
  proto.arraySync = fail('arraySync');
  engine.readSync = fail('engine.readSync');
  backend.readSync = (...a) => (inAsyncRead ? readSync.apply(backend, a) : fail('backend.readSync')());
  backend.read = (...a) => {
    inAsyncRead = true;
    try {
      return saved.read.apply(backend, a);
    } finally {
      inAsyncRead = false;
    }
  };
  try {
    return await f();
  } finally {
    [proto.dataSync, proto.arraySync, backend.read, backend.readSync] = [
      saved.dataSync,
      saved.arraySync,
      saved.read,
      readSync,
    ];
    delete (engine as Partial<typeof engine>).readSync; // the prototype's again
  }
}

describe('the training path reads only with awaited reads (as WebGPU in Node requires)', function () {
  this.timeout(300_000);
  const quick = { epochs: 1, trainLimit: 1000, progressEvery: 2 };

  // cpu: wasm's Slice kernel reads its input with the backend's readSync (a view of wasm memory, not a sync
  // with a device), which the strict patch below would flag; cpu's kernels do not.
  before(async () => {
    await useBackend('cpu');
  });

  it('control: the patch catches dataSync, arraySync and a backend readSync, lets data() through, and restores', async () => {
    const t = tf.tensor1d([1, 2]);
    await withoutSyncReads(async () => {
      expect(() => t.dataSync()).to.throw(SyncReadError);
      expect(() => t.arraySync()).to.throw(SyncReadError);
      expect(() => tf.engine().backend.readSync(t.dataId)).to.throw(SyncReadError);
      expect(Array.from(await t.data())).to.deep.equal([1, 2]);
    });
    expect(Array.from(t.dataSync())).to.deep.equal([1, 2]);
    t.dispose();
  });

  for (const policy of ['float32', 'mixed_float16']) {
    it(`trainMnist under ${policy}: progress, validation, test accuracy and the scaler, no sync read`, async () => {
      const reports: number[] = [];
      const r = await withoutSyncReads(() =>
        trainMnist({ ...quick, policy, onProgress: (p) => reports.push(p.scale) }),
      );
      expect(r.testAccuracy).to.be.above(0.3); // 7 steps: learning, not yet trained
      expect(r.scaler.steps).to.equal(Math.ceil(800 / 128));
      expect(reports.length).to.be.at.least(3);
      if (policy === 'mixed_float16') expect(r.scaler.finalScale).to.equal(2 ** 16);
    });
  }

  it('trainMnistFp8Delayed makes no sync read', async () => {
    const r = await withoutSyncReads(() => trainMnistFp8Delayed({ ...quick, historyLength: 4 }));
    expect(r.testAccuracy).to.be.above(0.3);
    for (const t of r.traces) expect(t.amax, t.tensor).to.have.length(Math.ceil(800 / 128));
  });

  it('timeTrainingSteps makes no sync read', async () => {
    const t = await withoutSyncReads(() =>
      timeTrainingSteps(['float32', 'mixed_float16'], { rounds: 1, stepsPerRound: 1, warmupSteps: 1 }),
    );
    expect(t.map((r) => r.policy)).to.deep.equal(['float32', 'mixed_float16']);
  });

  it('compareQuantization makes no sync read', async () => {
    const model = buildMlp('float32', { seed: 0 });
    const { rows } = await withoutSyncReads(() =>
      compareQuantization(model, { calibrationBatches: 1, qat: { limit: 256 } }),
    );
    expect(rows.map((r) => r.method)).to.include('QAT int8');
    model.dispose();
  });

  it('fineTuneQat makes no sync read, trains the weights and feeds the observers, the same on every run', async () => {
    const model = buildMlp('float32', { seed: 1 });
    const stack = await denseStackOf(model);
    model.dispose();
    const [plain, strict] = [new QatMlp(stack), new QatMlp(stack)];
    const { train } = loadMnist();
    await fineTuneQat(plain, train, { limit: 384 });
    await withoutSyncReads(() => fineTuneQat(strict, train, { limit: 384 }));
    const trained = await strict.toStack();
    expect(trained).to.deep.equal(await plain.toStack());
    expect(strict.activationQParams()).to.deep.equal(plain.activationQParams());
    expect(trained[0]!.kernel).not.to.deep.equal(stack[0]!.kernel);
    expect(strict.activationQParams().every((q) => q.scale !== 1)).to.equal(true); // 1: never observed
    plain.dispose();
    strict.dispose();
  });

  it('the instruments read tensors with awaited reads only: accuracy, castStats, log2Histogram, hasNonFinite, the optimizer', async () => {
    const model = buildMlp('float32', { seed: 2 });
    const x = tf.randomUniform([40, 784], 0, 1, 'float32', 3);
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'async_reads_instruments');
    const scaler = new DynamicLossScaler({ initScale: 4 });
    const opt = new LossScaleOptimizer(tf.train.adam(0.1), scaler);
    await withoutSyncReads(async () => {
      expect(await accuracy(model, x as tf.Tensor2D, new Uint8Array(40))).to.be.within(0, 1);
      expect((await castStats(x, 'float16')).count).to.equal(40 * 784);
      expect((await log2Histogram(x)).total).to.equal(40 * 784);
      expect(await hasNonFinite([x])).to.equal(false);
      opt.minimize(() => tf.sum(tf.div(w, tf.scalar(0))) as tf.Scalar, false, [w]);
      expect(await opt.lastStepSkipped()).to.equal(true);
      await scaler.release();
      expect([await scaler.readScale(), (await scaler.readStats()).skipped]).to.deep.equal([2, 1]);
    });
    tf.dispose([x, w]);
    opt.dispose();
    model.dispose();
  });
});
