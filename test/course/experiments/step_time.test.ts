import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { OptionError, PolicyError, timeTrainingSteps, useBackend } from '../../../src/course/index';
import { rejection } from '../../helpers';

describe('timeTrainingSteps', function () {
  this.timeout(120_000);
  before(async () => {
    await useBackend('wasm');
  });

  it('times each policy in alternating rounds, relative to the first, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const t = await timeTrainingSteps(['float32', 'mixed_bfloat16'], { rounds: 3, stepsPerRound: 2, warmupSteps: 1 });
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

  it('measures wall time on request', async () => {
    const [r] = await timeTrainingSteps(['mixed_float16'], {
      rounds: 1,
      stepsPerRound: 1,
      warmupSteps: 0,
      clock: 'wall',
    });
    expect(r!.clock).to.equal('wall');
    expect(r!.msPerStep).to.be.above(0);
  });

  it('rejects bad input with typed errors', async () => {
    const cases: [Parameters<typeof timeTrainingSteps>, new (...args: never[]) => Error, RegExp][] = [
      [[[]], OptionError, /non-empty/],
      [[['float33']], PolicyError, /Valid policies/],
      [[['float32'], { rounds: 0 }], OptionError, /rounds/],
      [[['float32'], { stepsPerRound: 1.5 }], OptionError, /stepsPerRound/],
      [[['float32'], { warmupSteps: -1 }], OptionError, /warmupSteps/],
      [[['float32'], { clock: 'gpu' as never }], OptionError, /clock/],
    ];
    for (const [args, type, message] of cases) {
      const e = await rejection(timeTrainingSteps(...args));
      expect(e).to.be.instanceOf(type);
      expect(e.message).to.match(message);
    }
  });
});
