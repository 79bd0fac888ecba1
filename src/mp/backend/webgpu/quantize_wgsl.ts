/**
 * The exact quantize kernel in WGSL: the rounding plan (formats/plan.ts) run entirely on the u32 bits of float32
 * (GPUs flush float32 subnormals in float arithmetic, so there is none). One shader per format and options,
 * its constants the plan's fields (QuantizeParams), its functions the plan's steps 1 to 4:
 *   1. NaN, a negative number in an unsigned format, ±inf: nanOf, or infStays, else overflowOf;
 *   2. normal range: r = (a + roundAdd + ((a >> shift) & lsbMask)) & keep, a carry bumps the exponent;
 *   3. below the smallest normal: |x| = sig·2^(e−150), q = 2^(e−150+k); n = sig >> k rounded on the k
 *      dropped bits, r = n·q written back as float32 bits; then the zero rules;
 *   4. overflow: r past maxBits takes overflowOf.
 * Step 3 differs in form from round.ts's (integers, where the JS converter uses float64), so CPU tests run this
 * shader's own text as JavaScript against roundArray.
 */
import { BackendError } from '../../errors';
import type { RoundOptions } from '../../formats/round_options';
import { floatPlan, type FloatPlan } from '../../formats/plan';
import type { FloatFormat, Format } from '../../formats/spec';

/** Step 3's rounding of the dropped bits, as the shader numbers it. */
const SUB_MODES: Partial<Record<FloatPlan['subnormalRounding'], number>> = {
  truncate: 0,
  tiesEven: 1,
  tiesAway: 2,
  up: 3,
};

/** The plan's fields that the shader reads, in WGSL's UPPER_SNAKE case; u32 (or bool) constants. */
const PLAN_FIELDS = [
  'shift',
  'roundAdd',
  'lsbMask',
  'keep',
  'normalStart',
  'maxBits',
  'signFail',
  'overflowNan',
  'overflowBits',
  'infStays',
  'nanSign',
  'nanFlip',
  'nanBase',
  'nanPayload',
  'q150',
  'qBits',
  'flushBelow',
  'zeroSign',
  'hasZero',
  'minNormalBits',
] as const;

/** The shader's constants: the plan's fields, and its step-3 rounding as a number. */
export type QuantizeParams = Pick<FloatPlan, (typeof PLAN_FIELDS)[number]> & { readonly subMode: number };

/** Whether the WGSL kernel is exact for (format, options): floats, deterministic rounding. */
export function webGpuQuantizeSupports(f: Format, o: Required<RoundOptions>): f is FloatFormat {
  return f.kind === 'float' && o.rounding !== 'stochastic';
}

/** The pipeline cache key for (format, options). */
export function quantizeKey(f: FloatFormat, o: Required<RoundOptions>): string {
  return `mp_quantize_${f.name}_${o.rounding}_${o.overflow}_${o.flushSubnormals ? 'ftz' : 'sub'}`;
}

/** The shader's constants for (format, options): a projection of the plan, for deterministic rounding. */
export function quantizeParams(f: FloatFormat, o: Required<RoundOptions>): QuantizeParams {
  const plan = floatPlan(f, o);
  const subMode = SUB_MODES[plan.subnormalRounding];
  if (subMode === undefined) {
    throw new BackendError(
      `The WGSL kernel does not round ${o.rounding}. Received: ${f.name}, ${o.rounding}.`,
      'webgpu',
    );
  }
  return { ...Object.fromEntries(PLAN_FIELDS.map((k) => [k, plan[k]])), subMode } as QuantizeParams;
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (m) => `_${m}`).toUpperCase();

/** The constants block: `const NORMAL_START = 0x3c800000u;` … */
function constants(p: QuantizeParams): string {
  return Object.entries(p)
    .map(([k, v]) => `const ${snake(k)} = ${typeof v === 'boolean' ? v : `0x${(v as number).toString(16)}u`};`)
    .join('\n');
}

