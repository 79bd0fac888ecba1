/**
 * Low-precision training of the seed's MLP under a chosen recipe (fp8_recipes.ts): Transformer Engine's per-tensor
 * delayed or current scaling, DeepSeek-V3's 1×128 and 128×128 blocks, MXFP8 or NVFP4. Every matmul takes its input
 * and weight cast by the recipe and, on the way back, its output gradient; products accumulate in float32, bias
 * and loss stay in float32, and Adam updates float32 master weights. The test set is evaluated with the same casts.
 *
 * Under delayed scaling every cast is traced per step (amax, scale used, fractions saturated and underflowed),
 * which is what a lesson plots to show how the scale follows the tensors. A step's statistics and loss come back
 * in one awaited read after the step (no dataSync: the same path runs on WebGPU).
 *
 *     const r = await trainMnistFp8({ recipe: 'mxfp8', epochs: 1, trainLimit: 10000 });
 *     [r.testAccuracy, r.bitsPerValue.input, r.seconds]
 *     (await trainMnistFp8Delayed({ epochs: 1 })).traces.find((t) => t.tensor === 'dense2 output grad')!.scale
 */
import * as tf from '@tensorflow/tfjs';
import { checkChoice, checkOptionKeys, OptionError } from '../../mp/errors';
import type { FormatLike } from '../../mp/formats/registry';
import type { AmaxComputeAlgo, ScaleTrace } from '../../mp/quant/fp8_scaling';
import { argmaxAccuracy, trainingRows } from './batches';
import {
  FP8_RECIPE_NOTES,
  FP8_RECIPES,
  recipeCasts,
  type Fp8Recipe,
  type RecipeCasts,
  type TracedCast,
} from './fp8_recipes';
import { loadMnist } from './mnist';
import { buildMlp, EVAL_BATCH, MNIST_MLP, seedRecipe, softmaxLoss } from './seed_mlp';
import { runEpochs, RUN_OPTION_KEYS, type RunOptions, type RunResult } from './epochs';

/** Progress comes as trainMnist reports it; under delayed scaling its `scale` is the last layer's gradient scale. */
export interface Fp8TrainOptions extends RunOptions {
  /** Default 'delayed'. */
  readonly recipe?: Fp8Recipe;
  /**
   * Delayed scaling: amax history length of every tensor (Transformer Engine's amax_history_len). Default 16, not
   * TE's 1024: a lesson's run is a few hundred steps, and a 1024-step window would hold the first steps' large
   * gradients for the whole run, so the scales could never follow the gradients down as training converges.
   */
  readonly historyLength?: number;
  /** Delayed scaling: which amax each scale comes from (TE's amax_compute_algo). Default 'max'. */
  readonly amaxComputeAlgo?: AmaxComputeAlgo;
  /** Delayed scaling: headroom, every scale divided by 2^margin. Default 0. */
  readonly margin?: number;
  /** Per-tensor recipes: format of inputs and weights. Default float8_e4m3fn. */
  readonly forwardFormat?: FormatLike;
  /** Per-tensor recipes: format of output gradients. Default float8_e5m2. */
  readonly gradientFormat?: FormatLike;
}

const DELAYED_ONLY = ['historyLength', 'amaxComputeAlgo', 'margin'] as const;
const PER_TENSOR_ONLY = ['forwardFormat', 'gradientFormat'] as const;

export interface Fp8TrainResult extends RunResult {
  readonly recipe: Fp8Recipe;
  /** What the run follows and what it leaves out. */
  readonly emulates: string;
  /** Element plus scale bits per value of each operand role (a per-tensor float32 scale not counted). */
  readonly bitsPerValue: { readonly input: number; readonly weight: number; readonly grad: number };
  /** Delayed scaling's per-step trace of every cast; empty under the other recipes. */
  readonly traces: ScaleTrace[];
}

/** Reads a step's loss and its traced casts' pending statistics in one awaited read, records them, returns the loss. */
async function finishStep(casts: readonly TracedCast[], loss: tf.Scalar): Promise<number> {
  const pending = casts.flatMap((c) => c.pending.map((p) => ({ cast: c, stats: p.stats })));
  const packed = tf.tidy(() => tf.concat([tf.reshape(loss, [1]), ...pending.map((p) => p.stats)]));
  tf.dispose([loss, ...pending.map((p) => p.stats)]);
  try {
    const values = (await packed.data()) as Float32Array;
    pending.forEach((p, i) => p.cast.record(values.subarray(1 + 4 * i, 5 + 4 * i)));
    return values[0]!;
  } finally {
    packed.dispose();
  }
}

