import { expect } from 'chai';
import {
  equalizationSqnr,
  equalizationTask,
  measureEqualization,
  stackOf,
  type EqualizationNet,
} from '../../../src/course/experiments/equalization_task';
import { denseForward } from '../../../src/course/models/stack';
import { OptionError } from '../../../src/mp/errors';

/** Cross-layer equalization's factors, written here for the test: each channel's weights in and out get one range. */
function equalized(net: EqualizationNet): number[] {
  return Array.from({ length: net.hidden }, (_, c) => {
    let r1 = 0;
    let r2 = 0;
    for (let i = 0; i < net.inputs; i++) r1 = Math.max(r1, Math.abs(net.kernel1[i * net.hidden + c]!));
    for (let o = 0; o < net.outputs; o++) r2 = Math.max(r2, Math.abs(net.kernel2[c * net.outputs + o]!));
    return Math.sqrt(r2 / r1);
  });
}

describe("lesson 2's open task: equalizing a skewed network's channels before static int8", () => {
  const task = equalizationTask();

  it('is the same task for a seed, and its channels span a wide range', () => {
    expect(equalizationTask().kernel1).to.deep.equal(task.kernel1);
    const ranges = Array.from({ length: task.hidden }, (_, c) =>
      Math.max(...Array.from({ length: task.inputs }, (_, i) => Math.abs(task.kernel1[i * task.hidden + c]!))),
    );
    expect(Math.max(...ranges) / Math.min(...ranges)).to.be.above(2 ** 6);
  });

  it('scores the network as given low, and equalized factors far higher', () => {
    const score = measureEqualization(equalized);
    expect(score.asGiven).to.be.below(20);
    expect(score.sqnr).to.be.above(30);
    expect(score.sqnr).to.equal(equalizationSqnr(task, equalized(task)));
  });

  it('shows the answer the network and its calibration inputs, never the held-out inputs', () => {
    let seen: object = {};
    measureEqualization((net) => {
      seen = net;
      return new Array<number>(net.hidden).fill(1);
    });
    expect(seen).to.not.have.property('evaluation');
    expect(seen).to.have.property('calibration');
  });

  it('leaves the float network computing the same with the equalized factors (they only move ranges)', () => {
    const rows = task.evaluation.length / task.inputs;
    const x = Float32Array.from(task.evaluation);
    const run = (net: EqualizationNet) => stackOf(net).reduce<Float32Array>((h, l) => denseForward(l, h, rows), x);
    const f = equalized(task);
    const scaled: EqualizationNet = {
      ...task,
      kernel1: task.kernel1.map((w, i) => w * f[i % task.hidden]!),
      bias1: task.bias1.map((b, c) => b * f[c]!),
      kernel2: task.kernel2.map((w, i) => w / f[Math.floor(i / task.outputs)]!),
    };
    const y = run(task);
    run(scaled).forEach((v, i) => expect(v).to.be.closeTo(y[i]!, 1e-4 * (1 + Math.abs(y[i]!))));
  });

  it('rejects factors that are not one positive number per hidden channel', () => {
    expect(() => equalizationSqnr(task, 'ones' as unknown as number[])).to.throw(OptionError, /array of 8 numbers/);
    expect(() => equalizationSqnr(task, [1, 2])).to.throw(OptionError, /Need 8 finite factors > 0/);
    expect(() => equalizationSqnr(task, [1, 1, 1, 1, 1, 1, 1, -1])).to.throw(OptionError, /Need 8/);
  });
});
