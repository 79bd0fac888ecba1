/**
 * A dense layer's forward and backward passes as fused kernels on tfjs-wasm (wasm_fused.ts). With round_c and
 * round_g the casts to the compute and gradient formats (identities in float32; amp/dense.ts takes both from the
 * autocast table) and act ReLU or the identity:
 *     forward      y  = act(round_c(round_c(x)·round_c(W) + round_c(b)))
 *     backward     g  = round_g(dy · act′),   dW = round_g(round_c(x)ᵀ·g),   db = round_g(Σ_rows g)
 *     input grad   dx = round_g(g·round_c(W)ᵀ)      (a kernel of its own: only where x needs a gradient)
 * These are the values of the op-by-op path (amp/dense.ts's MpDense, or MpMatMul and tf.add in float32, then
 * tf.relu), step for step (wasm_fused.ts says where a NaN's sign may differ): the products sum in tfjs-wasm's
 * order, the casts are the rounding plan's kernel, and the bias add, ReLU, its gradient and the bias gradient's
 * column sums amp.wat's, each the float32 operation of the tfjs-wasm kernel it replaces.
 *
 * What the backward kernel needs of the forward one hangs on the call's attrs, the one object the engine hands
 * to the forward kernel and, through the tape, to its gradient: round_c(x), so that the batch is cast once a
 * step, and where ReLU cleared a NaN with its sign bit (to +0, where the op-by-op gradient dy·step(x), x ReLU's
 * input, is NaN), rare as that is (an overflow in the product).
 */
import * as tf from '@tensorflow/tfjs';
import { KERNELS } from './kernel_names';
import { tapeRecording } from '../tfjs_internals';
import { registerWasmKernel, type WasmHeap } from './wasm_fused';

export type FusedActivation = 'linear' | 'relu';

export interface FusedDenseAttrs {
  /** The formats of the casts (float32: none). */
  readonly compute: string;
  readonly gradient: string;
  readonly activation: FusedActivation;
  /** Set where a gradient tape records the call: the forward kernel keeps round_c(x) for the backward one. */
  readonly taped?: boolean;
}

type Info = tf.TensorInfo;

/** Where ReLU cleared a NaN with its sign bit, per call (its attrs): the entries and the NaNs' bits. */
const clearedNaNs = new WeakMap<FusedDenseAttrs, { index: Int32Array; bits: Int32Array }>();

/** Records the NaNs with their sign bit set in `pre` (ReLU's input), which ReLU made +0. */
function recordClearedNaNs(heap: WasmHeap, pre: Info, attrs: FusedDenseAttrs): void {
  const bits = new Int32Array(heap.f32(pre).buffer, heap.at(pre), heap.f32(pre).length);
  const index: number[] = [];
  for (let i = 0; i < bits.length; i++) if (bits[i]! < 0 && bits[i]! > (0xff800000 | 0)) index.push(i);
  clearedNaNs.set(attrs, { index: Int32Array.from(index), bits: Int32Array.from(index, (i) => bits[i]!) });
}

/**
 * g = dy · step(x) where ReLU cleared a NaN x: x·dy's NaN, as float32 multiplication gives it (x86's rule: the
 * first NaN operand, quieted: dy's where dy is one, else x's).
 */
function restoreClearedNaNs(heap: WasmHeap, attrs: FusedDenseAttrs, dy: Info, g: Info): void {
  const cleared = clearedNaNs.get(attrs);
  if (!cleared) return;
  const view = (t: Info): Int32Array => new Int32Array(heap.f32(t).buffer, heap.at(t), heap.f32(t).length);
  const [dyBits, gBits] = [view(dy), view(g)];
  const QUIET = 0x400000;
  cleared.index.forEach((i, k) => {
    const d = dyBits[i]!;
    gBits[i] = ((d & 0x7fffffff) > 0x7f800000 ? d : cleared.bits[k]!) | QUIET;
  });
}

/**
 * round_c(x) from taped forward calls, for their backward calls to take instead of casting x again (the batch:
 * most of a mixed step's casting). At most KEPT at once: a call whose backward never runs (its tape abandoned) has
 * its copy freed as later calls come, and its backward, if it ever runs, casts again.
 */
const castInputs = new Map<FusedDenseAttrs, { heap: WasmHeap; xc: Info }>();
const KEPT = 8;

