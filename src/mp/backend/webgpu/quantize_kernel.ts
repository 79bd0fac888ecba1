/**
 * The exact quantize kernel (KERNELS.quantize) on tfjs-backend-webgpu: one dispatch of quantize_wgsl.ts's shader
 * per cast, on the backend's own command encoder. It covers float formats with nearest-even or toward-zero
 * rounding, any overflow and flush option; integer grids and stochastic rounding are not exact here
 * (webGpuQuantizeSupports), and the kernel refuses them, so quantize must take its pure-ops path for those.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../../errors';
import { resolveRoundOptions, type RoundOptions } from '../../formats/round_options';
import { probeBits, roundMismatches } from '../../formats/probe_values';
import { FLOAT_FORMAT_NAMES, getFormat } from '../../formats/registry';
import type { QuantizeAttrs } from '../../ops/kernel';
import { KERNELS } from '../../ops/kernel_names';
import { pipelineFor, recordDispatch } from './backend_like';
import type { WebGpuBackendLike } from '../../tfjs_internals';
import { quantizeDispatch, quantizeKey, quantizeShader, webGpuQuantizeSupports } from './quantize_wgsl';

function quantizeKernel(config: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const x = config.inputs['x']!;
  const backend = config.backend as WebGpuBackendLike;
  const { format, ...options } = config.attrs as unknown as QuantizeAttrs;
  const f = getFormat(format);
  const o = resolveRoundOptions(options);
  if (!webGpuQuantizeSupports(f, o)) {
    throw new BackendError(
      `The webgpu quantize kernel rounds float formats with nearest-even or toward-zero rounding. ` +
        `Received: ${f.name}, ${o.rounding}. Use implementation: 'ops' for this cast.`,
      'webgpu',
    );
  }
  const out = backend.makeTensorInfo(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  if (n === 0) {
    backend.tensorMap.get(out.dataId).values = new Float32Array(0); // as tfjs does for empty outputs
    return out;
  }
  const key = quantizeKey(f, o);
  const pipeline = pipelineFor(backend.device, key, () => quantizeShader(f, o));
  const uniforms = backend.makeUniforms([{ type: 'uint32', data: [n, 0, 0, 0] }]);
  recordDispatch(backend, pipeline, [out, x], uniforms, [quantizeDispatch(n), 1, 1]);
  return out;
}

/** Registers the quantize kernel for the 'webgpu' backend (once). */
export function installWebGpuQuantize(): void {
  if (tf.getKernel(KERNELS.quantize, 'webgpu')) return;
  tf.registerKernel({
    kernelName: KERNELS.quantize,
    backendName: 'webgpu',
    kernelFunc: quantizeKernel as tf.KernelFunc,
  });
}

/** The option sets the self-test runs for every float format. */
export const SELF_TEST_OPTIONS: readonly RoundOptions[] = [
  {},
  { rounding: 'toward-zero' },
  { overflow: 'saturate', flushSubnormals: true },
];

/**
 * Run on the device with the 'webgpu' backend active: quantizes `bits` (default: 4096 probe values, every
 * format's boundaries, ties and specials among them) to every float format under SELF_TEST_OPTIONS, and
 * compares the bits with roundArray. Returns the formats that failed (empty: the kernel is exact here).
 */
export async function selfTestWebGpuQuantize(bits: Uint32Array = probeBits(1 << 12)): Promise<string[]> {
  const failed: string[] = [];
  const x = tf.tensor1d(new Float32Array(bits.buffer, bits.byteOffset, bits.length));
  try {
    for (const name of FLOAT_FORMAT_NAMES) {
      for (const options of SELF_TEST_OPTIONS) {
        const got = await runQuantize(x, name, options);
        if (!got || roundMismatches(bits, got, name, options).length > 0) {
          failed.push(name);
          break;
        }
      }
    }
  } finally {
    x.dispose();
  }
  return failed;
}

/** Runs the kernel itself, whether or not quantize would choose it: x rounded to `format`. */
export function webGpuQuantize(x: tf.Tensor, format: string, options: RoundOptions = {}): tf.Tensor {
  const attrs: QuantizeAttrs = { format, ...resolveRoundOptions(options) };
  return tf.engine().runKernel(KERNELS.quantize, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** The kernel's output bits, or null where it raised an error (a shader that did not compile, ...). */
async function runQuantize(x: tf.Tensor, format: string, options: RoundOptions): Promise<Uint32Array | null> {
  let y: tf.Tensor | undefined;
  try {
    y = webGpuQuantize(x, format, options);
    const data = (await y.data()) as Float32Array;
    return new Uint32Array(data.buffer, data.byteOffset, data.length);
  } catch {
    return null;
  } finally {
    y?.dispose();
  }
}
