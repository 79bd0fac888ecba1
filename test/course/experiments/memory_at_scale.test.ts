/**
 * Training memory on paper, against its anchors: the ZeRO paper's Table I (7.5B parameters, per-device GB under
 * each ZeRO-DP stage) and Korthikanti et al.'s activation formulas (equation 1, §5, Table 2).
 */
import { expect } from 'chai';
import {
  layerActivationBytes,
  OptionError,
  trainingMemory,
  TRANSFORMER_SHAPES,
  type TransformerShape,
} from '../../../src/course/index';

const GB = 1e9; // the ZeRO paper's GB
const model75: TransformerShape = { ...TRANSFORMER_SHAPES[0]!, name: '7.5B', params: 7.5e9 };
const states = (stage: 0 | 1 | 2 | 3, gpus: number) => {
  const m = trainingMemory(model75, { precision: 'mixed', tokens: 1, batch: 1, zeroStage: stage, gpus });
  return (m.weights + m.gradients + m.optimizer) / GB;
};

describe('trainingMemory: model states after ZeRO', () => {
  it('needs 16 bytes per parameter in mixed precision, 120 GB for 7.5B parameters on one GPU (Table I)', () => {
    expect(states(0, 1)).to.be.closeTo(120, 1e-9);
  });

  it('gives Table I at 64 GPUs: 31.4 GB (Pos), 16.6 GB (Pos+g), 1.88 GB (Pos+g+p)', () => {
    expect(states(1, 64)).to.be.closeTo(31.4, 0.05);
    expect(states(2, 64)).to.be.closeTo(16.6, 0.05);
    expect(states(3, 64)).to.be.closeTo(1.88, 0.005);
  });

  it('gives Table I at 4 and 1024 GPUs: 52.5/41.3/30 and 30.1/15.1/0.12 GB', () => {
    expect([states(1, 4), states(2, 4), states(3, 4)].map((x) => +x.toFixed(1))).to.deep.equal([52.5, 41.3, 30]);
    expect(states(1, 1024)).to.be.closeTo(30.1, 0.05);
    expect(states(2, 1024)).to.be.closeTo(15.1, 0.05);
    expect(states(3, 1024)).to.be.closeTo(0.12, 0.005);
  });

  it('keeps float32 training at 16 bytes per parameter too, and pure bfloat16 at 8', () => {
    const per = (precision: 'float32' | 'bfloat16') => {
      const m = trainingMemory(model75, { precision, tokens: 1, batch: 1 });
      return (m.weights + m.gradients + m.optimizer) / model75.params;
    };
    expect([per('float32'), per('bfloat16')]).to.deep.equal([16, 8]);
  });
});

describe('layerActivationBytes: Korthikanti et al.', () => {
  const gpt3 = { tokens: 2048, batch: 1, hidden: 12288, heads: 96 };
  const sbh = 2048 * 12288;

  it('is sbh(34 + 5as/h) with 16-bit values (equation 1)', () => {
    expect(layerActivationBytes(gpt3, 2, 'none')).to.equal(sbh * (34 + (5 * 96 * 2048) / 12288));
  });

  it('is 34sbh with selective recomputation and 2sbh with full recomputation (Table 2, t = 1)', () => {
    expect(layerActivationBytes(gpt3, 2, 'selective')).to.equal(34 * sbh);
    expect(layerActivationBytes(gpt3, 2, 'full')).to.equal(2 * sbh);
  });

  it('doubles every stored value but not the 1-byte dropout masks in float32: 66sbh + 9as²b', () => {
    expect(layerActivationBytes(gpt3, 4, 'none')).to.equal(66 * sbh + 9 * 96 * 2048 * 2048);
  });

  it('adds the logits (float32) and the tensors outside the layers to L layers', () => {
    const m = TRANSFORMER_SHAPES[0]!;
    const plan = trainingMemory(m, { precision: 'mixed', tokens: 2048, batch: 4 });
    const layer = layerActivationBytes({ tokens: 2048, batch: 4, hidden: m.hidden, heads: m.heads }, 2, 'none');
    expect(plan.activations).to.equal(m.layers * layer + 4 * 2048 * 4 * m.vocab + 5 * 2048 * 4 * m.hidden);
  });

  it('rejects unknown options and settings with a typed error naming the valid ones', () => {
    const m = TRANSFORMER_SHAPES[0]!;
    expect(() => trainingMemory(m, { precision: 'fp8' as 'mixed', tokens: 1, batch: 1 })).to.throw(
      OptionError,
      /precision must be one of "float32", "mixed", "bfloat16"/,
    );
    expect(() => trainingMemory(m, { precision: 'mixed', tokens: 0, batch: 1 })).to.throw(OptionError, /tokens/);
    expect(() => trainingMemory(m, { precision: 'mixed', tokens: 1, batch: 1, seq: 2 } as never)).to.throw(
      OptionError,
      /no option "seq"/,
    );
  });
});
