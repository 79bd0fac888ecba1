/**
 * The precision library's public surface: every value and every type its signatures use, one group per folder
 * (ARCHITECTURE.md says what each holds). Anything not listed is internal: tests import it by path. The course
 * (MNIST experiments, lesson models, figures, the notebook display) lives in src/course and builds on this.
 * etc/mp.api.md is the reviewed report of this surface (npm run api).
 */
import './tfjs_internals'; // first: checks the tfjs release and quiets the cpu backend's greeting
import { fakeCast } from './ops/quantize';
import type { QuantErrorStats } from './quant/quant_error';

// 1. Errors: one family (MpError), each naming the valid choices
export { MpError, FormatError, OptionError, BackendError, PolicyError } from './errors';

// 2. Number formats: specs, rounding bit-identical to ml_dtypes, codes and fields (formats/)
export { FORMAT_NAMES, FLOAT_FORMAT_NAMES, getFormat, type FormatLike } from './formats/registry';
export type { Format, FloatFormat, IntFormat, FloatSpec, IntSpec, NanEncoding } from './formats/spec';
export { roundArray, roundValue } from './formats/round';
export {
  ROUNDING_MODES,
  OVERFLOW_MODES,
  type RoundOptions,
  type Rounding,
  type Overflow,
} from './formats/round_options';
export { encode, decode, decodeBits } from './formats/codec';
export { fields, type Fields, type ValueKind } from './formats/fields';

// 3. Tensors: the fake cast and the tfjs backend (ops/, backend/)
export {
  fakeCast,
  GRADIENT_MODES,
  IMPLEMENTATIONS,
  type FakeCastOptions,
  type GradientMode,
  type Implementation,
} from './ops/quantize';
/**
 * @deprecated Renamed fakeCast: torch's quantize maps to integers (affineQuantize here), this rounds to a float
 * format and stays float32. The old name goes in the next release.
 */
export const quantize = fakeCast;
export {
  useBackend,
  backendInfo,
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  type BackendOptions,
} from './backend/select';
export type { MatmulPath } from './backend/webgpu/select_path';
export { defaultWasmThreads } from './backend/wasm_threads';

// 4. Mixed precision training (amp/): policies, the autocast table, cast points, layers, loss scaling
export { policy, POLICY_NAMES, type Policy } from './amp/policy';
export {
  AUTOCAST_OPS,
  autocast,
  autocastFormat,
  type AutocastEntry,
  type CastRule,
  type TorchCategory,
} from './amp/autocast';
export { castToCompute } from './amp/cast';
export { matMul } from './amp/matmul';
export { MixedDense, DENSE_ACTIVATIONS, type DenseActivation, type MixedDenseArgs } from './amp/layers';
export {
  StaticLossScaler,
  DynamicLossScaler,
  DisabledLossScaler,
  LOSS_SCALE_PRESETS,
  type CountingScaler,
  type DeviceCounts,
  type DynamicLossScalerOptions,
  type LossScalePreset,
  type LossScaler,
  type ScalerStateDict,
  type ScalerStats,
} from './amp/loss_scaler';
export {
  lossScaleStep,
  onNumbers,
  type Arithmetic,
  type LossScaleRule,
  type ScaleChange,
  type ScaleState,
  type ScaleUpdate,
} from './amp/scale_rule';
export { LossScaleOptimizer, hasNonFinite, hasNonFiniteAsync, type NamedTensor } from './amp/optimizer';
export type { WeightUpdate } from './amp/weight_update';

// 5. Numerics instruments (numerics/): what a cast loses, histograms, memory, sums in a format
export { castStats, castStatsAsync, type CastStats } from './numerics/stats';
export { log2Histogram, type Log2Histogram, type Log2HistogramOptions } from './numerics/histogram';
export {
  memoryPlan,
  bytesPerValue,
  OPTIMIZERS,
  type MemoryPlan,
  type MemoryRow,
  type OptimizerKind,
} from './numerics/memory';
export {
  sumInFormat,
  partialSums,
  SUMMATION_METHODS,
  type PartialSums,
  type SumOptions,
  type SummationMethod,
} from './numerics/summation';

// 6. Quantization (quant/): torch.ao's qparams, observers and fake quantization; scaled formats after their
//    anchors: FP8 delayed scaling (Transformer Engine), MX (OCP), NVFP4, DeepSeek-V3's block FP8
export {
  QUANT_DTYPES,
  type ChannelQParams,
  type PerChannelQParams,
  type QParams,
  type QuantDtype,
  type TensorQParams,
} from './quant/qparams';
export { affineQuantize, fakeQuantize, fakeQuantizePerChannel, type IntegerArray } from './quant/fake_quant';
export {
  MinMaxObserver,
  MovingAverageMinMaxObserver,
  PerChannelMinMaxObserver,
  HistogramObserver,
  QSCHEMES,
  type ObserverBase,
  type ObserverOptions,
  type QScheme,
} from './quant/observers';
export {
  DelayedScaling,
  AMAX_COMPUTE_ALGOS,
  type AmaxComputeAlgo,
  type DelayedScalingOptions,
  type ScaleTrace,
} from './quant/fp8_scaling';
export {
  mxQuantize,
  perTensorQuantize,
  MX_FORMATS,
  MX_ELEMENT_FORMATS,
  MX_SCALE_RULES,
  type MxFormat,
  type MxOptions,
  type MxResult,
  type MxScaleRule,
  type PerTensorResult,
} from './quant/mx';
export type { QuantErrorStats } from './quant/quant_error';
/** @deprecated Renamed QuantErrorStats: it holds statistics, not a thrown error. The old name goes in the next release. */
export type QuantError = QuantErrorStats;
export { nvfp4Quantize, type Nvfp4Options, type Nvfp4Result } from './quant/nvfp4';
export {
  blockFp8Quantize,
  blockFp8MatMul,
  type BlockFp8Options,
  type BlockFp8Result,
  type BlockFp8MatMulOptions,
  type BlockFp8MatMulResult,
} from './quant/block_fp8';
