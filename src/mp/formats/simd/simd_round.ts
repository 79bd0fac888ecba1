/**
 * Runs the rounding plan (plan.ts) in WebAssembly SIMD, sixteen lanes a turn: its step 2, and in round_full the
 * other steps whose result is a constant or an FPU rounding. Lanes the kernel flags, and the last n mod 16, go
 * through the scalar converter (round.ts). The kernel imports its memory, so it
 * runs on a buffer of its own (roundWithSimd, for JS arrays) or in place on tfjs-wasm's heap (roundOnHeap).
 */
import { ROUND_WASM_BASE64, ROUND_WASM_BASE64_SHARED } from './round_wasm';
import { F32_MAX, F32_MIN_NORMAL } from '../bits';
import { nanOf, type FloatPlan } from '../plan';
import { moduleFor, WebAssemblyApi, type WasmMemory, type WasmModule } from './webassembly';

/** Float32 bits of the rounded value, from the input's bits u and value x: the scalar converter (round.ts). */
export type ScalarRound = (u: number, x: number) => number;

/** The kernels' constants: the plan's, and what the full kernel rounds beyond the normal range, from them. */
interface SimdConstants {
  /** Whether ±0 rounds to itself through the normal-range formula (formats with a signed zero). */
  readonly zeroIsExact: boolean;
  /** The full kernel's range of |x| bits (signed compares) it rounds itself; other lanes go to the scalar path. */
  readonly low: number;
  readonly high: number;
  /** Bits (sign added) of a finite value that rounds past maxBits, where the kernel handles overflow. */
  readonly overflowOut: number;
  /** q·2^23, q the smallest subnormal, where the kernel rounds subnormals (else 0). */
  readonly magic: number;
  /** −1 where negative lanes become `negativeOut` (unsigned formats), else 0. */
  readonly negativeMask: number;
  readonly negativeOut: number;
  /**
   * The steps round_full runs, as bits: 1 overflow to maxBits (a min), 2 overflow to overflowOut (a select),
   * 4 subnormals, 8 negative lanes to negativeOut, 16 step 2 and subnormals by the FPU's rounding (ties to even).
   */
  readonly features: number;
  /** The largest |x| bits that do not overflow: round_full's overflow step takes the lanes above. */
  readonly overflowFrom: number;
  /** Whether round_full rounds more lanes than round. */
  readonly fullHelps: boolean;
  /** The chunk lengths that round_full takes: those where data flagged many lanes (see run). */
  readonly fullAt: Set<number>;
}

const simdConstants = new WeakMap<FloatPlan, SimdConstants>();

/** The kernels' constants for a deterministic plan, projected from its fields once. */
function constantsOf(p: FloatPlan): SimdConstants {
  let c = simdConstants.get(p);
  if (c) return c;
  const zeroIsExact = p.hasZero && p.zeroSign !== 0;
  // What round_full rounds itself, beyond the normal range: overflow where the result is a constant with
  // the input's sign; subnormals where step 3 is a ties-to-even multiple of q with a signed zero (and q,
  // 1/q are float32 normals); negative numbers in an unsigned format (all NaN).
  const overflowConst = p.overflowNan ? undefined : p.overflowBits;
  const subnormals =
    p.subnormalRounding === 'tiesEven' && zeroIsExact && p.flushBelow === 0 && p.normalStart > F32_MIN_NORMAL;
  // Step 2 by the FPU in round_full, (|x| + c) − c with c = 2^(e + shift): ties to even, c finite while
  // |x| < 2^(127 − shift) (the kernel flags larger lanes).
  const fpuRounding = p.lsbMask === 1;
  const highest = fpuRounding ? ((254 - p.shift) << 23) - 1 : F32_MAX;
  // With subnormals in the kernel, float32 subnormals and zeros round there too (no lower bound).
  const low = subnormals ? 0 : p.normalStart;
  const high = Math.min(overflowConst === undefined ? p.maxBits : F32_MAX, highest);
  const unsigned = p.signFail !== 0;
  c = {
    zeroIsExact,
    low,
    high,
    overflowOut: overflowConst ?? 0,
    magic: subnormals ? p.q * 2 ** 23 : 0,
    negativeMask: unsigned ? -1 : 0,
    negativeOut: unsigned ? nanOf(p, p.signFail) | 0 : 0,
    features:
      (overflowConst === p.maxBits ? 1 : overflowConst !== undefined ? 2 : 0) |
      (subnormals ? 4 : 0) |
      (unsigned ? 8 : 0) |
      (fpuRounding ? 16 : 0),
    overflowFrom: lastBelowOverflow(p),
    fullHelps: low !== p.normalStart || high !== p.maxBits || unsigned,
    fullAt: new Set<number>(),
  };
  simdConstants.set(p, c);
  return c;
}