function keepCastInput(attrs: FusedDenseAttrs, heap: WasmHeap, xc: Info): void {
  castInputs.set(attrs, { heap, xc });
  if (castInputs.size <= KEPT) return;
  const [oldest, kept] = castInputs.entries().next().value as [FusedDenseAttrs, { heap: WasmHeap; xc: Info }];
  kept.heap.free(kept.xc);
  castInputs.delete(oldest);
}

/** round_c(x) kept by this call's forward kernel (the caller frees it), else cast now. */
function castInput(attrs: FusedDenseAttrs, heap: WasmHeap, x: Info): Info {
  const kept = castInputs.get(attrs);
  castInputs.delete(attrs);
  return kept?.heap === heap ? kept.xc : heap.castCopy(x, attrs.compute);
}

registerWasmKernel<FusedDenseAttrs>(KERNELS.denseFused, ({ x, w, b }, attrs, heap) => {
  const { compute, activation } = attrs;
  const [xc, wc] = [heap.castCopy(x!, compute), heap.castCopy(w!, compute)];
  const pre = heap.matMul(xc, wc);
  if (attrs.taped && xc !== x) keepCastInput(attrs, heap, xc);
  else heap.freeCopies([[xc, x!]]);
  heap.freeCopies([[wc, w!]]);
  const bc = heap.castCopy(b!, compute);
  const [rows, cols] = pre.shape as [number, number];
  heap.simd.biasAdd(heap.at(pre), heap.at(bc), rows, cols);
  heap.freeCopies([[bc, b!]]);
  heap.cast(pre, compute);
  if (activation === 'linear') return pre;
  const y = heap.alloc(pre.shape);
  if (heap.simd.relu(heap.at(pre), heap.at(y), rows * cols)) recordClearedNaNs(heap, pre, attrs);
  heap.free(pre);
  return y;
});

// [g, dW, db]: g, the gradient at the product, is an output so that the input-gradient kernel can take it
registerWasmKernel<FusedDenseAttrs>(KERNELS.denseFusedGrad, ({ dy, x, y }, attrs, heap) => {
  const { gradient, activation } = attrs;
  const [rows, cols] = dy!.shape as [number, number];
  let g: Info;
  if (activation === 'relu') {
    g = heap.alloc(dy!.shape);
    heap.simd.reluGrad(heap.at(dy!), heap.at(y!), heap.at(g), rows * cols);
    restoreClearedNaNs(heap, attrs, dy!, g);
    heap.cast(g, gradient);
  } else g = gradient === 'float32' ? heap.reuse(dy!) : heap.castCopy(dy!, gradient);
  const db = heap.alloc([cols]);
  heap.simd.colSum(heap.at(g), heap.at(db), rows, cols);
  heap.cast(db, gradient);
  const xc = castInput(attrs, heap, x!);
  const dW = heap.matMul(xc, g, true);
  heap.freeCopies([[xc, x!]]);
  heap.cast(dW, gradient);
  return [g, dW, db];
});

registerWasmKernel<FusedDenseAttrs>(KERNELS.denseFusedGradInput, ({ g, w }, { compute, gradient }, heap) => {
  const wt = heap.transpose(w!);
  heap.cast(wt, compute);
  const dx = heap.matMul(g!, wt);
  heap.free(wt);
  heap.cast(dx, gradient);
  return dx;
});

tf.registerGradient({
  kernelName: KERNELS.denseFused,
  inputsToSave: ['x', 'w'],
  outputsToSave: [true],
  gradFunc: (dy, [x, w, y], attrs) => {
    const run = (name: string, inputs: tf.NamedTensorMap): tf.Tensor | tf.Tensor[] =>
      tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
    const [g, dW, db] = run(KERNELS.denseFusedGrad, { dy: dy as tf.Tensor, x: x!, y: y! }) as tf.Tensor[];
    return { x: () => run(KERNELS.denseFusedGradInput, { g: g!, w: w! }) as tf.Tensor, w: () => dW!, b: () => db! };
  },
});

/**
 * act(round_c(round_c(x)·round_c(W) + round_c(b))) as one kernel on wasm, formats and activation in `attrs`.
 * Call it where wasmFused(KERNELS.denseFused) holds (amp/dense.ts does).
 *
 *     fusedDense(x, w, b, { compute: 'float16', gradient: 'float16', activation: 'relu' })
 */
export function fusedDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, attrs: FusedDenseAttrs): tf.Tensor2D {
  const call: FusedDenseAttrs = { ...attrs, taped: tapeRecording() };
  return tf.engine().runKernel(KERNELS.denseFused, { x, w, b }, call as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
