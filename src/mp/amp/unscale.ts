/**
 * Unscaling a loss-scaled step's gradients in one kernel on cpu and wasm: every g / S (as tf.div: one
 * correctly rounded float32 division each) and the found-inf flag of the quotients (as nonFiniteFlag),
 * instead of a division per gradient and a pass for the flag. On wasm, amp.wat's unscale does four lanes a
 * turn; in JavaScript, a float64 quotient of float32 values rounded by Math.fround is the float32 quotient.
 */
import * as tf from '@tensorflow/tfjs';
import { ampKernels } from '../formats/simd/amp_simd';
import { cpuValues, wasmHeap, type CpuBackend, type WasmBackend } from '../tfjs_internals';

const UNSCALE_KERNEL = 'MpUnscale';

/** Writes x[from..] / s into out; whether every quotient is finite. */
function unscaleFrom(x: Float32Array, out: Float32Array, s: number, from = 0): boolean {
  let finite = true;
  for (let i = from; i < x.length; i++) {
    const q = Math.fround(x[i]! / s);
    out[i] = q;
    if (q - q !== 0) finite = false;
  }
  return finite;
}

/** The gradients' inputs, x0..x(n−1), in order. */
const gradients = (inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] =>
  Object.keys(inputs)
    .filter((k) => k !== 'scale')
    .map((k) => inputs[k] as tf.TensorInfo);

tf.registerKernel({
  kernelName: UNSCALE_KERNEL,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend }) => {
    const cpu = backend as unknown as CpuBackend;
    const values = (t: tf.TensorInfo): Float32Array => cpuValues(cpu, t);
    const s = values(inputs.scale as tf.TensorInfo)[0]!;
    let finite = true;
    const outputs = gradients(inputs).map((t) => {
      const out = new Float32Array(values(t).length);
      finite = unscaleFrom(values(t), out, s) && finite;
      return cpu.makeTensorInfo(t.shape, 'float32', out);
    });
    return [...outputs, cpu.makeTensorInfo([], 'bool', Uint8Array.of(finite ? 0 : 1))];
  },
});

tf.registerKernel({
  kernelName: UNSCALE_KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const wasm = backend as unknown as WasmBackend;
    const grads = gradients(inputs);
    const outputs = [...grads.map((t) => wasm.makeOutput(t.shape, 'float32')), wasm.makeOutput([], 'bool')];
    // views are taken after makeOutput, which may move the heap
    const view = (t: tf.TensorInfo): Float32Array => wasm.typedArrayFromHeap(t) as Float32Array;
    const s = view(inputs.scale as tf.TensorInfo)[0]!;
    const kernel = ampKernels(wasmHeap(wasm));
    let finite = true;
    grads.forEach((t, i) => {
      const [x, out] = [view(t), view(outputs[i]!)];
      const lanes = kernel ? x.length & ~3 : 0;
      if (lanes > 0) finite = kernel!.unscale(x.byteOffset, out.byteOffset, lanes, s) === 1 && finite;
      finite = unscaleFrom(x, out, s, lanes) && finite; // the last n mod 4 (all of them without SIMD)
    });
    (wasm.typedArrayFromHeap(outputs[grads.length]!) as Uint8Array)[0] = finite ? 0 : 1;
    return outputs;
  },
});

/**
 * grads / scale and a bool scalar: whether any quotient is inf or NaN. undefined where the kernel does not
 * run (another backend, or a gradient that is not float32): the caller divides with tf.div.
 */
export function unscaleWithFlag(
  grads: tf.Tensor[],
  scale: tf.Scalar,
): { unscaled: tf.Tensor[]; found: tf.Scalar } | undefined {
  if (!tf.getKernel(UNSCALE_KERNEL, tf.getBackend()) || grads.some((g) => g.dtype !== 'float32')) return undefined;
  const inputs = Object.fromEntries([['scale', scale], ...grads.map((g, i) => [`x${i}`, g])]);
  const out = tf.engine().runKernel(UNSCALE_KERNEL, inputs) as tf.Tensor[];
  return { unscaled: out.slice(0, -1), found: out[out.length - 1] as tf.Scalar };
}
