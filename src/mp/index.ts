/**
 * The precision library's public surface. Each group is one folder; ARCHITECTURE.md says what each holds and
 * how they depend on one another. Anything not listed is internal: tests import it by path. The course (MNIST
 * experiments, lesson models, figures, the notebook display) lives in src/course and builds on this.
 */
import './quiet';

// 1. Errors: one family (MpError), each naming the valid choices
export { MpError, FormatError, OptionError, BackendError, PolicyError } from './errors';

// 2. Number formats: specs, rounding bit-identical to ml_dtypes, codes and fields (formats/)
export { FORMAT_NAMES, FLOAT_FORMAT_NAMES, getFormat } from './formats/registry';
export type { FloatFormat } from './formats/spec';
export { roundArray, roundValue } from './formats/round';
export { encode, decode, decodeBits } from './formats/codec';
export { fields } from './formats/fields';

// 3. Tensors: the quantize op and the tfjs backend (ops/, backend/)
export { quantize } from './ops/quantize';
export {
  useBackend,
  backendInfo,
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  type BackendOptions,
} from './backend/select';
export { defaultWasmThreads, MAX_WASM_THREADS } from './backend/wasm_threads';

// 4. Mixed precision training (amp/): policies, the autocast table, cast points, layers, loss scaling
export { policy, POLICY_NAMES } from './amp/policy';
export { AUTOCAST_OPS, autocast, autocastFormat, type CastRule, type TorchCategory } from './amp/autocast';
export { castToCompute } from './amp/cast';
export { matMul } from './amp/matmul';
export { MixedDense } from './amp/layers';
export {
  StaticLossScaler,
  DynamicLossScaler,
  DisabledLossScaler,
  LOSS_SCALE_PRESETS,
  type LossScaler,
  type ScalerStats,
} from './amp/loss_scaler';
export { lossScaleStep, onNumbers, onTensors, type LossScaleRule } from './amp/scale_rule';
export { LossScaleOptimizer, hasNonFinite, hasNonFiniteAsync } from './amp/optimizer';

// 5. Numerics instruments (numerics/): what a cast loses, sums in a format, memory, per-layer precision
export { castStats, castStatsAsync, valuesOf, valuesOfAsync } from './numerics/stats';
export { log2Histogram } from './numerics/histogram';
export { memoryPlan, bytesPerValue, type MemoryPlan } from './numerics/memory';
export { sumInFormat, partialSums, type SummationMethod, type PartialSums } from './numerics/summation';

// 6. Quantization (quant/): torch.ao's qparams, observers and fake quantization; scaled formats after their
//    anchors: FP8 delayed scaling (Transformer Engine), MX (OCP), NVFP4, DeepSeek-V3's block FP8
export type { TensorQParams } from './quant/qparams';
export { affineQuantize, fakeQuantize, fakeQuantizePerChannel } from './quant/fake_quant';
export {
  MinMaxObserver,
  MovingAverageMinMaxObserver,
  PerChannelMinMaxObserver,
  HistogramObserver,
} from './quant/observers';
export { DelayedScaling, AMAX_COMPUTE_ALGOS, type AmaxComputeAlgo } from './quant/fp8_scaling';
export {
  mxQuantize,
  perTensorQuantize,
  MX_FORMATS,
  MX_ELEMENT_FORMATS,
  type MxFormat,
  type MxScaleRule,
  type MxResult,
} from './quant/mx';
export type { QuantError } from './quant/quant_error';
export { nvfp4Quantize, type Nvfp4Result } from './quant/nvfp4';
export { blockFp8Quantize, blockFp8MatMul, type BlockFp8Result } from './quant/block_fp8';
