/**
 * The exact quantize kernel in WGSL: round.ts's float converter done entirely on the u32 bits of float32
 * (GPUs flush float32 subnormals in float arithmetic, so there is none). One shader per format and options,
 * with every constant baked in (QuantizeParams), and roundBitsLikeWgsl, the same function in TypeScript,
 * line for line, so that CPU tests check the algorithm against roundArray.
 *
 * For float32 bits u with magnitude a:
 *   1. NaN, a negative number in an unsigned format, ±inf: the format's rules (nanOf, overflowOf);
 *   2. normal range: r = (a + roundAdd + ((a >> shift) & lsbMask)) & keep, a carry bumps the exponent;
 *   3. below the smallest normal: |x| = sig·2^(e−150), q = 2^(e−150+k); n = sig >> k rounded on the k
 *      dropped bits, r = n·q written back as float32 bits; then the zero rules;
 *   4. overflow: r past maxBits takes the overflow rule.
 */
import { float32Bits } from '../../formats/bits';
import type { RoundOptions } from '../../formats/round';
import type { FloatFormat, Format } from '../../formats/spec';

const SIGN = 0x80000000;
const INF = 0x7f800000;
const QUIET_NAN = 0x7fc00000;
const F32_MIN_NORMAL = 0x00800000;

/** Step 3's rounding of the dropped bits. */
const SUB_MODES = { truncate: 0, tiesEven: 1, tiesAway: 2, up: 3 } as const;

/** The shader's constants, all u32 (or bool); names become WGSL's in UPPER_SNAKE case. */
export interface QuantizeParams {
  readonly shift: number;
  readonly roundAdd: number;
  readonly lsbMask: number;
  readonly keep: number;
  readonly normalStart: number;
  readonly maxBits: number;
  /** SIGN in an unsigned format: any sign bit is NaN. */
  readonly signFail: number;
  readonly overflowNan: boolean;
  readonly overflowBits: number;
  readonly infStays: boolean;
  /** NaN = ((u & nanSign) ^ nanFlip) | nanBase | (the kept payload, if nanPayload). */
  readonly nanSign: number;
  readonly nanFlip: number;
  readonly nanBase: number;
  readonly nanPayload: boolean;
  /** log2(q) + 150, q the smallest subnormal (the smallest normal in e8m0). */
  readonly q150: number;
  readonly qBits: number;
  readonly subMode: number;
  /** Results below this are flushed to zero (bits of the smallest normal, or 0: no flush). */
  readonly flushBelow: number;
  readonly zeroSign: number;
  readonly hasZero: boolean;
  readonly minNormalBits: number;
}

/** Whether the WGSL kernel is exact for (format, options): floats, deterministic rounding. */
export function webGpuQuantizeSupports(f: Format, o: Required<RoundOptions>): f is FloatFormat {
  return f.kind === 'float' && o.rounding !== 'stochastic';
}

/** The pipeline cache key for (format, options). */
export function quantizeKey(f: FloatFormat, o: Required<RoundOptions>): string {
  return `mp_quantize_${f.name}_${o.rounding}_${o.overflow}_${o.flushSubnormals ? 'ftz' : 'sub'}`;
}

