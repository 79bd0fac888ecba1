/**
 * The precision library's public surface. Each group is one folder; ARCHITECTURE.md says what each holds and
 * how they depend on one another. Anything not listed is internal: tests import it by path. The course (MNIST
 * experiments, lesson models, figures, the notebook display) lives in src/course and builds on this.
 */
import './tfjs_internals'; // first: checks the tfjs release and quiets the cpu backend's greeting

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
export { AUTOCAST_OPS, autocast, autocastFormat, type CastRule } from './amp/autocast';
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
export { LossScaleOptimizer, hasNonFinite, hasNonFiniteAsync } from './amp/optimizer';

// 5. Numerics instruments (numerics/): what a cast loses, sums in a format, memory, per-layer precision
export { castStats, castStatsAsync, valuesOfAsync } from './numerics/stats';
export { log2Histogram } from './numerics/histogram';
export { memoryPlan, bytesPerValue, type MemoryPlan } from './numerics/memory';
export { sumInFormat, partialSums, type SummationMethod, type PartialSums } from './numerics/summation';

// 6. Quantization (quant/): torch.ao's qparams, observers and fake quantization; FP8 delayed scaling; MX block
//    formats
export type { TensorQParams } from './quant/qparams';
export { affineQuantize, fakeQuantize, fakeQuantizePerChannel } from './quant/fake_quant';
export {
  MinMaxObserver,
  MovingAverageMinMaxObserver,
  PerChannelMinMaxObserver,
  HistogramObserver,
} from './quant/observers';
export { DelayedScaling } from './quant/fp8_scaling';
export { mxQuantize, perTensorQuantize, MX_ELEMENT_FORMATS, type MxScaleRule, type QuantError } from './quant/mx';
