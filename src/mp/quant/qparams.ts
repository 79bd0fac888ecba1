/**
 * Affine quantization parameters, in torch.ao's shapes and with its validation:
 * q = clamp(round(x/scale) + zeroPoint, quantMin, quantMax), x̂ = (q − zeroPoint)·scale.
 * Per tensor, `scale` and `zeroPoint` are numbers; per channel, arrays with one entry per channel (torch keeps
 * the same names for both). Observers compute the first two fields; quantizers take the integer range too.
 */
import { OptionError } from '../errors';

/** An observer's per-tensor result. */
export interface TensorQParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** An observer's per-channel result: entry c belongs to channel c. */
export interface ChannelQParams {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
}

/** What a per-tensor quantizer takes. */
export interface QParams extends TensorQParams {
  readonly quantMin: number;
  readonly quantMax: number;
}

/** What a per-channel quantizer takes: channels lie along `axis`. */
export interface PerChannelQParams extends ChannelQParams {
  readonly axis: number;
  readonly quantMin: number;
  readonly quantMax: number;
}

export const QUANT_DTYPES = ['qint8', 'quint8'] as const;
export type QuantDtype = (typeof QUANT_DTYPES)[number];

/** torch's calculate_qmin_qmax: the integer range of a dtype, halved by reduce_range (for old x86 VNNI overflow). */
export function quantRange(dtype: QuantDtype, reduceRange = false): { quantMin: number; quantMax: number } {
  const [lo, hi] = dtype === 'qint8' ? [-128, 127] : [0, 255];
  return reduceRange ? { quantMin: Math.floor(lo / 2), quantMax: Math.floor(hi / 2) } : { quantMin: lo, quantMax: hi };
}

/** Throws an OptionError unless scale > 0, quantMin < quantMax (integers) and zeroPoint lies in [quantMin, quantMax]. */
export function checkQParams(
  scales: readonly number[],
  zeroPoints: readonly number[],
  quantMin: number,
  quantMax: number,
): void {
  if (!Number.isInteger(quantMin) || !Number.isInteger(quantMax) || quantMin >= quantMax) {
    throw new OptionError(
      `quantMin must be an integer below quantMax. Received: quantMin=${quantMin}, quantMax=${quantMax}`,
      'quantMin',
      quantMin,
    );
  }
  scales.forEach((scale) => {
    if (!(scale > 0 && Number.isFinite(scale))) {
      throw new OptionError(`scale must be a finite number > 0. Received: scale=${scale}`, 'scale', scale);
    }
  });
  zeroPoints.forEach((zp) => {
    if (!Number.isInteger(zp) || zp < quantMin || zp > quantMax) {
      throw new OptionError(
        `zeroPoint must be an integer in [quantMin, quantMax] = [${quantMin}, ${quantMax}]. Received: zeroPoint=${zp}`,
        'zeroPoint',
        zp,
      );
    }
  });
}
