/**
 * Per-layer precision search for a trained stack of dense layers: a sensitivity scan (one layer at a time in
 * each candidate format, the rest in float32), then the lowest-bit format per layer such that the combined
 * model stays within an accuracy budget, checked by evaluating the combination itself.
 *
 * A layer "in format F" runs as a low-precision GEMM does: its input activations and its kernel are rounded
 * to F (with one scale per tensor for formats of 8 bits or fewer; FP4 recipes scale blocks of 32 or 16 values
 * instead), the product is accumulated in float32 and the bias stays in float32.
 *
 *     const r = precisionSearch(model, { images, labels }, { budget: 0.5 });
 *     r.chosen.map((c) => c.format)   // e.g. ['float8_e4m3fn', 'float4_e2m1fn']
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys, FormatError, OptionError, describeValue } from '../../mp/errors';
import { getFloatFormat } from '../../mp/formats/registry';
import type { FloatFormat } from '../../mp/formats/spec';
import { resolveRoundOptions } from '../../mp/formats/round_options';
import { roundTensor } from '../../mp/ops/quantize';
import { castWithCurrentScale } from '../../mp/ops/scaled_cast';
import { denseStackOf, type DenseLayerWeights } from '../models/stack';
import { bytesPerValue } from '../../mp/numerics/memory';

/** The default candidates, narrowest first. */
export const PRECISION_SEARCH_FORMATS: readonly string[] = [
  'float4_e2m1fn',
  'float6_e2m3fn',
  'float6_e3m2fn',
  'float8_e4m3fn',
  'float8_e5m2',
  'bfloat16',
  'float16',
];

export const SEARCH_SCALINGS = ['auto', 'per-tensor', 'none'] as const;
export type SearchScaling = (typeof SEARCH_SCALINGS)[number];

export interface PrecisionSearchOptions {
  /** Formats to try per layer (float formats only). Default PRECISION_SEARCH_FORMATS. */
  readonly candidates?: readonly string[];
  /** Largest accuracy loss allowed against float32, in percentage points (0.5 = half a point). Default 0.5. */
  readonly budget?: number;
  /**
   * `auto` (default): per-tensor scaling, x → q(x·s)/s with s = maxFinite/amax(x), for formats of ≤ 8 bits
   * and a plain cast for wider ones (as FP8 recipes and bf16/fp16 autocast do); `per-tensor` or `none` for all.
   */
  readonly scaling?: SearchScaling;
  /** Round each layer's input activations too (default true); false rounds the weights only. */
  readonly activations?: boolean;
  /** A held-out set on which the float32 model and the chosen combination are also scored (not used to choose). */
  readonly test?: LabelledImages;
}

export interface LabelledImages {
  /** count × inputs values, row-major. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

export interface SensitivityRow {
  readonly layer: number;
  readonly name: string;
  readonly format: string;
  readonly bits: number;
  /** Validation accuracy with this layer alone in `format` (a fraction). */
  readonly accuracy: number;
  /** Percentage points lost against float32 (negative: it gained). */
  readonly drop: number;
}

export interface LayerChoice {
  readonly layer: number;
  readonly name: string;
  readonly format: string;
  readonly bits: number;
  /** Kernel and bias elements. */
  readonly params: number;
  /** Storage: the kernel packed in `format` (plus a float32 scale where scaled), the bias in float32. */
  readonly bytes: number;
  readonly float32Bytes: number;
}

export interface SearchStep {
  /** One format per layer. */
  readonly formats: readonly string[];
  readonly accuracy: number;
  readonly drop: number;
  readonly withinBudget: boolean;
}

export interface PrecisionSearchResult {
  /** Validation accuracy of the float32 model. */
  readonly baselineAccuracy: number;
  readonly budget: number;
  readonly candidates: readonly string[];
  readonly sensitivity: readonly SensitivityRow[];
  readonly chosen: readonly LayerChoice[];
  /** Validation accuracy of the chosen combination, evaluated as a whole. */
  readonly accuracy: number;
  readonly drop: number;
  readonly withinBudget: boolean;
  /** Every combination evaluated, the first (each layer at its narrowest admissible format) to the last (chosen). */
  readonly steps: readonly SearchStep[];
  readonly bytes: { readonly float32: number; readonly chosen: number; readonly saved: number };
  /** The held-out test: accuracies, drop, and each image's score (1 right, 0 wrong) for a paired test such as McNemar's. */
  readonly test?: {
    readonly baselineAccuracy: number;
    readonly accuracy: number;
    readonly drop: number;
    readonly baselineCorrect: Uint8Array;
    readonly correct: Uint8Array;
  };
}

