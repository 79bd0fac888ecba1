import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { scaleChannels } from '../../../src/course/models/rescale';
import { denseForward, type DenseLayerWeights } from '../../../src/course/models/stack';
import { skewChannels } from '../../../src/course/experiments/skewed_channels';
import { OptionError } from '../../../src/mp/errors';

const rand = seedrandom.alea('rescale');
const values = (n: number) => Float32Array.from({ length: n }, () => 2 * rand() - 1);
const stack: DenseLayerWeights[] = [
  { inputs: 5, outputs: 4, kernel: values(20), bias: values(4), relu: true },
  { inputs: 4, outputs: 3, kernel: values(12), bias: values(3), relu: false },
];
const x = values(5 * 6);
const run = (s: DenseLayerWeights[]): number[] =>
  Array.from(s.reduce<Float32Array>((h, l) => denseForward(l, h, 6), x));

describe('rescaling hidden channels', () => {
  it('keeps the outputs bit for bit when the factors are powers of two', () => {
    expect(run(scaleChannels(stack, 0, [0.25, 8, 1, 2 ** -5]))).to.deep.equal(run(stack));
  });

  it('keeps them to rounding for any positive factors, and moves the ranges where it is told', () => {
    const scaled = scaleChannels(stack, 0, [3, 0.1, 7, 1]);
    run(scaled).forEach((v, i) => expect(v).to.be.closeTo(run(stack)[i]!, 1e-5));
    expect(scaled[0]!.kernel[1]).to.equal(Math.fround(stack[0]!.kernel[1]! * 0.1)); // column 1 of layer 0
    expect(scaled[1]!.kernel[3]).to.equal(Math.fround(stack[1]!.kernel[3]! / 0.1)); // row 1 of layer 1
    expect(stack[0]!.kernel[1]).to.not.equal(scaled[0]!.kernel[1]); // a copy: the input is untouched
  });

  it('rejects factors that are not one positive number per channel, and a layer without ReLU after it', () => {
    expect(() => scaleChannels(stack, 0, [1, 2])).to.throw(OptionError, /Need 4 finite factors > 0/);
    expect(() => scaleChannels(stack, 0, [1, 2, 0, 1])).to.throw(OptionError, /Received 4: \[1,2,0,1\]/);
    expect(() => scaleChannels(stack, 1, [1, 1, 1])).to.throw(OptionError, /layer 1 is the last/);
  });

  it('skewChannels draws powers of two within ±spread, the same for a seed, and keeps the outputs', () => {
    const a = skewChannels(stack, { spread: 3, seed: 7 });
    expect(a.factors).to.deep.equal(skewChannels(stack, { spread: 3, seed: 7 }).factors);
    for (const f of a.factors) {
      expect(Number.isInteger(Math.log2(f))).to.equal(true);
      expect(Math.abs(Math.log2(f))).to.be.at.most(3);
    }
    expect(run(a.stack)).to.deep.equal(run(stack));
    expect(() => skewChannels(stack, { spread: 0.5 })).to.throw(OptionError, /spread=0.5/);
  });
});
