/**
 * The wasm backend's threaded build trains to the single-threaded build's bits. A process runs one build, so each
 * thread count trains in its own process (scripts/wasm-threads.ts).
 */
import { expect } from 'chai';
import { runThreads, type ThreadsRun } from '../../../scripts/wasm-threads';

/** One epoch of 4096 images under mixed_float16; the process must also exit by itself (the pool holds no ref). */
function train(threads: number): ThreadsRun {
  const run = runThreads(threads, ['--policy', 'mixed_float16', '--limit', '4096']);
  if (typeof run === 'string') expect.fail(run);
  return run;
}

describe('training on the wasm backend with threads', () => {
  it('trains mixed_float16 on 2 threads to the bits of the single-threaded build, its SIMD kernels on the shared heap', function () {
    this.timeout(240_000);
    const [one, two] = [train(1), train(2)];
    expect(one.threads).to.equal(1);
    expect(two.threads).to.equal(2);
    expect(two.summary).to.contain('SIMD, 2 threads');
    expect([one.simdKernels, two.simdKernels]).to.deep.equal([true, true]);
    expect(two.weights, 'SHA-256 of the trained weights').to.equal(one.weights);
    expect(two.loss).to.equal(one.loss);
    expect(two.testAccuracy).to.equal(one.testAccuracy);
    expect(one.testAccuracy).to.be.above(0.7); // it learned: 4096 images, one epoch
  });
});
