/**
 * autocast('dense')'s cast points around x·W + b, in one kernel (MpDense) and so one node on the tape:
 *     y = round_c(round_c(x)·round_c(W) + round_c(b))
 * forward (round_c: to the compute format), and backward, with g = round_g(dy) (round_g: to the gradient format)
 *     dx = round_g(g·round_c(W)ᵀ),   dW = round_g(round_c(x)ᵀ·g),   db = round_g(Σ_rows g).
 * These are the values the six nodes of MixedDense's autocast path give (three input casts, the product, the
 * bias add and the output cast), bit for bit, with the same kernels; the tape's bookkeeping per node, about as
 * much as a small kernel costs on wasm, is paid once. Each input's gradient runs only where it is needed: the
 * first layer's dx, which nobody reads, is never computed.
 */
import * as tf from '@tensorflow/tfjs';
import { getFloatFormat } from '../formats/registry';
import { transpose2d } from '../ops/transpose';
import { castRound } from './cast';
import { product } from './matmul';
import type { Policy } from './policy';

const DENSE_KERNEL = 'MpDense';

interface DenseAttrs {
  compute: string;
  gradient: string;
  scaled: boolean;
}

function register(backendName: string): void {
  tf.registerKernel({
    kernelName: DENSE_KERNEL,
    backendName,
    // the outputs: y, and round_c(x) and round_c(W), which the gradient reuses
    kernelFunc: ({ inputs, attrs }) =>
      tf.tidy(() => {
        const { compute, scaled } = attrs as unknown as DenseAttrs;
        const [x, w, b] = [inputs.x, inputs.w, inputs.b] as tf.Tensor[];
        const round = (t: tf.Tensor): tf.Tensor => castRound(t, getFloatFormat(compute), scaled);
        const [xc, wc] = [round(x!), round(w!)];
        // format 'float32' as autocast's path has it: the inputs are already in the compute format
        return [round(tf.add(product(xc, wc, 'float32'), round(b!))), xc, wc];
      }) as unknown as tf.TensorInfo[],
  });
}

tf.registerGradient({
  kernelName: DENSE_KERNEL,
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const { gradient, scaled } = attrs as unknown as DenseAttrs;
    const round = (t: tf.Tensor): tf.Tensor => castRound(t, getFloatFormat(gradient), scaled);
    const [xc, wc] = saved as [tf.Tensor, tf.Tensor];
    const g = round((Array.isArray(dys) ? dys[0] : dys)!);
    return {
      x: () => round(product(g, transpose2d(wc), 'float32')),
      w: () => round(product(transpose2d(xc), g, 'float32')),
      b: () => round(tf.sum(g, 0)),
    };
  },
});

/** round_c(round_c(x)·round_c(w) + round_c(b)) under `policy`, as one kernel and one tape node. */
export function denseWithCasts(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, policy: Policy): tf.Tensor2D {
  const backendName = tf.getBackend();
  if (!tf.getKernel(DENSE_KERNEL, backendName)) register(backendName);
  const attrs: DenseAttrs = {
    compute: policy.compute.name,
    gradient: policy.gradient.name,
    scaled: policy.perTensorScaling,
  };
  const [y] = tf.engine().runKernel(DENSE_KERNEL, { x, w, b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return y as tf.Tensor2D;
}
