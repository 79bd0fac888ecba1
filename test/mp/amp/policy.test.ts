import { expect } from 'chai';
import { AUTOCAST_OPS, autocastFormat, policy, POLICY_NAMES, PolicyError } from '../../../src/mp';
import { fixture } from '../../helpers';

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
  interface TorchOp {
    category: string;
  }
  const lists = fixture<{
    ops: Record<string, TorchOp>;
    torch_names: string[];
    expected: Record<string, Record<string, { low: string; mixed: string }>>;
  }>('autocast_lists.json');
  const torchNames = new Set(lists.torch_names);
  /** torch's category for an op: its list's, or input_dtype for an op torch has on none of the lists. */
  const torchCategory = (op: string): string =>
    lists.ops[op]?.category ?? (torchNames.has(op) ? 'absent' : 'not_in_torch');
  const shared = Object.keys(AUTOCAST_OPS).filter((op) => torchCategory(op) !== 'not_in_torch');

  it('gives each entry the category torch gives the op, or says torch lacks it', () => {
    const wrong = Object.entries(AUTOCAST_OPS).filter(([op, { torch, via }]) => {
      const category = torchCategory(op);
      if (via) return category !== 'absent' || !via.every((part) => lists.ops[part]?.category === torch);
      return torch !== (category === 'absent' ? 'input_dtype' : category);
    });
    expect(wrong.map(([op, e]) => `${op}: ${e.torch}, torch ${torchCategory(op)}`)).to.be.empty;
    expect(shared.length).to.be.at.least(35);
  });

  for (const [low, policyName] of [
    ['float16', 'mixed_float16'],
    ['bfloat16', 'mixed_bfloat16'],
  ] as const) {
    it(`agrees with torch.autocast('cuda', ${low}) on every shared op, for ${low} inputs and next to float32`, () => {
      const disagree: string[] = [];
      for (const op of shared) {
        const entry = AUTOCAST_OPS[op]!;
        const expected = lists.expected[entry.via ? entry.torch : torchCategory(op)]![low]!;
        const got = {
          low: autocastFormat(op, policyName, [low]).name,
          mixed: autocastFormat(op, policyName, [low, 'float32']).name,
        };
        if (got.low !== expected.low || got.mixed !== expected.mixed) {
          disagree.push(`${op}: ${JSON.stringify(got)}, torch ${JSON.stringify(expected)}`);
        }
      }
      expect(disagree).to.be.empty;
    });
  }

  it('keeps softmax, log, exp, sums, norms and losses in float32 even for float16 inputs', () => {
    for (const op of ['softmax', 'log', 'exp', 'sum', 'norm', 'cross_entropy', 'mse_loss']) {
      expect(autocastFormat(op, 'mixed_float16', ['float16']).name, op).to.equal('float32');
    }
  });

  it('runs sqrt, mean, batch_norm and elementwise ops in their input format, and joins at the widest', () => {
    for (const op of ['sqrt', 'mean', 'batch_norm', 'relu']) {
      expect(autocastFormat(op, 'mixed_float16', ['float16']).name, op).to.equal('float16');
    }
    expect(autocastFormat('cat', 'mixed_float16', ['float16', 'float32']).name).to.equal('float32');
  });

  it('rejects an unknown op, listing the known ones', () => {
    expect(() => autocastFormat('conv4d', 'mixed_float16', [])).to.throw(PolicyError, /Known ops: matmul, mm/);
  });
});
