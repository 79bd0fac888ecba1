/**
 * trainMnist's run cache: a cached run hands back exactly what a fresh run returns (the same weights digest,
 * the same numbers, the same progress reports), and any option that changes the numbers changes the entry.
 * trainBlock's cache does the same for lesson 4's block.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  describeCache,
  DynamicLossScaler,
  OptionError,
  trainBlock,
  trainMnist,
  useBackend,
  type Progress,
  type TrainOptions,
  type TrainResult,
} from '../../../src/course/index';

async function weightsDigest(model: tf.Sequential): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const w of model.getWeights()) hash.update(Buffer.from((await w.data()).buffer));
  return hash.digest('hex');
}

/** A run's result without its model and cache note, and its weights' digest. */
async function outcome(run: TrainResult): Promise<{ result: object; digest: string }> {
  const { model, cache: _cache, ...result } = run;
  const digest = await weightsDigest(model!);
  model!.dispose();
  return { result, digest };
}

describe('trainMnist with the run cache', function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-runs-'));
  const options: TrainOptions = {
    policy: 'mixed_float16',
    epochs: 1,
    trainLimit: 2048,
    progressEvery: 4,
    keepModel: true,
    cache: { dir },
  };
  let stored: TrainResult;
  const progressOf = async (o: TrainOptions): Promise<{ run: TrainResult; reports: Progress[] }> => {
    const reports: Progress[] = [];
    const run = await trainMnist({ ...o, onProgress: (p) => reports.push(p) });
    return { run, reports };
  };

  before(async () => {
    await useBackend('wasm');
  });

  it('trains and stores a run it has not seen, then hands it back bit for bit, as a fresh run returns it', async () => {
    const first = await progressOf(options);
    stored = first.run;
    expect(stored.cache!.hit).to.equal(false);
    expect(fs.existsSync(stored.cache!.file)).to.equal(true);
    const again = await progressOf(options);
    expect(again.run.cache).to.deep.equal({ ...stored.cache, hit: true });
    expect(again.reports).to.deep.equal(first.reports);
    const fresh = await progressOf({ ...options, cache: false });
    expect(fresh.run.cache).to.equal(undefined);
    expect(fresh.reports).to.deep.equal(first.reports);
    const [a, b, c] = await Promise.all([outcome(stored), outcome(again.run), outcome(fresh.run)]);
    expect(b.digest, 'cached weights').to.equal(c.digest);
    expect(a.digest, 'stored weights').to.equal(c.digest);
    const { seconds: _s1, epochs: e1, ...fixed1 } = b.result as TrainResult;
    const { seconds: _s2, epochs: e2, ...fixed2 } = c.result as TrainResult;
    expect(fixed1).to.deep.equal(fixed2);
    expect(e1.map(({ seconds: _, ...e }) => e)).to.deep.equal(e2.map(({ seconds: _, ...e }) => e));
    expect(b.result).to.deep.equal(a.result); // seconds included: the stored run's own
  });

  it('keeps a run without its model, and says where a run came from', async () => {
    const run = await trainMnist({ ...options, keepModel: false });
    expect(run.model).to.equal(undefined);
    expect(run.cache!.hit).to.equal(true);
    expect(describeCache(run)).to.match(/^mixed_float16: from the run cache \(.*\), trained on \d{4}-\d\d-\d\d/);
    expect(describeCache(stored)).to.match(/^mixed_float16: trained now, and kept in the run cache/);
  });

  it('starts a new entry when an option that changes the numbers changes', async () => {
    const other = await trainMnist({ ...options, keepModel: false, lossMultiplier: 0.5 });
    expect(other.cache!.hit).to.equal(false);
    expect(other.cache!.file).to.not.equal(stored.cache!.file);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.json'))).to.have.length(2);
  });

  it('keys a run by its optimizer, ε and weight update too', async () => {
    const runs = [{ optimizer: 'sgd' }, { epsilon: 1e-8 }, { policy: 'bfloat16', weightUpdate: 'kahan' }] as const;
    const files = new Set<string>([stored.cache!.file]);
    for (const more of runs) files.add((await trainMnist({ ...options, keepModel: false, ...more })).cache!.file);
    expect(files.size).to.equal(1 + runs.length);
  });

  it('refuses a loss scaler object, which has no key', async () => {
    let error: unknown;
    try {
      await trainMnist({ ...options, lossScale: new DynamicLossScaler() });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(OptionError).and.have.property('option', 'lossScale');
  });
});

describe('trainBlock with the cache', function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-blocks-'));
  const options = { steps: 20, every: 5, keepBlock: true, cache: { dir } } as const;
  const digest = async (variables: readonly tf.Variable[]): Promise<string> => {
    const hash = crypto.createHash('sha256');
    for (const v of variables) hash.update(Buffer.from((await v.data()).buffer));
    return hash.digest('hex');
  };

  before(async () => {
    await useBackend('wasm');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hands back the block it trained, bit for bit, with its losses replayed, and trains again for other options', async () => {
    const fresh = await trainBlock(options);
    const steps: number[] = [];
    const kept = await trainBlock({ ...options, onStep: (step) => steps.push(step) });
    expect(await digest(kept.block!.variables)).to.equal(await digest(fresh.block!.variables));
    const { block: _a, ...a } = fresh;
    const { block: _b, ...b } = kept;
    expect(b).to.deep.equal(a);
    expect(steps).to.deep.equal(fresh.losses.map((l) => l.step));
    expect(fs.readdirSync(dir)).to.have.length(1);
    const other = await trainBlock({ ...options, seed: 1 });
    expect(fs.readdirSync(dir)).to.have.length(2);
    expect(await digest(other.block!.variables)).not.to.equal(await digest(fresh.block!.variables));
    for (const r of [fresh, kept, other]) r.block!.dispose();
  });
});
