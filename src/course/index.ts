/**
 * What the lessons import: the precision library (src/mp) and the course built on it: the MNIST experiments,
 * the lesson models, the figures and the notebook display bridge. A notebook imports this one module.
 * etc/course.api.md is the reviewed report of this surface (npm run api).
 */
import { MNIST_MLP } from './experiments/seed_mlp';
import { numberLine } from './viz/formats';

export * from '../mp/index';
// The training loop's clipping and accumulation (library files; the library's index is at its 70-value cap)
export { clipGradNorm, type ClippedGradients } from '../mp/amp/clip';
export { GradientAccumulator } from '../mp/amp/accumulate';

// Figures and the notebook display (viz/): figures as data, tables and live progress through one bridge
export * from './viz/index';
/** @deprecated Renamed numberLine: NumPy's spacing(x) is one gap at x, this is a format's whole number line. */
export const spacing = numberLine;

// The lesson models (models/): dense stacks for int8, PTQ, QAT and FP8 inference
export { denseStackOf, denseForward, type DenseLayerWeights } from './models/stack';
export {
  Int8Mlp,
  quantizeWeights,
  toInt8Layers,
  WEIGHT_GRANULARITIES,
  type Int8Layer,
  type WeightGranularity,
} from './models/int8';
export {
  staticQuantize,
  DynamicInt8Mlp,
  CALIBRATION_OBSERVERS,
  type CalibrationObserver,
  type StaticQuantizeOptions,
} from './models/ptq';
export { scaleChannels } from './models/rescale';
export {
  equalizationSqnr,
  equalizationTask,
  measureEqualization,
  type EqualizationNet,
  type EqualizationScore,
  type EqualizationTask,
} from './experiments/equalization_task';
export { QatMlp, type QatQParams } from './models/qat';
export { Fp8Mlp } from './models/fp8_mlp';
export {
  TransformerBlock,
  Precision,
  BLOCK_OPS,
  type BlockActivations,
  type BlockOp,
  type BlockOptions,
  type Rescaling,
  type Typed,
} from './models/transformer_block';

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
export { OPTIMIZER_NAMES, type OptimizerName, type OptimizerOptions } from './experiments/optimizers';
export {
  adamStepsInFormat,
  emaInFormat,
  lostUpdateFraction,
  type AdamInFormatOptions,
  type EmaInFormatOptions,
} from './experiments/optimizer_numerics';
export { logitGradients, type LogitGradientOptions } from './experiments/logit_gradients';
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
export { timeAlternatives, type TimeAlternativesOptions } from './experiments/time_alternatives';
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
export { lostUpdates, type LostUpdateRow, type LostUpdatesOptions } from './experiments/lost_updates';
export { softmaxOutput, type SoftmaxOutputOptions, type SoftmaxOutputRow } from './experiments/softmax_output';
export { skewChannels, type SkewOptions } from './experiments/skewed_channels';
export { fineTuneComparison, type FineTuneOptions, type FineTuneRow } from './experiments/fine_tune';
export { L2_BASELINE, L2_SKEW } from './experiments/lesson2_setup';
export { seedKerasModel, SEED_OUTPUTS, SEED_OUTPUT_VARIANTS, type SeedOutput } from './experiments/seed_keras';
export {
  trainBlock,
  evaluateBlock,
  evalSequences,
  reversalBatch,
  reversalBatches,
  REVERSAL_TASK,
  type BlockRun,
  type BlockTrainOptions,
} from './experiments/block_training';
export {
  stressBlock,
  activationPeaks,
  STRESS_KINDS,
  type ActivationPeaks,
  type StressConfig,
  type StressKind,
  type StressRow,
} from './experiments/block_stress';

// Measured data the lessons show (data/): PyTorch's speed figures on a GPU, with their captions; runs too long
// for a lesson, precomputed by a script
export {
  readFineTuneComparison,
  FineTuneComparison,
  FINE_TUNE_METHODS,
  type FineTuneComparisonFile,
} from './data/fine_tune_comparison';
export { readGpuSpeed, describeLayers, GpuSpeed } from './data/gpu_speed';
export { readSeedRuns, type SeedRun, type SeedRuns, type SeedRunsFile, type SeedVariant } from './data/seed_runs';
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

// Lesson 5: an accuracy effect against noise, memory at scale on paper, reducing gradients in low precision, and
// the measured data behind them (data/)
export {
  mcnemarTest,
  signFlipTest,
  correctOnRows,
  type McNemarResult,
  type SignFlipResult,
} from './experiments/paired_test';
export {
  trainingMemory,
  layerActivationBytes,
  TRANSFORMER_SHAPES,
  STATE_BYTES,
  STATE_PRECISIONS,
  RECOMPUTATIONS,
  type MemoryAtScale,
  type MemoryAtScaleOptions,
  type Recomputation,
  type StatePrecision,
  type TransformerShape,
} from './experiments/memory_at_scale';
export {
  gradientReduceError,
  REDUCE_FORMATS,
  type GradientReduceError,
  type GradientReduceOptions,
  type ReduceFormat,
} from './experiments/gradient_reduce';
export {
  readSeedStudy,
  SeedStudy,
  type SeedStudyRun,
  type SeedSetting,
  type SeedStudyFile,
} from './data/accuracy_seeds';
export {
  readGpuChecklist,
  loadGpuChecklist,
  GpuChecklist,
  GPU_CHECKLIST_FILE,
  CHECKLIST_MODELS,
  CHECKLIST_SETTINGS,
  type AlignmentRow,
  type ChecklistModel,
  type ChecklistSetting,
  type GpuChecklistFile,
  type ProfileRow,
  type SweepRow,
} from './data/gpu_checklist';
export { windowLossRecorder, stepsToLoss, type WindowLosses } from './experiments/convergence';
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
