import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import {
  FormatError,
  OptionError,
  buildMlp,
  precisionSearch,
  useBackend,
  type DenseLayerWeights,
} from '../../../src/course/index';
import { PRECISION_SEARCH_FORMATS } from '../../../src/course/experiments/precision_search';

/**
 * A synthetic task whose answer we know: 4 inputs, 3 classes. Layer 1 copies x through (identity, relu) with
 * a tiny weight on input 0 that float4 rounds away under per-tensor scaling; layer 2 picks the class.
 */
function toyProblem(rows = 600): { stack: DenseLayerWeights[]; images: Float32Array; labels: Uint8Array } {
  const rand = seedrandom.alea('toy');
  const k1 = new Float32Array(16);
  [0, 5, 10, 15].forEach((i) => (k1[i] = 1));
  const k2 = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.01, 0.02, 0.03]); // 4×3, row-major
  const stack: DenseLayerWeights[] = [
    { inputs: 4, outputs: 4, kernel: k1, bias: new Float32Array(4), relu: true },
    { inputs: 4, outputs: 3, kernel: k2, bias: new Float32Array(3), relu: false },
  ];
  const images = new Float32Array(rows * 4);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    for (let j = 0; j < 4; j++) images[r * 4 + j] = 0.5 * rand();
    images[r * 4 + c] = 2 + rand(); // class c has by far the largest of the first three inputs
    labels[r] = c;
  }
  return { stack, images, labels };
}

