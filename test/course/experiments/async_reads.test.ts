import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { trainMnist, trainMnistFp8Delayed, useBackend } from '../../../src/course/index';
import { compareQuantizationAsync } from '../../../src/course/experiments/compare_quantization';
import { loadMnist } from '../../../src/course/experiments/mnist';
import { fineTuneQat, fineTuneQatAsync } from '../../../src/course/experiments/qat';
import { buildMlp } from '../../../src/course/experiments/seed_mlp';
import { timeTrainingStepsAsync } from '../../../src/course/experiments/step_time';
import { QatMlp } from '../../../src/course/models/qat';
import { denseStackOf } from '../../../src/course/models/stack';

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

  it('timeTrainingStepsAsync makes no sync read', async () => {
    const t = await withoutSyncReads(() =>
      timeTrainingStepsAsync(['float32', 'mixed_float16'], { rounds: 1, stepsPerRound: 1, warmupSteps: 1 }),
    );
    expect(t.map((r) => r.policy)).to.deep.equal(['float32', 'mixed_float16']);
  });

  it('compareQuantizationAsync makes no sync read', async () => {
    const model = buildMlp('float32', { seed: 0 });
    const { rows } = await withoutSyncReads(() =>
      compareQuantizationAsync(model, { calibrationBatches: 1, qat: { limit: 256 } }),
    );
    expect(rows.map((r) => r.method)).to.include('QAT int8');
    model.dispose();
  });

  it('fineTuneQatAsync gives the same weights and observers as fineTuneQat', async () => {
    const model = buildMlp('float32', { seed: 1 });
    const stack = denseStackOf(model);
    model.dispose();
    const [sync, async] = [new QatMlp(stack), new QatMlp(stack)];
    const { train } = loadMnist();
    fineTuneQat(sync, train, { limit: 384 });
    await withoutSyncReads(() => fineTuneQatAsync(async, train, { limit: 384 }));
    expect(async.toStack()).to.deep.equal(sync.toStack());
    expect(async.activationQParams()).to.deep.equal(sync.activationQParams());
    sync.dispose();
    async.dispose();
  });
});