const TOLERANCE = 1e-9;
const SATURATE = resolveRoundOptions({ overflow: 'saturate' });

function checkData(data: LabelledImages, inputs: number, classes: number, option: string): number {
  if (!(data?.images instanceof Float32Array) || !(data.labels instanceof Uint8Array)) {
    throw new OptionError(
      `${option} must be { images: Float32Array, labels: Uint8Array }. Received: ${describeValue(data)}`,
      option,
      data,
    );
  }
  const rows = data.labels.length;
  if (rows === 0 || data.images.length !== rows * inputs) {
    throw new OptionError(
      `${option}.images must hold ${inputs} values per label (${rows} labels). Received ${data.images.length} values.`,
      option,
      data.images.length,
    );
  }
  if (data.labels.some((l) => l >= classes)) {
    throw new OptionError(
      `${option}.labels must lie in 0..${classes - 1}.`,
      option,
      data.labels.reduce((a, b) => Math.max(a, b), 0),
    );
  }
  return rows;
}

function checkStack(stack: readonly DenseLayerWeights[]): void {
  if (stack.length === 0) throw new OptionError('The model has no layers.', 'model', 0);
  stack.forEach((l, i) => {
    if (l.kernel.length !== l.inputs * l.outputs || l.bias.length !== l.outputs) {
      throw new OptionError(
        `Layer ${i + 1}: a ${l.inputs}×${l.outputs} kernel needs ${l.inputs * l.outputs} values and ${l.outputs} biases. Received ${l.kernel.length} and ${l.bias.length}.`,
        'model',
        i,
      );
    }
    if (i > 0 && stack[i - 1]!.outputs !== l.inputs) {
      throw new OptionError(
        `Layer ${i + 1} takes ${l.inputs} inputs but layer ${i} gives ${stack[i - 1]!.outputs}.`,
        'model',
        i,
      );
    }
  });
}

function checkCandidates(names: readonly string[]): FloatFormat[] {
  if (!Array.isArray(names) || names.length === 0) {
    throw new OptionError('candidates must be a non-empty list of float format names.', 'candidates', names);
  }
  return [...new Set(names)].map((name) => {
    const f = getFloatFormat(name);
    if (f.signed === false) {
      throw new FormatError(`${f.name} has no sign bit, so it cannot hold weights.`, name);
    }
    return f;
  });
}

/**
 * Sensitivity scan and per-layer format choice within an accuracy budget (see the file comment).
 * The model is a list of dense layers, or a tf.Sequential of MixedDense layers (buildMlp's), whose weights are
 * read first with awaited reads (so the result is a Promise); `validation` is the labelled data on which accuracy
 * is measured and the choice is made.
 *
 *     const search = await precisionSearch(model, validation, { budget: 0.5 });
 */
