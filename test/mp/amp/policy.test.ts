import { expect } from 'chai';
import { AUTOCAST_OPS, autocastFormat, policy, POLICY_NAMES, PolicyError } from '../../../src/mp';
import { fixture } from '../../helpers';

const torch = fixture<{ autocast_cuda_output_dtypes: Record<string, Record<string, string>> }>(
  'report.json',
).autocast_cuda_output_dtypes;

describe('policies', () => {
  it('parse from Keras names into compute and variable formats', () => {
    expect(policy('mixed_bfloat16')).to.include({ name: 'mixed_bfloat16' });
    expect(policy('mixed_bfloat16').compute.name).to.equal('bfloat16');
    expect(policy('mixed_bfloat16').variable.name).to.equal('float32');
    expect(policy('float16').variable.name).to.equal('float16');
    expect(policy('mixed_float16').needsLossScaling).to.equal(true);
    expect(policy('mixed_bfloat16').needsLossScaling).to.equal(false);
  });

  it('follow the FP8 paper: e4m3 forward, e5m2 gradients, per-tensor scaling, float32 master weights', () => {
    const p = policy('mixed_float8');
    expect([p.compute.name, p.gradient.name, p.variable.name, p.perTensorScaling]).to.deep.equal([
      'float8_e4m3fn',
      'float8_e5m2',
      'float32',
      true,
    ]);
  });

  it('reject unknown names with a typed error listing the valid ones', () => {
    expect(() => policy('mixed_fp16')).to.throw(
      PolicyError,
      /Unknown policy "mixed_fp16". Valid policies: float32, mixed_float16/,
    );
    expect(() => policy('fp8'))
      .to.throw(PolicyError)
      .with.property('validNames')
      .that.deep.equals(POLICY_NAMES);
  });
});

describe('the autocast op table', () => {
  const shared = Object.keys(torch).filter((op) => op in AUTOCAST_OPS);

  it('covers most of the ops in the torch reference', () => {
    expect(shared.length).to.be.at.least(30);
  });

  for (const [mode, policyName] of [
    ['cuda_float16', 'mixed_float16'],
    ['cuda_bfloat16', 'mixed_bfloat16'],
  ] as const) {
    it(`agrees with torch.autocast('cuda', ${mode.slice(5)}) on the output dtype of every shared op`, () => {
      const disagree = shared.filter(
        (op) => autocastFormat(op, policyName, ['float32', 'float32']).name !== torch[op]![mode],
      );
      expect(disagree).to.be.empty;
    });
  }

  it('keeps softmax, log, exp, sums, means, norms and losses in float32 even for float16 inputs', () => {
    for (const op of ['softmax', 'log', 'exp', 'sum', 'mean', 'norm', 'cross_entropy', 'mse_loss']) {
      expect(autocastFormat(op, 'mixed_float16', ['float16']).name, op).to.equal('float32');
    }
  });

  it('runs elementwise ops in their input format and joins at the widest', () => {
    expect(autocastFormat('relu', 'mixed_float16', ['float16']).name).to.equal('float16');
    expect(autocastFormat('cat', 'mixed_float16', ['float16', 'float32']).name).to.equal('float32');
  });

  it('rejects an unknown op, listing the known ones', () => {
    expect(() => autocastFormat('conv4d', 'mixed_float16', [])).to.throw(PolicyError, /Known ops: matmul, mm/);
  });
});