describe('precisionSearch', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('scans every layer × format, chooses within the budget and leaks no tensors', () => {
    const { stack, images, labels } = toyProblem();
    const before = tf.memory().numTensors;
    const r = precisionSearch(stack, { images, labels }, { budget: 0.5 });
    expect(tf.memory().numTensors).to.equal(before);
    expect(r.baselineAccuracy).to.equal(1);
    expect(r.sensitivity).to.have.length(2 * PRECISION_SEARCH_FORMATS.length);
    expect(r.withinBudget).to.equal(true);
    expect(r.drop).to.be.at.most(0.5);
    expect(r.chosen).to.have.length(2);
    // the last step is the chosen combination, evaluated as a whole
    expect(r.steps[r.steps.length - 1]!.formats).to.deep.equal(r.chosen.map((c) => c.format));
    expect(r.steps[r.steps.length - 1]!.accuracy).to.equal(r.accuracy);
    // a clean toy problem survives float4 in both layers: the fewest bits win
    expect(r.chosen.map((c) => c.bits)).to.deep.equal([4, 4]);
    expect(r.bytes.float32).to.equal(4 * (16 + 4 + 12 + 3));
    // float4 kernels packed two per byte plus a float32 scale; biases stay float32
    expect(r.bytes.chosen).to.equal(8 + 4 + 16 + (6 + 4) + 12);
    expect(r.bytes.saved).to.equal(r.bytes.float32 - r.bytes.chosen);
  });

  it('leaves out a format that alone costs more than the budget', () => {
    const { stack, images, labels } = toyProblem();
    // make class 2 hinge on a small difference that float4 weights cannot hold: w = 1 vs 1.1
    const k2 = Float32Array.from(stack[1]!.kernel);
    k2[8] = 1.1; // row 2, column 2
    const inputsShifted = Float32Array.from(images);
    for (let r = 0; r < labels.length; r++) {
      // class 2 rows: x2 slightly below x0 or x1, so only the 1.1 weight makes class 2 win
      if (labels[r] === 2) inputsShifted[r * 4 + 2] = Math.max(inputsShifted[r * 4]!, inputsShifted[r * 4 + 1]!) * 0.95;
    }
    const hard = [stack[0]!, { ...stack[1]!, kernel: k2 }];
    const r = precisionSearch(hard, { images: inputsShifted, labels }, { budget: 0, activations: false });
    const f4 = r.sensitivity.find((s) => s.layer === 1 && s.format === 'float4_e2m1fn')!;
    expect(f4.drop).to.be.above(0); // scaled by 6/1.1, both 1.1 and 1 round to 6 in float4: class 2 loses its edge
    expect(r.chosen[1]!.format).to.not.equal('float4_e2m1fn');
    expect(r.drop).to.be.at.most(0);
  });

  it('verifies the combination: moves a layer up when drops that fit alone add up past the budget', () => {
    // x → x·w1 → logits [c0, x·w1·w2]. w1 = w2 = 1 + e with e = 0.4·2^-7: bfloat16 rounds each to 1.
    // At x = 1 the class-1 logit is 1+2e in float32, 1+e with one layer rounded (still above c0 = 1 + e/2),
    // and 1 with both rounded: below c0, wrong.
    const e = 0.4 * 2 ** -7;
    const w = Math.fround(1 + e);
    const stack: DenseLayerWeights[] = [
      { inputs: 1, outputs: 1, kernel: Float32Array.of(w), bias: Float32Array.of(0), relu: true },
      { inputs: 1, outputs: 2, kernel: Float32Array.of(0, w), bias: Float32Array.of(1 + e / 2, 0), relu: false },
    ];
    const images = Float32Array.of(1, 1, 1, 0.5);
    const labels = Uint8Array.of(1, 1, 1, 0);
    const r = precisionSearch(stack, { images, labels }, { budget: 0, candidates: ['bfloat16'], activations: false });
    expect(r.sensitivity.map((s) => s.drop)).to.deep.equal([0, 0]);
    expect(r.steps.map((s) => s.formats)).to.deep.equal([
      ['bfloat16', 'bfloat16'],
      ['float32', 'bfloat16'], // both moves recover everything; layer 1's adds fewer bytes
    ]);
    expect(r.steps[0]!.accuracy).to.equal(0.25);
    expect([r.accuracy, r.drop, r.withinBudget]).to.deep.equal([1, 0, true]);
    expect(r.chosen.map((c) => c.format)).to.deep.equal(['float32', 'bfloat16']);
  });

  it('works on the seed MLP (a tf.Sequential, its weights awaited) and scores a held-out test set', async () => {
    const model = buildMlp('float32', { seed: 3 });
    model.build([null, 784]);
    const rand = seedrandom.alea('mlp');
    const images = Float32Array.from({ length: 200 * 784 }, () => rand());
    const logits = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(images, [200, 784])) as tf.Tensor, 1).dataSync());
    const labels = Uint8Array.from(logits); // the float32 model is right by construction
    const r = await precisionSearch(
      model,
      { images, labels },
      {
        budget: 1,
        candidates: ['bfloat16', 'float16'],
        test: { images: images.slice(0, 100 * 784), labels: labels.slice(0, 100) },
      },
    );
    expect(r.baselineAccuracy).to.equal(1);
    expect(r.chosen.map((c) => c.name)).to.deep.equal(['layer 1 (784→64)', 'layer 2 (64→10)']);
    expect(r.test!.baselineAccuracy).to.equal(1);
    expect(r.withinBudget).to.equal(true);
    model.dispose();
  });

  it('rejects bad input with typed errors', () => {
    const { stack, images, labels } = toyProblem(30);
    const data = { images, labels };
    expect(() => precisionSearch(stack, data, { candidates: ['float7'] })).to.throw(FormatError, /Unknown format/);
    expect(() => precisionSearch(stack, data, { candidates: ['int8'] })).to.throw(FormatError);
    expect(() => precisionSearch(stack, data, { candidates: ['float8_e8m0fnu'] })).to.throw(FormatError, /sign/);
    expect(() => precisionSearch(stack, data, { candidates: [] })).to.throw(OptionError);
    expect(() => precisionSearch(stack, data, { budget: -0.1 })).to.throw(OptionError, /budget/);
    expect(() => precisionSearch(stack, data, { budget: NaN })).to.throw(OptionError, /budget/);
    expect(() => precisionSearch(stack, data, { scaling: 'always' as never })).to.throw(OptionError, /scaling/);
    expect(() => precisionSearch([], data)).to.throw(OptionError, /no layers/);
    expect(() => precisionSearch(stack, { images: images.subarray(1), labels })).to.throw(OptionError, /4 values/);
    expect(() => precisionSearch(stack, { images, labels: labels.map(() => 7) })).to.throw(OptionError, /labels/);
    expect(() => precisionSearch([stack[1]!, stack[0]!], data)).to.throw(OptionError, /takes/);
  });
});