interface Fp8Layer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly relu: boolean;
  readonly casts: RecipeCasts;
}

/**
 * x·W with the recipe's casts: x and W forward; dy for dx = dy·Wᵀ; x and dy again for dW = xᵀ·dy where the recipe
 * scales along the summed dimension (the batch, there). The first layer's input is data: its gradient is not
 * needed and is returned as zeros instead of costing a third matmul.
 */
function fp8MatMul({ casts }: Fp8Layer, inputGrad: boolean): (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor {
  const { input, weight, grad } = casts;
  const f = (x: tf.Tensor2D, w: tf.Tensor2D, save: (tensors: tf.Tensor[]) => void) => {
    const xq = input.cast(x, 1);
    const wq = weight.cast(w, 0);
    save([x, w, xq, wq]);
    return {
      value: tf.matMul(xq, wq),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ws, xf, wf] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        // a per-tensor cast of dy serves both products; a block cast is made for each that needs it
        const dyq = inputGrad || !grad.alongMatters ? grad.cast(dy, 1) : undefined;
        const dx = inputGrad
          ? tf.matMul(dyq!, weight.alongMatters ? weight.cast(ws, 1) : wf, false, true)
          : tf.zeros(xs.shape);
        const xw = input.alongMatters ? input.cast(xs, 0) : xf;
        const dyw = grad.alongMatters ? grad.cast(dy, 0) : dyq!;
        return [dx, tf.matMul(xw, dyw, true, false)];
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    x: tf.Tensor2D,
    w: tf.Tensor2D,
  ) => tf.Tensor;
}

function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new OptionError(`${name} must be an integer ≥ 1. Received: ${value}`, name, value);
  }
}

/** The options a recipe cannot use are errors, not silently ignored. */
function checkRecipeOptions(recipe: Fp8Recipe, options: Fp8TrainOptions): void {
  const usedBy = (keys: readonly (keyof Fp8TrainOptions)[], recipes: readonly Fp8Recipe[]): void => {
    const key = keys.find((k) => options[k] !== undefined);
    if (key !== undefined && !recipes.includes(recipe)) {
      throw new OptionError(
        `${key} applies to recipe ${recipes.map((r) => `'${r}'`).join(' and ')}, not '${recipe}'.`,
        key,
        options[key],
      );
    }
  };
  usedBy(DELAYED_ONLY, ['delayed']);
  usedBy(PER_TENSOR_ONLY, ['delayed', 'current']);
}

/**
 * Trains the seed's MLP (784-64-10, Adam) under a low-precision recipe and evaluates it, with the same casts, on the
 * test set.
 *
 *     const runs = [];
 *     for (const recipe of FP8_RECIPES) runs.push(await trainMnistFp8({ recipe, epochs: 1, trainLimit: 4000 }));
 */
