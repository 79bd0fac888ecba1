/**
 * Precision policies, parsed from names with Keras' semantics: a policy says in which format layers
 * *compute* (and store activations) and in which they keep their *variables* (the master weights).
 *
 *     policy('mixed_bfloat16')   // { compute: bfloat16, variable: float32, gradient: bfloat16, ... }
 */
import { PolicyError } from '../errors';
import { getFloatFormat } from '../formats/registry';
import type { FloatFormat } from '../formats/spec';

export interface Policy {
  readonly name: string;
  /** Format of matmul/conv inputs, weights as used, and outputs. */
  readonly compute: FloatFormat;
  /** Format of the stored (master) weights and of the optimizer state. */
  readonly variable: FloatFormat;
  /** Format of the gradients that flow back through cast points. */
  readonly gradient: FloatFormat;
  /**
   * Per-tensor scaling before each cast, as FP8 needs (its range is too narrow for raw activations):
   * x is cast as q(x·s)/s with s = maxFinite / amax(x), the scale Transformer Engine computes.
   */
  readonly perTensorScaling: boolean;
  /** Whether training under this policy needs loss scaling to keep small gradients from underflowing. */
  readonly needsLossScaling: boolean;
  readonly description: string;
}

const f = getFloatFormat;

const POLICIES: readonly Policy[] = [
  {
    name: 'float32',
    compute: f('float32'),
    variable: f('float32'),
    gradient: f('float32'),
    perTensorScaling: false,
    needsLossScaling: false,
    description: 'everything in float32: the baseline',
  },
  {
    name: 'mixed_float16',
    compute: f('float16'),
    variable: f('float32'),
    gradient: f('float16'),
    perTensorScaling: false,
    needsLossScaling: true,
    description: 'compute in float16, float32 master weights; needs loss scaling (float16 underflows below 2^-24)',
  },
  {
    name: 'mixed_bfloat16',
    compute: f('bfloat16'),
    variable: f('float32'),
    gradient: f('bfloat16'),
    perTensorScaling: false,
    needsLossScaling: false,
    description: "compute in bfloat16, float32 master weights; float32's range, so no loss scaling",
  },
  {
    name: 'float16',
    compute: f('float16'),
    variable: f('float16'),
    gradient: f('float16'),
    perTensorScaling: false,
    needsLossScaling: true,
    description: 'pure float16, weights included: small updates are lost to rounding (swamping)',
  },
  {
    name: 'bfloat16',
    compute: f('bfloat16'),
    variable: f('bfloat16'),
    gradient: f('bfloat16'),
    perTensorScaling: false,
    needsLossScaling: false,
    description: 'pure bfloat16, weights included: 7 stored mantissa bits (8 significant) lose most small updates',
  },
  {
    name: 'mixed_float8',
    compute: f('float8_e4m3fn'),
    variable: f('float32'),
    gradient: f('float8_e5m2'),
    perTensorScaling: true,
    needsLossScaling: false,
    description:
      'FP8 training as in Micikevicius et al. 2022: e4m3 forward, e5m2 gradients, per-tensor scaling, float32 master weights',
  },
];

export const POLICY_NAMES: readonly string[] = POLICIES.map((p) => p.name);

/** The policy of that name. Throws PolicyError listing the valid names. */
export function policy(name: string | Policy): Policy {
  if (typeof name === 'object' && name !== null && POLICIES.includes(name)) return name;
  const found = POLICIES.find((p) => p.name === name);
  if (!found) {
    throw new PolicyError(
      `Unknown policy ${JSON.stringify(name)}. Valid policies: ${POLICY_NAMES.join(', ')}.`,
      name,
      POLICY_NAMES,
    );
  }
  return found;
}
