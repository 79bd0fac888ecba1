/**
 * The thread-count probe (backend/thread_probe.ts): it measures each candidate count in a process of its own,
 * chooses, and caches the choice per machine. Speeds are the machine's; what is checked is the mechanism.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/mp';
import {
  cachedThreadChoice,
  chooseThreads,
  machineKey,
  measureThreads,
  threadCacheFile,
} from '../../../src/mp/backend/thread_probe';

describe('the thread-count probe', () => {
  const saved = process.env.MP_CACHE_DIR;
  before(async () => {
    await useBackend('cpu'); // the probe's children start their own wasm backends
    process.env.MP_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-cache-'));
  });
  after(() => {
    if (saved === undefined) delete process.env.MP_CACHE_DIR;
    else process.env.MP_CACHE_DIR = saved;
  });

  it('keys the cache by CPU model, cores and tfjs release, under MP_CACHE_DIR', () => {
    expect(machineKey(2)).to.equal(`${os.cpus()[0]!.model} | 2 cores | tfjs ${tf.version.tfjs}`);
    expect(threadCacheFile().startsWith(process.env.MP_CACHE_DIR!)).to.equal(true);
  });

  it('measures one thread against two, each in its own process, and chooses one of them', async function () {
    this.timeout(180_000);
    const choice = await measureThreads([1, 2]);
    if (typeof choice === 'string') expect.fail(choice);
    expect(Object.keys(choice.msPerStep)).to.deep.equal(['1', '2']);
    for (const ms of Object.values(choice.msPerStep)) expect(ms).to.be.above(0);
    const [one, two] = [choice.msPerStep['1']!, choice.msPerStep['2']!];
    // two threads only where they beat one by a tenth
    expect(choice.threads).to.equal(two < 0.9 * one ? 2 : 1);
  });

  it('reads a cached choice instead of measuring again, and ignores a corrupt cache', async () => {
    const key = machineKey(3);
    const cached = { threads: 2, msPerStep: { '1': 3, '2': 1 }, measuredAt: '2026-01-01T00:00:00.000Z' };
    fs.mkdirSync(path.dirname(threadCacheFile()), { recursive: true });
    fs.writeFileSync(threadCacheFile(), JSON.stringify({ [key]: cached }));
    expect(await chooseThreads(3, 8)).to.deep.equal(cached); // these timings, not a new measurement's
    fs.writeFileSync(threadCacheFile(), '{ not json');
    expect(cachedThreadChoice(key)).to.equal(undefined);
    fs.writeFileSync(threadCacheFile(), JSON.stringify({ [key]: { threads: 0 } }));
    expect(cachedThreadChoice(key), 'a count the backend cannot run').to.equal(undefined);
  });
});