/** The largest float32 magnitude bits a whose step-2 result r(a) (monotone in a) is at most maxBits. */
function lastBelowOverflow({ maxBits, roundAdd, shift, lsbMask, keep }: FloatPlan): number {
  const r = (a: number): number => ((a + roundAdd + ((a >>> shift) & lsbMask)) & keep) >>> 0;
  let [lo, hi] = [maxBits, F32_MAX]; // r(lo) ≤ maxBits
  if (r(hi) <= maxBits) return hi;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (r(mid) <= maxBits) lo = mid;
    else hi = mid;
  }
  return lo;
}

type RoundFn = (...args: number[]) => number;

const CHUNK = 1 << 16; // elements per kernel call: the flagged-lane list holds at most this many
const CHUNK_BYTES = CHUNK * 4;
/** The flagged-lane list: an (index, input bits) pair of int32s per lane. */
const LIST_BYTES = 2 * CHUNK_BYTES;
const PAGE = 65536;

/** The kernel's build that can import `memory`; null without WebAssembly SIMD. */
const compiled = (memory: WasmMemory): WasmModule | null =>
  moduleFor(memory, ROUND_WASM_BASE64, ROUND_WASM_BASE64_SHARED);

/** The kernel bound to one memory, with a scratch list of CHUNK flagged lanes at byte `scratch`. */
class BoundKernel {
  private readonly round: RoundFn;
  private readonly roundFull: RoundFn;

  constructor(
    module: WasmModule,
    readonly memory: WasmMemory,
    private readonly scratch: number,
  ) {
    const { exports } = new WebAssemblyApi.Instance(module, { env: { memory } });
    this.round = exports.round as RoundFn;
    this.roundFull = exports.round_full as RoundFn;
  }

