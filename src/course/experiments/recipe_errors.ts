/**
 * What each low-precision recipe loses on one layer's three GEMM operands: the quantization error of its input,
 * weight and output gradient, each cast by the recipe's own training cast (fp8_recipes.ts `recipeCasts`) for the
 * GEMM that sums along its rows (the input [tokens, K] and the gradient [tokens, N] along each row, the weight
 * [K, N] down each column), with the bits each value costs.
 *
 * Current scaling appears twice: as Transformer Engine's HYBRID recipe runs it (e5m2 gradients) and with e4m3
 * gradients too (`current-e4m3`, TE's `Float8CurrentScaling(fp8_format=Format.E4M3)`), so that the gain of a finer
 * scale can be told apart from the gain of e4m3's extra mantissa bit. Besides the error over the whole tensor, each
 * row reports its worst slice: the relative error of the row (or, for the weight, the column) that the cast serves
 * worst, where a scale per tensor fails first.
 *
 * Delayed scaling is left out: on a snapshot it casts as current scaling does, only with the amax of earlier
 * steps, so its error is current scaling's until the tensor grows past its history (then values saturate).
 *
 *     const rows = await recipeCastErrors({ input: x, weight: w, grad: dy });
 *     rows.filter((r) => r.operand === 'grad').map((r) => [r.recipe, r.error.relativeRmse])
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../../mp/errors';
import { quantError, type QuantErrorStats } from '../../mp/quant/quant_error';
import { FP8_RECIPE_NOTES, recipeCasts, type Fp8Recipe } from './fp8_recipes';

/** The recipes whose casts depend only on the tensor itself (current scaling with either gradient format). */
export const CAST_RECIPES = ['current', 'current-e4m3', 'deepseek', 'mxfp8', 'nvfp4'] as const;
/** One row's recipe: an FP8 recipe by name, or `current-e4m3` (current scaling with e4m3 gradients). */
export type CastRecipe = (typeof CAST_RECIPES)[number];

const RECIPE_OF: Readonly<Record<CastRecipe, Fp8Recipe>> = {
  current: 'current',
  'current-e4m3': 'current',
  deepseek: 'deepseek',
  mxfp8: 'mxfp8',
  nvfp4: 'nvfp4',
};
export const GEMM_OPERANDS = ['input', 'weight', 'grad'] as const;
export type GemmOperand = (typeof GEMM_OPERANDS)[number];

export interface RecipeCastError {
  readonly recipe: CastRecipe;
  readonly name: string;
  readonly operand: GemmOperand;
  /** Element plus scale bits per value (a per-tensor float32 scale not counted). */
  readonly bitsPerValue: number;
  readonly error: QuantErrorStats;
  /** The largest relative RMS error of one slice along the summed dimension (a row; a column of the weight). */
  readonly worstSliceRelativeRmse: number;
}

/** Each recipe's cast of each operand, against the float32 original. */
export async function recipeCastErrors(
  operands: Readonly<Record<GemmOperand, tf.Tensor2D>>,
): Promise<RecipeCastError[]> {
  for (const operand of GEMM_OPERANDS) {
    if (!(operands[operand] instanceof tf.Tensor) || operands[operand].rank !== 2) {
      throw new OptionError(`${operand} must be a 2-D tensor.`, operand, operands[operand]);
    }
  }
  const rows: RecipeCastError[] = [];
  for (const recipe of CAST_RECIPES) {
    const gradientFormat = recipe === 'current-e4m3' ? 'float8_e4m3fn' : 'float8_e5m2';
    const settings = { forwardFormat: 'float8_e4m3fn', gradientFormat, delayed: {} };
    const casts = recipeCasts(RECIPE_OF[recipe], 'layer', settings);
    for (const operand of GEMM_OPERANDS) {
      const x = operands[operand];
      const y = tf.tidy(() => casts[operand].cast(x, operand === 'weight' ? 0 : 1));
      const [original, cast] = (await Promise.all([x.data(), y.data()])) as [Float32Array, Float32Array];
      y.dispose();
      rows.push({
        recipe,
        name: FP8_RECIPE_NOTES[RECIPE_OF[recipe]].name + (recipe === 'current-e4m3' ? ', e4m3 gradients' : ''),
        operand,
        bitsPerValue: casts[operand].bitsPerValue,
        error: quantError(original, cast),
        worstSliceRelativeRmse: worstSlice(original, cast, x.shape, operand === 'weight' ? 0 : 1),
      });
    }
  }
  return rows;
}

/** The largest ‖q(s) − s‖ / ‖s‖ over the slices of a matrix along `axis` (1: each row; 0: each column). */
function worstSlice(original: Float32Array, cast: Float32Array, [rows, cols]: number[], axis: 0 | 1): number {
  const [slices, length] = axis === 1 ? [rows!, cols!] : [cols!, rows!];
  let worst = 0;
  for (let s = 0; s < slices; s++) {
    let err = 0;
    let norm = 0;
    for (let j = 0; j < length; j++) {
      const i = axis === 1 ? s * cols! + j : j * cols! + s;
      err += (cast[i]! - original[i]!) ** 2;
      norm += original[i]! ** 2;
    }
    if (norm > 0) worst = Math.max(worst, Math.sqrt(err / norm));
  }
  return worst;
}