/** The constants of round.ts's buildFloatPlan, for deterministic rounding. */
export function quantizeParams(f: FloatFormat, o: Required<RoundOptions>): QuantizeParams {
  const shift = 23 - f.manBits;
  const low = shift === 0 ? 0 : (1 << shift) - 1;
  const nearest = o.rounding === 'nearest-even';
  const half = shift === 0 ? 0 : 1 << (shift - 1);
  const saturating = o.overflow === 'saturate' || o.rounding === 'toward-zero';
  const maxBits = float32Bits(f.maxFinite);
  const keepPayload = f.castKeepsNanPayload;
  const nan =
    f.nan === 'none' // the zero of the opposite sign, as ml_dtypes 0.6 does
      ? { nanSign: SIGN, nanFlip: SIGN, nanBase: 0 }
      : f.nan === 'negative-zero'
        ? { nanSign: 0, nanFlip: 0, nanBase: (SIGN | QUIET_NAN) >>> 0 }
        : { nanSign: f.signed ? SIGN : 0, nanFlip: 0, nanBase: keepPayload && f.signed ? INF : QUIET_NAN };
  return {
    shift,
    roundAdd: !nearest ? 0 : f.tiesAway ? half : Math.max(half - 1, 0),
    lsbMask: nearest && !f.tiesAway && shift > 0 ? 1 : 0,
    keep: ~low >>> 0,
    normalStart: Math.max(float32Bits(f.minNormal), F32_MIN_NORMAL),
    maxBits,
    signFail: f.signed ? 0 : SIGN,
    overflowNan: !saturating && !f.infinities && f.hasNan,
    overflowBits: saturating || !f.infinities ? maxBits : INF,
    infStays: f.infinities && o.overflow === 'ieee',
    ...nan,
    nanPayload: f.nan === 'ieee' || f.nan === 'all-ones' ? keepPayload && f.signed : false,
    q150: Math.log2(f.minSubnormal) + 150,
    qBits: float32Bits(f.minSubnormal),
    subMode: !nearest
      ? SUB_MODES.truncate
      : !f.subnormals // ml_dtypes rounds float32 subnormals up in e8m0, which has none
        ? SUB_MODES.up
        : f.tiesAway
          ? SUB_MODES.tiesAway
          : SUB_MODES.tiesEven,
    flushBelow: o.flushSubnormals ? float32Bits(f.minNormal) : 0,
    zeroSign: f.signedZero ? SIGN : 0,
    hasZero: f.hasZero,
    minNormalBits: float32Bits(f.minNormal),
  };
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

// The TypeScript twin of ROUND_BITS_WGSL, function for function: same operations, u32 results kept by >>> 0.

function nanOf(u: number, p: QuantizeParams): number {
  const payload = p.nanPayload ? Math.max((u & 0x7fffff) >>> p.shift, 1) << p.shift : 0;
  return (((u & p.nanSign) ^ p.nanFlip) | p.nanBase | payload) >>> 0;
}

function overflowOf(u: number, p: QuantizeParams): number {
  return p.overflowNan ? nanOf(u, p) : (p.overflowBits | (u & SIGN)) >>> 0;
}

function belowNormal(u: number, a: number, p: QuantizeParams): number {
  const e = Math.max(a >>> 23, 1);
  const sig = a >= 0x800000 ? (a & 0x7fffff) | 0x800000 : a;
  const k = Math.min(p.q150 - e, 31);
  const rem = (sig & (((1 << k) >>> 0) - 1)) >>> 0;
  const half = ((1 << k) >>> 0) >>> 1;
  let n = sig >>> k;
  let up = false;
  if (p.subMode === 1) up = rem > half || (rem === half && (n & 1) === 1);
  if (p.subMode === 2) up = rem >= half;
  if (p.subMode === 3) up = true;
  n += up && rem !== 0 ? 1 : 0;
  const r = k >= 24 ? p.qBits : (((e - 1) << 23) + ((n << k) >>> 0)) >>> 0;
  if (n === 0 || r < p.flushBelow) {
    if (!p.hasZero) return a === 0 ? nanOf(u, p) : p.minNormalBits;
    return (u & p.zeroSign) >>> 0;
  }
  return (r | (u & SIGN)) >>> 0;
}

/** roundBits of the WGSL, in TypeScript: the float32 bits u rounded to the format of p. */
export function roundBitsLikeWgsl(u: number, p: QuantizeParams): number {
  const a = u & 0x7fffffff;
  if (a >= p.normalStart && a < INF && (u & p.signFail) === 0) {
    const r = ((a + p.roundAdd + ((a >>> p.shift) & p.lsbMask)) & p.keep) >>> 0;
    if (r > p.maxBits) return overflowOf(u, p);
    return (r | (u & SIGN)) >>> 0;
  }
  if (a > INF || (u & p.signFail) !== 0) return nanOf(u, p);
  if (a === INF) return p.infStays ? u >>> 0 : overflowOf(u, p);
  return belowNormal(u, a, p);
}

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