export async function trainMnistFp8(options: Fp8TrainOptions = {}): Promise<Fp8TrainResult> {
  checkOptionKeys('trainMnistFp8', options, [...RUN_OPTION_KEYS, 'recipe', ...DELAYED_ONLY, ...PER_TENSOR_ONLY]);
  const recipeName = checkChoice('recipe', options.recipe ?? 'delayed', FP8_RECIPES);
  checkRecipeOptions(recipeName, options);
  const recipe = seedRecipe(options);
  const { learningRate, validationSplit, seed } = recipe;
  checkPositiveInt('epochs', recipe.epochs);
  checkPositiveInt('batchSize', recipe.batchSize);
  const settings = {
    forwardFormat: options.forwardFormat ?? 'float8_e4m3fn',
    gradientFormat: options.gradientFormat ?? 'float8_e5m2',
    delayed: {
      historyLength: options.historyLength ?? 16,
      margin: options.margin ?? 0,
      amaxComputeAlgo: options.amaxComputeAlgo ?? 'max',
    },
  };
  const mnist = loadMnist();
  const { used: n, train: nTrain } = trainingRows(mnist.train, options.trainLimit, validationSplit);
  const { inputs, classes } = MNIST_MLP;

  const model = buildMlp('float32', { seed }); // the same initial weights as trainMnist's float32 run
  const layers: Fp8Layer[] = model.layers.map((l, i) => {
    const [kernel, bias] = l.trainableWeights.map((w) => w.read() as tf.Variable) as [tf.Variable, tf.Variable];
    return {
      kernel,
      bias,
      relu: i < model.layers.length - 1,
      casts: recipeCasts(recipeName, `dense${i + 1}`, settings),
    };
  });
  const matMuls = layers.map((layer, i) => fp8MatMul(layer, i > 0));
  const run = (x: tf.Tensor): tf.Tensor =>
    layers.reduce((h, layer, i) => {
      const y = tf.add(matMuls[i]!(h as tf.Tensor2D, layer.kernel as tf.Tensor2D), layer.bias);
      return layer.relu ? tf.relu(y) : y;
    }, x);
  const predict = async (images: Float32Array, rows: number): Promise<Float32Array> => {
    const out = new Float32Array(rows * classes);
    for (let start = 0; start < rows; start += EVAL_BATCH) {
      const size = Math.min(EVAL_BATCH, rows - start);
      const logits = tf.tidy(() =>
        layers.reduce(
          (h, { casts, kernel, bias, relu }) => {
            const xq = casts.input.castFrozen(h as tf.Tensor2D, 1);
            const y = tf.add(tf.matMul(xq, casts.weight.castFrozen(kernel as tf.Tensor2D, 0)), bias);
            return relu ? tf.relu(y) : y;
          },
          tf.tensor2d(images.subarray(start * inputs, (start + size) * inputs), [size, inputs]) as tf.Tensor,
        ),
      );
      try {
        out.set((await logits.data()) as Float32Array, start * classes);
      } finally {
        logits.dispose();
      }
    }
    return out;
  };
  const accuracyOn = async (images: Float32Array, labels: Uint8Array): Promise<number> =>
    argmaxAccuracy(await predict(images, labels.length), labels);

  const optimizer = tf.train.adam(learningRate);
  const vars = layers.flatMap((l) => [l.kernel, l.bias]);
  const traced = layers.flatMap((l) => l.casts.traced);
  const gradScale = (): number => layers[layers.length - 1]!.casts.traced.at(-1)?.scaler.scale ?? 1;
  const valImages = mnist.train.images.subarray(nTrain * inputs, n * inputs);
  const valLabels = mnist.train.labels.subarray(nTrain, n);
  const start = performance.now();
  const history = await runEpochs({
    trainRows: nTrain,
    recipe,
    options,
    step: (x, y) =>
      finishStep(
        traced,
        optimizer.minimize(() => softmaxLoss(y, run(x)), true, vars)!,
      ),
    scaler: async () => ({ scale: gradScale(), skipped: 0 }),
    validate: async () => (valLabels.length > 0 ? accuracyOn(valImages, valLabels) : NaN),
  });
  const seconds = (performance.now() - start) / 1000;
  const testAccuracy = await accuracyOn(mnist.test.images, mnist.test.labels);
  optimizer.dispose();
  model.dispose();
  const { input, weight, grad } = layers[0]!.casts;
  return {
    policy: FP8_RECIPE_NOTES[recipeName].name,
    recipe: recipeName,
    emulates: FP8_RECIPE_NOTES[recipeName].emulates,
    bitsPerValue: { input: input.bitsPerValue, weight: weight.bitsPerValue, grad: grad.bitsPerValue },
    testAccuracy,
    valAccuracy: history[history.length - 1]?.valAccuracy ?? NaN,
    seconds,
    epochs: history,
    traces: traced.map((c) => c.trace),
  };
}

/**
 * trainMnistFp8 under Transformer Engine's delayed scaling, whose per-step traces the outlook lesson plots.
 *
 *     (await trainMnistFp8Delayed({ epochs: 1, trainLimit: 10000 })).traces.length   // 6: three per layer
 */
export async function trainMnistFp8Delayed(options: Omit<Fp8TrainOptions, 'recipe'> = {}): Promise<Fp8TrainResult> {
  return trainMnistFp8({ ...options, recipe: 'delayed' });
}
