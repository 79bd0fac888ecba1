/**
 * Unscaling a loss-scaled step's gradients in one kernel on cpu and wasm: every g / S (as tf.div: one
 * correctly rounded float32 division each) and the found-inf flag of the quotients (as nonFiniteFlag),
 * instead of a division per gradient and a pass for the flag. On wasm, amp.wat's unscale does four lanes a
 * turn; in JavaScript, a float64 quotient of float32 values rounded by Math.fround is the float32 quotient.
 */
import * as tf from '@tensorflow/tfjs';
import { registerCpuWasmKernel } from '../ops/cpu_wasm';
import { KERNELS } from '../ops/kernel_names';

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
const gradients = (names: readonly string[]): string[] => names.filter((k) => k !== 'scale');

registerCpuWasmKernel<object>({
  name: KERNELS.unscale,
  outputs: (info, names) => [
    ...gradients(names).map((name) => ({ shape: info(name).shape, dtype: 'float32' as const })),
    { shape: [], dtype: 'bool' },
  ],
  run: ({ names, values, output, setFlag, simd, lanes }) => {
    const s = values('scale')[0]!;
    let finite = true;
    gradients(names).forEach((name, i) => {
      const [x, out] = [values(name), output(i)];
      const n = lanes(x.length);
      if (n > 0) finite = simd!.unscale(x.byteOffset, out.byteOffset, n, s) === 1 && finite;
      finite = unscaleFrom(x, out, s, n) && finite; // the last n mod 4 (all of them without SIMD)
    });
    setFlag(gradients(names).length, !finite);
  },
  list: true,
});

/**
 * grads / scale and a bool scalar: whether any quotient is inf or NaN. undefined where the kernel does not
 * run (another backend, or a gradient that is not float32): the caller divides with tf.div.
 */
export function unscaleWithFlag(
  grads: tf.Tensor[],
  scale: tf.Scalar,
): { unscaled: tf.Tensor[]; found: tf.Scalar } | undefined {
  if (!tf.getKernel(KERNELS.unscale, tf.getBackend()) || grads.some((g) => g.dtype !== 'float32')) return undefined;
  const inputs = Object.fromEntries([['scale', scale], ...grads.map((g, i) => [`x${i}`, g])]);
  const out = tf.engine().runKernel(KERNELS.unscale, inputs) as tf.Tensor[];
  return { unscaled: out.slice(0, -1), found: out[out.length - 1] as tf.Scalar };
}
