/**
 * What the lessons import: the precision library (src/mp) and the course built on it: the MNIST experiments,
 * the lesson models, the figures and the notebook display bridge. A notebook imports this one module.
 * etc/course.api.md is the reviewed report of this surface (npm run api).
 */
import { MNIST_MLP } from './experiments/seed_mlp';
import { numberLine } from './viz/formats';

export * from '../mp/index';

// Figures and the notebook display (viz/): figures as data, tables and live progress through one bridge
export * from './viz/index';
/** @deprecated Renamed numberLine: NumPy's spacing(x) is one gap at x, this is a format's whole number line. */
export const spacing = numberLine;

// The lesson models (models/): dense stacks for int8, PTQ, QAT and FP8 inference
export { denseStackOf, denseForward, type DenseLayerWeights } from './models/stack';
export { Int8Mlp, quantizeWeights, toInt8Layers, type Int8Layer } from './models/int8';
export { staticQuantize, DynamicInt8Mlp, CALIBRATION_OBSERVERS, type CalibrationObserver } from './models/ptq';
export { QatMlp, type QatQParams } from './models/qat';
export { Fp8Mlp } from './models/fp8_mlp';

// The MNIST experiments (experiments/): the seed's model and the runs the lessons measure
export {
  precisionSearch,
  PRECISION_SEARCH_FORMATS,
  SEARCH_SCALINGS,
  type LabelledImages,
  type LayerChoice,
  type PrecisionSearchOptions,
  type PrecisionSearchResult,
  type SearchScaling,
  type SearchStep,
  type SensitivityRow,
} from './experiments/precision_search';
export { loadMnist, type Mnist, type MnistSplit } from './experiments/mnist';
export {
  MNIST_MLP,
  buildMlp,
  softmaxLoss,
  forward,
  accuracy,
  accuracyAsync,
  type MlpOptions,
  type RecipeOptions,
  type Rows,
} from './experiments/seed_mlp';
/** @deprecated Renamed MNIST_MLP: its "seed" meant the course's source text, and read as a random seed. */
export const SEED_MLP = MNIST_MLP;
export { type Progress, type RunOptions, type RunResult } from './experiments/epochs';
export { trainMnist } from './experiments/train';
export type { TrainOptions, TrainResult, CacheInfo } from './experiments/train_options';
export { describeCache } from './experiments/run_cache';
export {
  timeTrainingSteps,
  STEP_CLOCKS,
  type StepClock,
  type StepTimeOptions,
  type StepTiming,
} from './experiments/step_time';
export {
  compareTimings,
  summarizeTimings,
  TIMING_VERDICTS,
  type CompareTimingsOptions,
  type TimedAlternative,
  type TimingComparison,
  type TimingVerdict,
} from './experiments/timing';
export {
  trainMnistFp8,
  trainMnistFp8Delayed,
  type Fp8TrainOptions,
  type Fp8TrainResult,
} from './experiments/fp8_training';
export { FP8_RECIPES, FP8_RECIPE_NOTES, type Fp8Recipe } from './experiments/fp8_recipes';
export {
  recipeCastErrors,
  CAST_RECIPES,
  type CastRecipe,
  GEMM_OPERANDS,
  type GemmOperand,
  type RecipeCastError,
} from './experiments/recipe_errors';
export { accumulationSweep, type AccumulationOptions, type AccumulationRow } from './experiments/accumulation';
export { gradientLikeMatrix, type GradientLikeOptions } from './experiments/gradient_like';
export {
  compareQuantization,
  type CompareOptions,
  type Comparison,
  type IntegerCheck,
} from './experiments/compare_quantization';
export type { QatTrainOptions } from './experiments/qat';

// Measured data the lessons show (data/): PyTorch's speed figures on a GPU, with their captions
export { readGpuSpeed, describeLayers, GpuSpeed } from './data/gpu_speed';
export {
  MATMUL_DTYPES,
  GPU_POLICIES,
  STORAGE_DTYPES,
  SPEED_PARTS,
  type GpuModelPart,
  type GpuPolicy,
  type GpuSpeedFile,
  type GpuSpeedPart,
  type MatmulDtype,
  type SpeedPart,
  type StorageDtype,
  type TimedModel,
} from './data/gpu_speed_file';
export {
  readRecipeRuns,
  checkRecipeRuns,
  spreadOf,
  RecipeRuns,
  RECIPE_RUN_KINDS,
  type RecipeRun,
  type RecipeRunKind,
  type RecipeRunsFile,
  type RecipeSummary,
  type Spread,
} from './data/recipe_runs';
