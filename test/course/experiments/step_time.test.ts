import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { OptionError, PolicyError, timeTrainingSteps, useBackend } from '../../../src/course/index';

describe('timeTrainingSteps', function () {
  this.timeout(120_000);
  before(async () => {
    await useBackend('wasm');
  });

  it('times each policy in alternating rounds, relative to the first, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const t = timeTrainingSteps(['float32', 'mixed_bfloat16'], { rounds: 3, stepsPerRound: 2, warmupSteps: 1 });
    expect(tf.memory().numTensors).to.equal(before);
    expect(t.map((r) => r.policy)).to.deep.equal(['float32', 'mixed_bfloat16']);
    expect(t[0]!.relative).to.equal(1);
    for (const r of t) {
      expect(r.samples).to.have.length(3);
      expect(r.msPerStep).to.be.above(0);
      expect(r.msPerStep).to.equal([...r.samples].sort((a, b) => a - b)[1]);
      expect(r.clock).to.equal('cpu');
    }
    expect(t[1]!.relative).to.be.closeTo(t[1]!.msPerStep / t[0]!.msPerStep, 1e-12);
  });

  it('measures wall time on request', () => {
    const [r] = timeTrainingSteps(['mixed_float16'], { rounds: 1, stepsPerRound: 1, warmupSteps: 0, clock: 'wall' });
    expect(r!.clock).to.equal('wall');
    expect(r!.msPerStep).to.be.above(0);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => timeTrainingSteps([])).to.throw(OptionError, /non-empty/);
    expect(() => timeTrainingSteps(['float33'])).to.throw(PolicyError, /Valid policies/);
    expect(() => timeTrainingSteps(['float32'], { rounds: 0 })).to.throw(OptionError, /rounds/);
    expect(() => timeTrainingSteps(['float32'], { stepsPerRound: 1.5 })).to.throw(OptionError, /stepsPerRound/);
    expect(() => timeTrainingSteps(['float32'], { warmupSteps: -1 })).to.throw(OptionError, /warmupSteps/);
    expect(() => timeTrainingSteps(['float32'], { clock: 'gpu' as never })).to.throw(OptionError, /clock/);
  });
});
