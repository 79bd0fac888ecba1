/**
 * What each low-precision recipe loses on one layer's three GEMM operands: the quantization error of its input,
 * weight and output gradient, each cast by the recipe's own training cast (fp8_recipes.ts `recipeCasts`) for the
 * GEMM that sums along its rows (the input [tokens, K] and the gradient [tokens, N] along each row, the weight
 * [K, N] down each column), with the bits each value costs.
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

/** The recipes whose casts depend only on the tensor itself. */
export const CAST_RECIPES = ['current', 'deepseek', 'mxfp8', 'nvfp4'] as const satisfies readonly Fp8Recipe[];
export const GEMM_OPERANDS = ['input', 'weight', 'grad'] as const;
export type GemmOperand = (typeof GEMM_OPERANDS)[number];

export interface RecipeCastError {
  readonly recipe: (typeof CAST_RECIPES)[number];
  readonly name: string;
  readonly operand: GemmOperand;
  /** Element plus scale bits per value (a per-tensor float32 scale not counted). */
  readonly bitsPerValue: number;
  readonly error: QuantErrorStats;
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
  const settings = { forwardFormat: 'float8_e4m3fn', gradientFormat: 'float8_e5m2', delayed: {} };
  const rows: RecipeCastError[] = [];
  for (const recipe of CAST_RECIPES) {
    const casts = recipeCasts(recipe, 'layer', settings);
    for (const operand of GEMM_OPERANDS) {
      const x = operands[operand];
      const y = tf.tidy(() => casts[operand].cast(x, operand === 'weight' ? 0 : 1));
      const [original, cast] = (await Promise.all([x.data(), y.data()])) as [Float32Array, Float32Array];
      y.dispose();
      rows.push({
        recipe,
        name: FP8_RECIPE_NOTES[recipe].name,
        operand,
        bitsPerValue: casts[operand].bitsPerValue,
        error: quantError(original, cast),
      });
    }
  }
  return rows;
}
