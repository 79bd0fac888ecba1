/**
 * tf.losses.softmaxCrossEntropy(labels, logits) with its defaults (no weights, no label smoothing, the mean over
 * rows), and its gradient, each as one fused kernel on wasm (wasm_fused.ts): tfjs builds them from about 35
 * kernels and tape nodes, for a few thousand numbers. The kernels run tfjs-wasm's own kernels in the order tfjs's
 * ops do (tfjs-core's softmaxCrossEntropy, logSumExp, computeWeightedLoss and their gradients), so the loss and
 * the gradient are tfjs's bits:
 *     lse = max + log(Σ exp(z − max)),   loss = Σ_rows Σ_cols −((z − lse)·labels) / rows
 *     dz  = ((dy / rows)·1)·(exp(z − lse) − labels)
 * Elsewhere, and for other shapes, it is tfjs's own op.
 */
import * as tf from '@tensorflow/tfjs';
import { KERNELS } from './kernel_names';
import { registerWasmKernel, wasmFused, type WasmHeap } from './wasm_fused';

type Info = tf.TensorInfo;

/** z − lse (logSumExp over the last axis, keeping it), as tfjs's softmaxCrossEntropy computes it. */
function logSoftmax(heap: WasmHeap, logits: Info): Info {
  const [rows] = logits.shape as [number, number];
  const max = heap.run('Max', { x: logits }, { reductionIndices: [1], keepDims: true });
  const shifted = heap.run('Sub', { a: logits, b: max });
  const exps = heap.run('Exp', { x: shifted });
  const sums = heap.run('Sum', { x: exps }, { axis: [1], keepDims: false });
  const logs = heap.run('Log', { x: sums });
  const lse = heap.run('Add', { a: heap.view(max, [rows]), b: logs });
  const logResult = heap.run('Sub', { a: logits, b: heap.view(lse, [rows, 1]) });
  heap.free(max, shifted, exps, sums, logs, lse);
  return logResult;
}

registerWasmKernel<object>(KERNELS.softmaxCrossEntropy, ({ labels, logits }, _, heap) => {
  const [rows] = logits!.shape as [number, number];
  const logResult = logSoftmax(heap, logits!);
  const products = heap.run('Multiply', { a: logResult, b: labels! });
  const costs = heap.run('Neg', { x: products });
  const perRow = heap.run('Sum', { x: costs }, { axis: [1], keepDims: false });
  const total = heap.run('Sum', { x: perRow }, { axis: null, keepDims: false });
  const count = heap.scalar(rows);
  const loss = heap.run('RealDiv', { a: total, b: count });
  heap.free(logResult, products, costs, perRow, total, count);
  return loss;
});

/** Which input's gradient the gradient kernel computes. */
interface GradAttrs {
  wrt: 'logits' | 'labels';
}

registerWasmKernel<GradAttrs>(KERNELS.softmaxCrossEntropyGrad, ({ dy, labels, logits }, { wrt }, heap) => {
  const [rows] = logits!.shape as [number, number];
  // the mean's gradient (RealDiv), then the row sum's (a product with ones), then the loss's own
  const count = heap.scalar(rows);
  const perLoss = heap.run('RealDiv', { a: dy!, b: count });
  const ones = heap.alloc([rows]);
  heap.f32(ones).fill(1);
  const perRow = heap.run('Multiply', { a: heap.view(perLoss, [1]), b: ones });
  const logResult = logSoftmax(heap, logits!);
  const probabilities = heap.run('Exp', { x: logResult });
  // tfjs's custom gradient gives the labels dy·(labels − softmax), though the loss is not meant to be
  // differentiated there
  const diff = heap.run('Sub', wrt === 'logits' ? { a: probabilities, b: labels! } : { a: labels!, b: probabilities });
  const grad = heap.run('Multiply', { a: heap.view(perRow, [rows, 1]), b: diff });
  heap.free(count, perLoss, ones, perRow, logResult, probabilities, diff);
  return grad;
});

tf.registerGradient({
  kernelName: KERNELS.softmaxCrossEntropy,
  inputsToSave: ['labels', 'logits'],
  gradFunc: (dy, [labels, logits]) => {
    const inputs = { dy: dy as tf.Tensor, labels: labels!, logits: logits! };
    const grad = (wrt: GradAttrs['wrt']) => (): tf.Tensor =>
      tf.engine().runKernel(KERNELS.softmaxCrossEntropyGrad, inputs, { wrt });
    return { logits: grad('logits'), labels: grad('labels') };
  },
});

/**
 * The mean softmax cross-entropy of `logits` ([rows, classes]) against `labels` (one-hot or probabilities, same
 * shape): tf.losses.softmaxCrossEntropy(labels, logits), as one kernel and one tape node on wasm.
 *
 *     softmaxCrossEntropy(tf.oneHot([1], 3).toFloat(), tf.tensor2d([[0, 2, 0]]))   // 0.2395
 */
export function softmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  const fused =
    wasmFused(KERNELS.softmaxCrossEntropy) &&
    logits.rank === 2 &&
    logits.dtype === 'float32' &&
    labels.dtype === 'float32' &&
    tf.util.arraysEqual(labels.shape, logits.shape);
  if (!fused) return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  return tf.engine().runKernel(KERNELS.softmaxCrossEntropy, { labels, logits }) as tf.Scalar;
}
