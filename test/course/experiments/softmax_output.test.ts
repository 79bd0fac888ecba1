import { expect } from 'chai';
import { softmaxOutput } from '../../../src/course/experiments/softmax_output';
import { getFormat, OptionError, type FloatFormat } from '../../../src/mp';

describe('softmaxOutput', () => {
  it('loses nothing in float32, and no probability to the subnormals with 10 classes', () => {
    const [f32, , f16] = softmaxOutput(10);
    expect(f32!.format).to.equal('float32');
    expect([f32!.zero, f32!.subnormal]).to.deep.equal([0, 0]);
    expect(f16!.subnormal).to.equal(0);
    // a normal float16 keeps a relative error below 2^-11
    expect(f16!.medianRelativeError).to.be.below(2 ** -11);
  });

  it('puts most of 32 000 probabilities among float16 subnormals, whose mean 1/n lies below the smallest normal', () => {
    expect(1 / 32000).to.be.below((getFormat('float16') as FloatFormat).minNormal);
    const [, bf16, f16] = softmaxOutput(32000);
    expect(f16!.subnormal).to.be.above(0.5);
    expect(f16!.zero).to.be.above(0);
    expect(bf16!.subnormal).to.equal(0); // float32's exponent range
    expect(f16!.medianRelativeError).to.be.above(2 ** -11);
  });

  it('rejects fewer than two classes and unknown options', () => {
    expect(() => softmaxOutput(1)).to.throw(OptionError, /classes=1/);
    expect(() => softmaxOutput(10, { std: 3 } as object)).to.throw(OptionError, /std/);
  });
});
