import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { int8Dense, quantizeWeights, transposeCodes, type Int8Layer } from '../../../src/course/models/int8';
import { DynamicInt8Mlp, staticQuantize } from '../../../src/course/models/ptq';
import type { DenseLayerWeights } from '../../../src/course/models/stack';
import { MinMaxObserver } from '../../../src/mp/quant/observers';
import { OptionError } from '../../../src/mp/errors';

const rand = seedrandom.alea('int8');
const ints = (n: number, lo: number, hi: number) =>
  Array.from({ length: n }, () => lo + Math.floor(rand() * (hi - lo + 1)));

/** int8Dense's equations, output by output, summing every product (zeros included) in input order. */
function reference(layer: Int8Layer, x: Uint8Array, rows: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < layer.outputs; c++) {
      let acc = layer.bias[c]!;
      for (let i = 0; i < layer.inputs; i++)
        acc += (x[r * layer.inputs + i]! - layer.input.zeroPoint) * layer.weights[c * layer.inputs + i]!;
      const m = (layer.input.scale * layer.weightScales[c]!) / layer.output.scale;
      const t = acc * m;
      const rounded = Math.abs(t - Math.trunc(t)) === 0.5 ? 2 * Math.round(t / 2) : Math.round(t);
      const lo = layer.relu ? layer.output.zeroPoint : 0;
      out.push(Math.min(255, Math.max(lo, rounded + layer.output.zeroPoint)));
    }
  }
  return out;
}

function randomLayer(inputs: number, outputs: number, relu: boolean, inputZero: number): Int8Layer {
  return {
    inputs,
    outputs,
    weights: Int8Array.from(ints(inputs * outputs, -128, 127)),
    weightScales: Float64Array.from({ length: outputs }, () => 0.001 + 0.01 * rand()),
    bias: Int32Array.from(ints(outputs, -5000, 5000)),
    input: { scale: 0.02, zeroPoint: inputZero },
    output: { scale: 0.5 + rand(), zeroPoint: relu ? 0 : 17 },
    relu,
  };
}

describe('integer inference', () => {
  it('int8Dense equals its equations, with inputs at the zero point (skipped) and without', () => {
    for (const [relu, zero] of [
      [true, 0],
      [false, 3],
    ] as const) {
      const layer = randomLayer(37, 11, relu, zero);
      // a third of the inputs sit at the zero point, as MNIST's blank pixels and a ReLU's zeros do
      const x = Uint8Array.from(ints(5 * 37, 0, 255).map((v) => (v % 3 === 0 ? zero : v)));
      expect(Array.from(int8Dense(layer, x, 5))).to.deep.equal(reference(layer, x, 5));
    }
  });

  it('transposeCodes turns channel-major codes input-major', () => {
    expect(Array.from(transposeCodes(Int8Array.of(1, 2, 3, 4, 5, 6), 2, 3))).to.deep.equal([1, 4, 2, 5, 3, 6]);
  });

  it('quantizes weights per tensor with one torch scale (max|W| / 127.5), per channel with one per output', () => {
    const layer: DenseLayerWeights = {
      inputs: 2,
      outputs: 2,
      kernel: Float32Array.of(0.5, -2, 0.25, 1), // columns: [0.5, 0.25] and [-2, 1]
      bias: new Float32Array(2),
      relu: false,
    };
    const perTensor = quantizeWeights(layer, 'per_tensor');
    const one = MinMaxObserver.qparamsOf(-2, 1, { dtype: 'qint8', qscheme: 'per_tensor_symmetric' }).scale;
    expect(Array.from(perTensor.scales)).to.deep.equal([one, one]);
    expect(one).to.equal(Math.fround(2 / 127.5));
    const perChannel = quantizeWeights(layer);
    expect(perChannel.scales[0]).to.equal(Math.fround(0.5 / 127.5));
    expect(Array.from(perChannel.weights.subarray(0, 2))).to.deep.equal([127, 64]); // 0.5/s = 127.5 rounds to 128, clamped to 127
    expect(() => quantizeWeights(layer, 'per_row' as 'per_tensor')).to.throw(OptionError, /per_channel.*per_tensor/);
  });

  it('dynamic quantization equals its float equations, one set of qparams per call', () => {
    const stack: DenseLayerWeights[] = [
      {
        inputs: 6,
        outputs: 4,
        kernel: Float32Array.from({ length: 24 }, () => rand() - 0.5),
        bias: Float32Array.of(0.1, -0.2, 0, 0.3),
        relu: true,
      },
      {
        inputs: 4,
        outputs: 3,
        kernel: Float32Array.from({ length: 12 }, () => rand() - 0.5),
        bias: Float32Array.of(0, 0.05, -0.05),
        relu: false,
      },
    ];
    const x = Float32Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? 0 : rand()));
    const model = new DynamicInt8Mlp(stack);
    let h = x;
    for (const layer of stack) {
      const { weights, scales } = quantizeWeights(layer);
      const lo = Math.min(0, ...h);
      const hi = Math.max(0, ...h);
      const q = MinMaxObserver.qparamsOf(lo, hi);
      const y = new Float32Array(2 * layer.outputs);
      for (let r = 0; r < 2; r++)
        for (let c = 0; c < layer.outputs; c++) {
          let acc = 0;
          for (let i = 0; i < layer.inputs; i++) {
            const code = Math.min(
              255,
              Math.max(0, q.zeroPoint + Math.round(Math.fround(h[r * layer.inputs + i]! * Math.fround(1 / q.scale)))),
            );
            acc += (code - q.zeroPoint) * weights[c * layer.inputs + i]!;
          }
          const v = acc * q.scale * scales[c]! + layer.bias[c]!;
          y[r * layer.outputs + c] = layer.relu ? Math.max(v, 0) : v;
        }
      h = y;
    }
    expect(Array.from(model.predict(x, 2))).to.deep.equal(Array.from(h));
  });

  it('staticQuantize takes its observer by name or in options, and rejects unknown options', () => {
    const stack: DenseLayerWeights[] = [
      { inputs: 2, outputs: 2, kernel: Float32Array.of(1, -1, 0.5, 2), bias: new Float32Array(2), relu: false },
    ];
    const batch = Float32Array.of(0.1, 0.9, 0.4, 0.2);
    const byName = staticQuantize(stack, [batch], 'histogram');
    const inOptions = staticQuantize(stack, [batch], { observer: 'histogram' });
    expect(byName.layers).to.deep.equal(inOptions.layers);
    expect(() => staticQuantize(stack, [batch], { observers: 'minmax' } as object)).to.throw(OptionError, /observers/);
  });
});
