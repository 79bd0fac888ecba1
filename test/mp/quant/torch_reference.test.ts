import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  fakeQuantize,
  fakeQuantizePerChannel,
  MinMaxObserver,
  MovingAverageMinMaxObserver,
  useBackend,
} from '../../../src/mp';
import { bitsOf, fixture, floatsFromBits, hex } from '../../helpers';

interface Case {
  scale: number;
  zero_point: number;
  quant_min: number;
  quant_max: number;
  output: number[];
  grad: number[];
}
interface QuantVectors {
  input: number[];
  per_tensor: Case[];
  per_channel: {
    input: number[][];
    scales: number[];
    zero_points: number[];
    axis: number;
    quant_min: number;
    quant_max: number;
    output: number[][];
  };
  observers: {
    batches: number[][];
    observers: {
      name: string;
      trace: { scale: number[]; zero_point: number[]; min_val: number[]; max_val: number[] }[];
    }[];
  };
}
const q = fixture<QuantVectors>('quant_vectors.json');

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fake quantization against torch on the ${backend} backend`, () => {
    before(async () => {
      await useBackend(backend);
    });

    q.per_tensor.forEach((c) => {
      it(`per tensor, scale ${c.scale}, zero point ${c.zero_point}, range [${c.quant_min}, ${c.quant_max}]: outputs and gradients identical`, () => {
        const x = tf.tensor1d(floatsFromBits(q.input));
        const p = { scale: c.scale, zeroPoint: c.zero_point, quantMin: c.quant_min, quantMax: c.quant_max };
        const out = bitsOf(fakeQuantize(x, p).dataSync() as Float32Array);
        const grad = tf
          .grad((t: tf.Tensor) => fakeQuantize(t, p).sum())(x)
          .dataSync();
        const wrong = c.output.flatMap((bits, i) =>
          out[i] === bits ? [] : [`${i}: ${hex(out[i]!)} want ${hex(bits)}`],
        );
        expect(wrong, wrong.slice(0, 5).join('\n')).to.be.empty;
        expect(Array.from(grad)).to.deep.equal(c.grad); // stored as plain 0 and 1, not bit patterns
        x.dispose();
      });
    });

    it('per channel on a 4×50 matrix along axis 0: outputs identical', () => {
      const pc = q.per_channel;
      const x = tf.tensor2d(pc.input);
      const out = fakeQuantizePerChannel(x, {
        scale: pc.scales,
        zeroPoint: pc.zero_points,
        axis: pc.axis,
        quantMin: pc.quant_min,
        quantMax: pc.quant_max,
      }).arraySync() as number[][];
      expect(out).to.deep.equal(pc.output.map((row) => row.map(Math.fround)));
      x.dispose();
    });
  });
}

describe('observers against torch', () => {
  for (const ref of q.observers.observers) {
    it(`${ref.name}: qparams and running min/max identical after every batch`, () => {
      const observer = ref.name.startsWith('MovingAverage')
        ? new MovingAverageMinMaxObserver({ averagingConstant: 0.01, dtype: 'quint8', qscheme: 'per_tensor_affine' })
        : new MinMaxObserver({ dtype: 'quint8', qscheme: 'per_tensor_affine' });
      const ours = q.observers.batches.map((batch) => {
        const t = tf.tensor1d(batch);
        observer.observe(t);
        t.dispose();
        const { scale, zeroPoint } = observer.calculateQParams();
        return { scale: [scale], zero_point: [zeroPoint], min_val: [observer.minVal], max_val: [observer.maxVal] };
      });
      const want = ref.trace.map((t) => ({
        scale: t.scale.map(Math.fround),
        zero_point: t.zero_point,
        min_val: t.min_val.map(Math.fround),
        max_val: t.max_val.map(Math.fround),
      }));
      expect(ours).to.deep.equal(want);
    });
  }
});