/** The rounding functions alone (no entry point); constants come from QuantizeParams. */
export const ROUND_BITS_WGSL = `const SIGN = 0x80000000u;
const INF = 0x7f800000u;

fn nanOf(u : u32) -> u32 {
  let payload = select(0u, max((u & 0x7fffffu) >> SHIFT, 1u) << SHIFT, NAN_PAYLOAD);
  return ((u & NAN_SIGN) ^ NAN_FLIP) | NAN_BASE | payload;
}

fn overflowOf(u : u32) -> u32 {
  return select(OVERFLOW_BITS | (u & SIGN), nanOf(u), OVERFLOW_NAN);
}

// 3. |x| = sig * 2^(e - 150) below the smallest normal: n = sig >> k multiples of q = 2^(e - 150 + k).
fn belowNormal(u : u32, a : u32) -> u32 {
  let e = max(a >> 23u, 1u); // float32 subnormals have binade 1's spacing
  let sig = select(a, (a & 0x7fffffu) | 0x800000u, a >= 0x800000u);
  let k = min(Q150 - e, 31u);
  let rem = sig & ((1u << k) - 1u);
  let half = (1u << k) >> 1u;
  var n = sig >> k;
  var up = false;
  if (SUB_MODE == 1u) { up = rem > half || (rem == half && (n & 1u) == 1u); }
  if (SUB_MODE == 2u) { up = rem >= half; }
  if (SUB_MODE == 3u) { up = true; }
  n += select(0u, 1u, up && rem != 0u);
  let r = select(((e - 1u) << 23u) + (n << k), Q_BITS, k >= 24u); // k >= 24: n is 0 or 1
  if (n == 0u || r < FLUSH_BELOW) {
    if (!HAS_ZERO) { return select(MIN_NORMAL_BITS, nanOf(u), a == 0u); }
    return u & ZERO_SIGN;
  }
  return r | (u & SIGN);
}

fn roundBits(u : u32) -> u32 {
  let a = u & 0x7fffffffu;
  if (a >= NORMAL_START && a < INF && (u & SIGN_FAIL) == 0u) {
    let r = (a + ROUND_ADD + ((a >> SHIFT) & LSB_MASK)) & KEEP; // 2.
    if (r > MAX_BITS) { return overflowOf(u); } // 4.
    return r | (u & SIGN);
  }
  if (a > INF || (u & SIGN_FAIL) != 0u) { return nanOf(u); } // 1.
  if (a == INF) { return select(overflowOf(u), u, INF_STAYS); }
  return belowNormal(u, a); // 3.
}
`;

export const WORKGROUP_SIZE = 256;
/** WebGPU's default maxComputeWorkgroupsPerDimension; larger tensors take a grid-stride loop. */
export const MAX_WORKGROUPS = 65535;

/** Workgroups for n elements: one element per thread up to MAX_WORKGROUPS·256, then a grid stride. */
export function quantizeDispatch(n: number): number {
  return Math.max(1, Math.min(Math.ceil(n / WORKGROUP_SIZE), MAX_WORKGROUPS));
}

/** The complete shader for (format, options): y[i] = roundBits(x[i]) for i < params.n. */
export function quantizeShader(f: FloatFormat, o: Required<RoundOptions>): string {
  return `// quantize to ${f.name} (${o.rounding}, overflow ${o.overflow}${o.flushSubnormals ? ', flush subnormals' : ''})
${constants(quantizeParams(f, o))}

${ROUND_BITS_WGSL}
struct Params { n : u32, pad0 : u32, pad1 : u32, pad2 : u32 }

@group(0) @binding(0) var<storage, read_write> y : array<u32>;
@group(0) @binding(1) var<storage, read> x : array<u32>;
@group(0) @binding(2) var<uniform> params : Params;

@compute @workgroup_size(${WORKGROUP_SIZE}, 1, 1)
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  for (var i = gid.x; i < params.n; i += groups.x * ${WORKGROUP_SIZE}u) {
    y[i] = roundBits(x[i]);
  }
}
`;
}
