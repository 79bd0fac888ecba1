/**
 * The precision library: emulated number formats and rounding, tensor ops, AMP, quantization, numerics
 * instruments, the seed's MNIST model, and the notebook display bridge.
 * Every export is listed here explicitly; nothing internal is re-exported.
 */

// Errors
export { MpError, FormatError, OptionError, BackendError, PolicyError } from './errors';

// Number formats
export type { FloatSpec, IntSpec, FloatFormat, IntFormat, Format, NanEncoding } from './formats/spec';
export { FORMAT_NAMES, FLOAT_FORMAT_NAMES, getFormat, type FormatLike } from './formats/registry';
export { encode, decode, decodeBits } from './formats/codec';
export { fields, type Fields, type ValueKind } from './formats/fields';
export { float32Bits, float32FromBits } from './formats/bits';

// Rounding
export {
  roundArray,
  roundValue,
  ROUNDING_MODES,
  OVERFLOW_MODES,
  type Rounding,
  type Overflow,
  type RoundOptions,
} from './formats/round';

// Tensor ops
export {
  quantize,
  GRADIENT_MODES,
  IMPLEMENTATIONS,
  type QuantizeOptions,
  type GradientMode,
  type Implementation,
} from './ops/quantize';

// Backends
export { useBackend, backendInfo, BACKEND_CHOICES, type BackendChoice, type BackendInfo } from './backend/select';

// Mixed precision training (AMP)
export { policy, POLICY_NAMES, type Policy } from './amp/policy';
export { AUTOCAST_OPS, AUTOCAST_OP_NAMES, autocastFormat, type AutocastEntry, type CastRule } from './amp/autocast';
export { castToCompute } from './amp/cast';
export { MixedDense, DENSE_ACTIVATIONS, type MixedDenseArgs, type DenseActivation } from './amp/layers';
export {
  StaticLossScaler,
  DynamicLossScaler,
  DisabledLossScaler,
  LOSS_SCALE_PRESETS,
  type LossScaler,
  type LossScalePreset,
  type DynamicLossScalerOptions,
  type ScalerStats,
} from './amp/loss_scaler';
export { LossScaleOptimizer, hasNonFinite } from './amp/optimizer';
export { matMul } from './ops/matmul';

// Numerics instruments
export { castStats, type CastStats } from './numerics/stats';
export { log2Histogram, type Log2Histogram, type Log2HistogramOptions } from './numerics/histogram';
export {
  memoryPlan,
  storageBytes,
  OPTIMIZERS,
  type MemoryPlan,
  type MemoryRow,
  type OptimizerKind,
} from './numerics/memory';
export {
  sumInFormat,
  partialSums,
  SUMMATION_METHODS,
  type SummationMethod,
  type SumOptions,
  type PartialSums,
} from './numerics/summation';
export { precisionSearch, PRECISION_SEARCH_FORMATS, type PrecisionSearchResult } from './numerics/precision_search';

// Data and the seed's MNIST model
export { loadMnist, parseIdx, type Mnist, type MnistSplit } from './data/mnist';
export { buildMlp, softmaxLoss, forward, accuracy, type MlpOptions } from './train/mlp';
export { trainMnist, type TrainOptions, type TrainResult, type Progress } from './train/loop';
export { timeTrainingSteps, type StepTiming, type StepTimeOptions } from './train/step_time';

// Quantization
export { quantRange, checkQParams, QUANT_DTYPES, type QParams, type QuantDtype } from './quant/qparams';
export { fakeQuantize, fakeQuantizePerChannel, type PerChannelQParams } from './quant/fake_quant';
export {
  MinMaxObserver,
  MovingAverageMinMaxObserver,
  PerChannelMinMaxObserver,
  HistogramObserver,
  QSCHEMES,
  type QScheme,
  type Observer,
  type ObserverOptions,
  type TensorQParams,
} from './quant/observers';
export { Int8Mlp, int8Dense, quantizeUint8, type Int8Layer } from './quant/int8';
export { denseStackOf, denseForward, quantizeWeights, toInt8Layers, type DenseLayerWeights } from './quant/stack';
export { staticQuantize, DynamicInt8Mlp, CALIBRATION_OBSERVERS, type CalibrationObserver } from './quant/ptq';
export { QatMlp, type QatTrainOptions } from './quant/qat';
export { DelayedScaling, type DelayedScalingOptions } from './quant/fp8_scaling';
export { trainMnistFp8Delayed, type Fp8TrainOptions, type Fp8TrainResult, type ScaleTrace } from './quant/fp8_training';
export {
  mxQuantize,
  mxSharedExponent,
  perTensorQuantize,
  quantError,
  MX_ELEMENT_FORMATS,
  MX_SCALE_RULES,
  type MxResult,
  type MxOptions,
  type MxScaleRule,
  type MxElementFormat,
  type PerTensorResult,
  type QuantError,
} from './quant/mx';
export {
  compareQuantization,
  Fp8Mlp,
  type QuantizationRow,
  type IntegerCheck,
  type CompareOptions,
} from './quant/compare';

// Notebook display: figures as data, tables and live progress through one bridge
export {
  lineFigure,
  barFigure,
  LiveDisplay,
  showFigure,
  showTable,
  showMarkdown,
  figureBundle,
  tableBundle,
  progressDisplay,
  spacing,
  spacingFigure,
  bitLayoutFigure,
  quantizationFigure,
  FitProgress,
  progressRecorder,
  lossCurvesFigure,
  log2HistogramFigure,
  lossScaleRecorder,
  lossScaleFigure,
  formatRangeFigure,
  scaleTraceFigure,
  type Figure,
  type Trace,
  type Cell,
  type ProgressLike,
  type SpacingSeries,
  type LossPoint,
  type LossRecord,
  type RecorderOptions,
  type ScaleStep,
} from './viz/index';
