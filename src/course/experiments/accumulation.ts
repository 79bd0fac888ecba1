/**
 * How the accumulator of an FP8 matrix product loses accuracy as the inner dimension K grows, and what DeepSeek-V3's
 * promotion every 128 products does about it (DeepSeek-V3 Technical Report, §3.3.2: Hopper's FP8 tensor cores keep
 * "around 14 bits" of a partial sum). Three accumulators over the same kind of data, each against the exact
 * (float64) product of its own quantized inputs, so that only the accumulation differs:
 *
 * - fastAccumulation: per-tensor e4m3 inputs, every product of the K added into one partial sum that keeps
 *   `accumulatorBits` (truncateBits after each addition), scaled back at the end: an FP8 GEMM with no promotion;
 * - promoted: blockFp8MatMul, DeepSeek-V3's GEMM: the same partial sums, promoted into float32 every 128 products;
 * - exactPartials: blockFp8MatMul with exact partial sums (53 bits): what float32 promotion alone costs.
 *
 * The inputs are seeded: A [rows, K] of |N(0, 1)| values (activations after a ReLU), B [K, cols] of N(0, 1).
 *
 *     accumulationSweep({ ks: [128, 4096] }).map((r) => r.fastAccumulation)   // grows with K
 */
import seedrandom from 'seedrandom';
import { checkOptionKeys, OptionError } from '../../mp/errors';
import { getFloatFormat } from '../../mp/formats/registry';
import { amaxOf, scaledCastArray, scaleFromAmax } from '../../mp/ops/scaled_cast';
import { blockFp8MatMul, truncateBits } from '../../mp/quant/block_fp8';

const E4M3 = getFloatFormat('float8_e4m3fn');

export interface AccumulationOptions {
  /** Inner dimensions to try. Default [128, 512, 2048, 4096, 8192, 16384]. */
  readonly ks?: readonly number[];
  /** Rows of A and columns of B: the product has rows × cols outputs. Default 4 and 8. */
  readonly rows?: number;
  readonly cols?: number;
  /** Significant bits a partial sum keeps. Default 14, the report's figure. */
  readonly accumulatorBits?: number;
  readonly seed?: string;
}

/** Relative RMS error ‖C − C_exact‖ / ‖C_exact‖ of each accumulator at one K. */
export interface AccumulationRow {
  readonly k: number;
  readonly fastAccumulation: number;
  readonly promoted: number;
  readonly exactPartials: number;
}

function relativeRms(approx: ArrayLike<number>, exact: ArrayLike<number>): number {
  let noise = 0;
  let signal = 0;
  for (let i = 0; i < exact.length; i++) {
    noise += (approx[i]! - exact[i]!) ** 2;
    signal += exact[i]! ** 2;
  }
  return Math.sqrt(noise / signal);
}

/** a [m, k] · b [k, n] in float64. */
function exactProduct(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = sum;
    }
  }
  return c;
}

/** The FP8 GEMM with no promotion: per-tensor e4m3 elements, one `bits`-bit partial sum over all of K. */
function fastAccumulationError(a: Float32Array, b: Float32Array, m: number, k: number, n: number, bits: number) {
  const [sa, sb] = [a, b].map((x) => scaleFromAmax(amaxOf(x), E4M3.maxFinite)) as [number, number];
  const ea = scaledCastArray(a, E4M3, sa).elements;
  const eb = scaledCastArray(b, E4M3, sb).elements;
  const approx = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let partial = 0;
      for (let p = 0; p < k; p++) partial = truncateBits(partial + ea[i * k + p]! * eb[p * n + j]!, bits);
      approx[i * n + j] = partial; // the scales multiply exact and approximate sums alike
    }
  }
  return relativeRms(approx, exactProduct(ea, eb, m, k, n));
}

/** Each accumulator's error at each K (see the file's header). */
export function accumulationSweep(options: AccumulationOptions = {}): AccumulationRow[] {
  checkOptionKeys('accumulationSweep', options, ['ks', 'rows', 'cols', 'accumulatorBits', 'seed']);
  const { ks = [128, 512, 2048, 4096, 8192, 16384], rows = 4, cols = 8, accumulatorBits = 14 } = options;
  for (const [name, value] of [['rows', rows], ['cols', cols], ...ks.map((k) => ['ks', k] as const)] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new OptionError(`${name} must hold integers ≥ 1. Received: ${name}=${value}`, name, value);
    }
  }
  const rand = seedrandom.alea(options.seed ?? 'accumulation');
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return ks.map((k) => {
    const a = Float32Array.from({ length: rows * k }, () => Math.abs(normal()));
    const b = Float32Array.from({ length: k * cols }, normal);
    const error = (bits: number): number => {
      const r = blockFp8MatMul(a, b, rows, k, cols, { accumulatorBits: bits });
      return relativeRms(r.product, exactProduct(r.a.dequantized, r.b.dequantized, rows, k, cols));
    };
    return {
      k,
      fastAccumulation: fastAccumulationError(a, b, rows, k, cols, accumulatorBits),
      promoted: error(accumulatorBits),
      exactPartials: error(53),
    };
  });
}