export function precisionSearch(
  model: readonly DenseLayerWeights[],
  validation: LabelledImages,
  options?: PrecisionSearchOptions,
): PrecisionSearchResult;
export function precisionSearch(
  model: tf.Sequential,
  validation: LabelledImages,
  options?: PrecisionSearchOptions,
): Promise<PrecisionSearchResult>;
export function precisionSearch(
  model: tf.Sequential | readonly DenseLayerWeights[],
  validation: LabelledImages,
  options: PrecisionSearchOptions = {},
): PrecisionSearchResult | Promise<PrecisionSearchResult> {
  checkOptionKeys('precisionSearch', options, ['candidates', 'budget', 'scaling', 'activations', 'test']);
  if (!Array.isArray(model)) {
    return denseStackOf(model as tf.Sequential).then((stack) => precisionSearch(stack, validation, options));
  }
  const stack = model as readonly DenseLayerWeights[];
  checkStack(stack);
  const budget = options.budget ?? 0.5;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget < 0) {
    throw new OptionError(
      `budget must be a finite number of percentage points ≥ 0. Received: ${String(budget)}`,
      'budget',
      budget,
    );
  }
  const candidates = checkCandidates(options.candidates ?? PRECISION_SEARCH_FORMATS);
  const scaling = options.scaling ?? 'auto';
  if (!SEARCH_SCALINGS.includes(scaling)) {
    throw new OptionError(
      `scaling must be one of ${SEARCH_SCALINGS.join(', ')}. Received: ${String(scaling)}`,
      'scaling',
      scaling,
      SEARCH_SCALINGS,
    );
  }
  const roundActivations = options.activations ?? true;
  const inputs = stack[0]!.inputs;
  const classes = stack[stack.length - 1]!.outputs;
  const rows = checkData(validation, inputs, classes, 'validation');
  if (options.test) checkData(options.test, inputs, classes, 'test');

  const float32 = getFloatFormat('float32');
  const scaled = (f: FloatFormat): boolean => scaling === 'per-tensor' || (scaling === 'auto' && f.bits <= 8);
  /** q(x·s)/s, or q(x), or x itself for float32; saturating. */
  const cast = (x: tf.Tensor, f: FloatFormat): tf.Tensor => {
    if (f.name === 'float32') return x.clone();
    return scaled(f) ? castWithCurrentScale(x, f) : roundTensor(x, f, SATURATE);
  };

  const kernels = new Map<string, tf.Tensor2D>();
  const biases = stack.map((l) => tf.tensor1d(l.bias));
  const kernelIn = (i: number, f: FloatFormat): tf.Tensor2D => {
    const key = `${i}|${f.name}`;
    let k = kernels.get(key);
    if (!k) {
      k = tf.keep(
        tf.tidy(() => cast(tf.tensor2d(stack[i]!.kernel, [stack[i]!.inputs, stack[i]!.outputs]), f) as tf.Tensor2D),
      );
      kernels.set(key, k);
    }
    return k;
  };
  const layerForward = (i: number, x: tf.Tensor, f: FloatFormat): tf.Tensor =>
    tf.tidy(() => {
      const xin = roundActivations ? cast(x, f) : x;
      const y = tf.add(tf.matMul(xin as tf.Tensor2D, kernelIn(i, f)), biases[i]!);
      return stack[i]!.relu ? tf.relu(y) : y;
    });
  const accuracyOf = (logits: tf.Tensor, labels: Uint8Array): number => {
    const predicted = tf.tidy(() => tf.argMax(logits, 1).dataSync());
    let correct = 0;
    for (let r = 0; r < labels.length; r++) if (predicted[r] === labels[r]) correct++;
    return correct / labels.length;
  };

  // Hidden activations on the validation set, cached by the formats of the layers before them.
  const x0 = tf.tensor2d(validation.images, [rows, inputs]);
  const hidden = new Map<string, tf.Tensor>([['', x0]]);
  const evaluate = (formats: readonly FloatFormat[]): number => {
    let h: tf.Tensor = x0;
    let key = '';
    formats.forEach((f, i) => {
      const next = `${key}|${f.name}`;
      if (i === formats.length - 1) return;
      let cached = hidden.get(next);
      if (!cached) {
        cached = layerForward(i, h, f);
        hidden.set(next, cached);
      }
      [h, key] = [cached, next];
    });
    const logits = layerForward(formats.length - 1, h, formats[formats.length - 1]!);
    const acc = accuracyOf(logits, validation.labels);
    logits.dispose();
    return acc;
  };
  const points = (baseline: number, acc: number): number => 100 * (baseline - acc);

  try {
    const allFloat32 = stack.map(() => float32);
    const baselineAccuracy = evaluate(allFloat32);
    const name = (i: number): string => `layer ${i + 1} (${stack[i]!.inputs}→${stack[i]!.outputs})`;

    // 1. Sensitivity: one layer at a time in each candidate format.
    const sensitivity: SensitivityRow[] = [];
    stack.forEach((_, i) => {
      for (const f of candidates) {
        const accuracy = evaluate(allFloat32.map((g, j) => (j === i ? f : g)));
        sensitivity.push({
          layer: i,
          name: name(i),
          format: f.name,
          bits: f.bits,
          accuracy,
          drop: points(baselineAccuracy, accuracy),
        });
      }
    });

    // 2. Per layer, a ladder of formats that fit the budget alone: fewest bits first (ties: smaller drop),
    //    then float32 as the last resort. Start every layer at its first rung.
    const ladders = stack.map((_, i) => {
      const rowsOf = sensitivity.filter((r) => r.layer === i && r.drop <= budget + TOLERANCE);
      rowsOf.sort((a, b) => a.bits - b.bits || a.drop - b.drop);
      const ladder = rowsOf.map((r) => getFloatFormat(r.format)).filter((f) => f.name !== 'float32');
      return [...ladder, float32];
    });
    const rung = stack.map(() => 0);
    const formatsAt = (r: readonly number[]): FloatFormat[] => r.map((k, i) => ladders[i]![k]!);
    const steps: SearchStep[] = [];
    const record = (r: readonly number[], accuracy: number): SearchStep => {
      const drop = points(baselineAccuracy, accuracy);
      const step = {
        formats: formatsAt(r).map((f) => f.name),
        accuracy,
        drop,
        withinBudget: drop <= budget + TOLERANCE,
      };
      steps.push(step);
      return step;
    };
    let current = record(rung, evaluate(formatsAt(rung)));

    // 3. While the combination is over budget, move up one rung the layer whose move recovers the most accuracy
    //    (ties: the move that adds the fewest bytes). All float32 is always within budget, so this ends.
    const widthOf = (i: number, f: FloatFormat): number => stack[i]!.kernel.length * bytesPerValue(f);
    while (!current.withinBudget) {
      let best: { i: number; accuracy: number; cost: number } | undefined;
      rung.forEach((k, i) => {
        if (k === ladders[i]!.length - 1) return;
        const trial = rung.map((kk, j) => (j === i ? kk + 1 : kk));
        const accuracy = evaluate(formatsAt(trial));
        const cost = widthOf(i, ladders[i]![k + 1]!) - widthOf(i, ladders[i]![k]!);
        if (!best || accuracy > best.accuracy || (accuracy === best.accuracy && cost < best.cost)) {
          best = { i, accuracy, cost };
        }
      });
      if (!best) break; // cannot happen: all float32 has drop 0
      rung[best.i] = rung[best.i]! + 1;
      current = record(rung, best.accuracy);
    }

    const chosenFormats = formatsAt(rung);
    const chosen: LayerChoice[] = stack.map((l, i) => {
      const f = chosenFormats[i]!;
      const kernelBytes =
        f.name === 'float32'
          ? 4 * l.kernel.length
          : Math.ceil(l.kernel.length * bytesPerValue(f)) + (scaled(f) ? 4 : 0);
      return {
        layer: i,
        name: name(i),
        format: f.name,
        bits: f.bits,
        params: l.kernel.length + l.bias.length,
        bytes: kernelBytes + 4 * l.bias.length,
        float32Bytes: 4 * (l.kernel.length + l.bias.length),
      };
    });
    const float32Bytes = chosen.reduce((s, c) => s + c.float32Bytes, 0);
    const chosenBytes = chosen.reduce((s, c) => s + c.bytes, 0);

    let test: PrecisionSearchResult['test'];
    if (options.test) {
      const t = options.test;
      const run = (formats: readonly FloatFormat[]): Uint8Array => {
        let h: tf.Tensor = tf.tensor2d(t.images, [t.labels.length, inputs]);
        formats.forEach((f, i) => {
          const next = layerForward(i, h, f);
          h.dispose();
          h = next;
        });
        const predicted = tf.tidy(() => tf.argMax(h, 1).dataSync());
        h.dispose();
        return Uint8Array.from(t.labels, (label, r) => (predicted[r] === label ? 1 : 0));
      };
      const share = (c: Uint8Array): number => c.reduce((s, x) => s + x, 0) / c.length;
      const [baselineCorrect, correct] = [run(allFloat32), run(chosenFormats)];
      const [base, acc] = [share(baselineCorrect), share(correct)];
      test = { baselineAccuracy: base, accuracy: acc, drop: points(base, acc), baselineCorrect, correct };
    }

    return {
      baselineAccuracy,
      budget,
      candidates: candidates.map((f) => f.name),
      sensitivity,
      chosen,
      accuracy: current.accuracy,
      drop: current.drop,
      withinBudget: current.withinBudget,
      steps,
      bytes: { float32: float32Bytes, chosen: chosenBytes, saved: float32Bytes - chosenBytes },
      ...(test ? { test } : {}),
    };
  } finally {
    tf.dispose([...hidden.values(), ...kernels.values(), ...biases]);
  }
}