  /** Rounds n float32 values at byte address src into dst (which may equal src), in this memory. */
  run(src: number, dst: number, n: number, plan: FloatPlan, one: ScalarRound): void {
    const { shift, roundAdd, lsbMask, keep, normalStart, maxBits } = plan;
    const c = constantsOf(plan);
    // Ties to even without a variable shift: a + roundAdd + 1 + (a & lsbBit ? 0 : −1), the compare giving −1.
    const [roundAdd1, lsbBit] = [roundAdd + 1, lsbMask << shift];
    // Real data is full of zeros: keep them off the scalar path where the formula keeps them exact. Elsewhere
    // the marker is normalStart, a lane the range test passes anyway (−1 would be 0xffffffff, a NaN, when the
    // sign is checked too).
    const zeroPass = c.zeroIsExact ? 0 : normalStart;
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start);
      const lanes = len & ~15; // the kernel takes 16 lanes a turn and never touches memory past the arrays
      const [s, d] = [src + 4 * start, dst + 4 * start];
      // The plain kernel is faster where almost every lane is in the normal range; the full one, where some
      // are not. Either gives the same bits. The choice sticks, per chunk length, once a chunk flags 1 lane in
      // 1024 (a flagged lane's scalar fix costs about as much as 1000 lanes of the full kernel's extra steps).
      // Per length, since a training step casts the same shapes every step: one activation with 17 subnormals
      // in 8192 values must not send the clean batch and weights to the full kernel too.
      const full = c.fullAt.has(len);
      // check the sign too in unsigned formats, unless round_full maps negative lanes itself
      const checkMask = plan.signFail && !(full && c.negativeMask) ? -1 : 0x7fffffff;
      const [low, high] = full ? window(c.low, c.high) : window(normalStart, maxBits);
      const count = (full ? this.roundFull : this.round)(
        s,
        d,
        lanes,
        roundAdd1,
        lsbBit,
        keep,
        normalStart,
        maxBits,
        checkMask,
        zeroPass,
        this.scratch,
        low,
        high,
        c.overflowOut,
        c.magic,
        c.features,
        c.negativeOut,
        c.overflowFrom,
      );
      if (!full && c.fullHelps && count * 1024 > len) c.fullAt.add(len);
      if (count === 0 && lanes === len) continue;
      const buffer = this.memory.buffer;
      const in32 = new Int32Array(buffer, s, len);
      const inF = new Float32Array(buffer, s, len);
      const out32 = new Int32Array(buffer, d, len);
      const flagged = new Int32Array(buffer, this.scratch, 2 * count);
      const flaggedF = new Float32Array(buffer, this.scratch, 2 * count);
      for (let j = 0; j < 2 * count; j += 2) out32[flagged[j]!] = one(flagged[j + 1]!, flaggedF[j + 1]!);
      for (let i = lanes; i < len; i++) out32[i] = one(in32[i]!, inF[i]!);
    }
  }
}

/**
 * The kernels' one-compare range test: c in [low, high] (signed, 0 ≤ low ≤ high) exactly where
 * c + (−2³¹ − low) ≤ −2³¹ + (high − low) in wrapping int32 arithmetic. Returns the two constants.
 */
function window(low: number, high: number): [number, number] {
  return [(-(2 ** 31) - low) | 0, (-(2 ** 31) + high - low) | 0];
}

let own: BoundKernel | null | undefined;

/** Rounds src into dst (which may be src) through the kernel's own memory. False where SIMD is unavailable. */
export function roundWithSimd(src: Float32Array, dst: Float32Array, plan: FloatPlan, one: ScalarRound): boolean {
  if (own === undefined) {
    // Layout: [flagged lanes][a chunk, rounded in place]
    const memory = new WebAssemblyApi.Memory({ initial: (LIST_BYTES + CHUNK_BYTES) / PAGE });
    const module = compiled(memory);
    own = module && new BoundKernel(module, memory, 0);
  }
  if (!own) return false;
  const chunk = new Float32Array(own.memory.buffer, LIST_BYTES, CHUNK);
  for (let start = 0; start < src.length; start += CHUNK) {
    const len = Math.min(CHUNK, src.length - start);
    chunk.set(src.subarray(start, start + len));
    own.run(LIST_BYTES, LIST_BYTES, len, plan, one);
    dst.set(chunk.subarray(0, len), start);
  }
  return true;
}

const onHeaps = new WeakMap<WasmMemory, BoundKernel | null>();

/**
 * Rounds in place on another module's memory (tfjs-wasm's heap): n float32 values at byte address src into
 * dst. `malloc` reserves the scratch list once per memory. False where SIMD is unavailable.
 */
export function roundOnHeap(
  memory: WasmMemory,
  malloc: (bytes: number) => number,
  src: number,
  dst: number,
  n: number,
  plan: FloatPlan,
  one: ScalarRound,
): boolean {
  if (!onHeaps.has(memory)) {
    const module = compiled(memory);
    onHeaps.set(memory, module && new BoundKernel(module, memory, malloc(LIST_BYTES)));
  }
  const kernel = onHeaps.get(memory);
  kernel?.run(src, dst, n, plan, one);
  return !!kernel;
}

/** Whether the kernel runs on this heap: bound by an earlier roundOnHeap there, and false without SIMD. */
export function roundsOnHeap(memory: WasmMemory): boolean {
  return !!onHeaps.get(memory);
}
