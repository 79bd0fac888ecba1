/**
 * autocast('dense')'s cast points around x·W + b, in one kernel (MpDense) and so one node on the tape:
 *     y = round_c(round_c(x)·round_c(W) + round_c(b))
 * forward (round_c: to the format the autocast table gives dense), and backward, with g = round_g(dy) (round_g: to
 * the gradient format where the table casts dense)
 *     dx = round_g(g·round_c(W)ᵀ),   dW = round_g(round_c(x)ᵀ·g),   db = round_g(Σ_rows g).
 * These are the values the six nodes of MixedDense's autocast path give (three input casts, the product, the
 * bias add and the output cast), bit for bit on cpu and wasm, with the same kernels; the tape's bookkeeping per
 * node, about as much as a small kernel costs on wasm, is paid once. The three products run in the compute
 * format's WebGPU kernel (float16: the tensor cores, on inputs already in float16; the same sums up to their
 * order), where autocast's path had them in float32's. Each input's gradient runs only where it is needed: the
 * first layer's dx, which nobody reads, is never computed.
 */
import * as tf from '@tensorflow/tfjs';
import { getFloatFormat } from '../formats/registry';
import { fusedDense, type FusedActivation } from '../ops/dense_fused';
import { KERNELS, runAnywhere } from '../ops/kernel_names';
import { wasmFused } from '../ops/wasm_fused';
import { transpose2d } from '../ops/transpose';
import { AUTOCAST_OPS, autocastFormat } from './autocast';
import { castRound } from './cast';
import { product } from './matmul';
import type { Policy } from './policy';

interface DenseAttrs {
  compute: string;
  gradient: string;
  scaled: boolean;
}

const rounding =
  (format: string, scaled: boolean) =>
  (t: tf.Tensor): tf.Tensor =>
    castRound(t, getFloatFormat(format), scaled);

/** The forward pass, in ops of the current backend. */
const denseKernel =
  (): tf.KernelFunc =>
  ({ inputs, attrs }) =>
    tf.tidy(() => {
      const { compute, scaled } = attrs as unknown as DenseAttrs;
      const round = rounding(compute, scaled);
      const [x, w, b] = [inputs.x, inputs.w, inputs.b] as tf.Tensor[];
      // the product's format picks WebGPU's kernel (float16: the tensor cores); elsewhere it changes nothing
      return round(tf.add(product(round(x!), round(w!), compute), round(b!)));
    }) as unknown as tf.TensorInfo;

// round_c(x) and round_c(W) are computed again where a gradient needs them: as extra outputs they would cost
// more, since tfjs fills an unused output's gradient with zeros made on the host and uploaded
tf.registerGradient({
  kernelName: KERNELS.dense,
  inputsToSave: ['x', 'w'],
  gradFunc: (dy, saved, attrs) => {
    const { compute, gradient, scaled } = attrs as unknown as DenseAttrs;
    const [roundC, roundG] = [rounding(compute, scaled), rounding(gradient, scaled)];
    const [x, w] = saved as [tf.Tensor, tf.Tensor];
    const g = roundG(dy as tf.Tensor);
    return {
      x: () => roundG(product(g, transpose2d(roundC(w)), compute)),
      w: () => roundG(product(transpose2d(roundC(x)), g, compute)),
      b: () => roundG(tf.sum(g, 0)),
    };
  },
});

/**
 * The casts around `dense` under `policy`, as autocast's table decides them: under its `compute` rule the inputs
 * and the output are cast points (castToCompute's: round_c forward, round_g backward) and the products run in
 * autocastFormat's format; under any other rule nothing is cast (every round is float32's, the identity).
 */
function castsOf(policy: Policy): DenseAttrs {
  const casts = AUTOCAST_OPS.dense?.rule === 'compute';
  return {
    compute: autocastFormat('dense', policy, ['float32', 'float32', 'float32']).name,
    gradient: casts ? policy.gradient.name : 'float32',
    scaled: policy.perTensorScaling,
  };
}

/**
 * autocast('dense')'s values under `policy` as one kernel and one tape node: with the shipped table,
 * round_c(round_c(x)·round_c(w) + round_c(b)).
 *
 *     denseWithCasts(x, w, b, policy('mixed_float16'))   // float16 casts, float16 products
 */
export function denseWithCasts(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, policy: Policy): tf.Tensor2D {
  return runAnywhere(KERNELS.dense, denseKernel, { x, w, b }, castsOf(policy)) as tf.Tensor2D;
}

/**
 * Whether `dense` under `policy`, with `activation` after it, runs as ops/dense_fused.ts's kernel: on wasm, for
 * the casts a cast point makes (not per-tensor scaled ones). ReLU folds into it where the table lets ReLU pass
 * through in its input's format, since a cast value's ReLU is one too; the activation it leaves runs after it.
 */
export function fusedDenseActivation(policy: Policy, activation: string): FusedActivation | undefined {
  if (policy.perTensorScaling || !wasmFused(KERNELS.denseFused)) return undefined;
  return activation === 'relu' && AUTOCAST_OPS.relu?.rule === 'passthrough' ? 'relu' : 'linear';
}

/**
 * autocast('dense')'s values under `policy`, then `activation` where fusedDenseActivation folds it in: one kernel,
 * one tape node. Call it where fusedDenseActivation(policy, activation) gives `fused`.
 *
 *     fusedDenseUnder(x, w, b, policy('float32'), 'relu')   // relu(x·w + b), one kernel on wasm
 */
export function fusedDenseUnder(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  policy: Policy,
  fused: FusedActivation,
): tf.Tensor2D {
  const { compute, gradient } = castsOf(policy);
  return fusedDense(x, w, b, { compute, gradient, activation: fused });
}
