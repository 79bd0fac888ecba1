import * as tf from '@tensorflow/tfjs';
import { checkChoice, checkOptionKeys, OptionError } from '../errors';
import { getFormat, type FormatLike } from '../formats/registry';
import type { Format } from '../formats/spec';
import { resolveRoundOptions, ROUND_OPTION_KEYS, type RoundOptions } from '../formats/round_options';
import { checkFloat32Tensor } from './check_tensor';
import { exactBackends, hasExactKernel, type QuantizeAttrs } from './kernel';
import { KERNELS } from './kernel_names';
import { quantizeWithOps } from './quantize_ops';

export const GRADIENT_MODES = ['straight-through', 'round'] as const;
export const IMPLEMENTATIONS = ['auto', 'kernel', 'ops'] as const;
export type GradientMode = (typeof GRADIENT_MODES)[number];
export type Implementation = (typeof IMPLEMENTATIONS)[number];

export interface FakeCastOptions extends RoundOptions {
  /**
   * The backward pass. `straight-through` (default): the gradient passes unchanged, d fakeCast(x)/dx := 1.
   * `round`: the incoming gradient is itself rounded to the format, as a real low-precision backward
   * pass stores it, so small gradients underflow to zero just as they do on a GPU.
   */
  readonly gradient?: GradientMode;
  /** `auto` (default): the exact kernel where the backend has one for this cast (cpu, wasm, webgpu), else the pure-ops path. */
  readonly implementation?: Implementation;
}

/**
 * Rounds a float32 tensor to `format` and returns it as float32: a "fake cast", what torch computes as
 * `x.to(torch.float16).to(torch.float32)`. (torch's quantize maps to integers: that is affineQuantize here.) On
 * the cpu and wasm backends it is bit-identical to roundArray (and so to ml_dtypes).
 *
 *     fakeCast(tf.tensor([0.1, 70000]), 'float16')   // [0.0999755859375, Infinity]
 */
export function fakeCast(x: tf.Tensor, format: FormatLike, options: FakeCastOptions = {}): tf.Tensor {
  checkFloat32Tensor(x, 'fakeCast');
  checkOptionKeys('fakeCast', options, ['gradient', 'implementation', ...ROUND_OPTION_KEYS]);
  const { gradient = 'straight-through', implementation = 'auto', ...roundOptions } = options;
  checkChoice('gradient', gradient, GRADIENT_MODES);
  checkChoice('implementation', implementation, IMPLEMENTATIONS);
  const f = getFormat(format);
  const resolved = resolveRoundOptions(roundOptions);
  if (implementation === 'kernel' && !exactBackends().includes(tf.getBackend())) {
    throw new OptionError(
      `The exact kernel runs on ${exactBackends().join(', ')}; the active backend is ${tf.getBackend()}.`,
      'implementation',
      implementation,
      IMPLEMENTATIONS,
    );
  }
  const forward = (t: tf.Tensor): tf.Tensor => roundTensor(t, f, resolved, implementation);
  const op = tf.customGrad(((t: tf.Tensor) => ({
    value: forward(t),
    gradFunc: (dy: tf.Tensor) => (gradient === 'round' ? forward(dy) : dy),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor;
}

/**
 * The forward rounding alone, with no gradient of its own: for ops that define their gradient themselves
 * (cast points). `options` must already be resolved.
 */
export function roundTensor(
  t: tf.Tensor,
  f: Format,
  options: Required<RoundOptions>,
  implementation: Implementation = 'auto',
): tf.Tensor {
  const useKernel =
    implementation === 'kernel' || (implementation === 'auto' && hasExactKernel(tf.getBackend(), f, options));
  if (!useKernel) return quantizeWithOps(t, f, options);
  const attrs: QuantizeAttrs = { format: f.name, ...options };
  return tf.engine().runKernel(KERNELS.quantize, { x: t }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
