/**
 * What the lessons import: the precision library (src/mp) and the course built on it: the MNIST experiments,
 * the lesson models, the figures and the notebook display bridge. A notebook imports this one module.
 */
export * from '../mp/index';

// Figures and the notebook display (viz/): figures as data, tables and live progress through one bridge
export * from './viz/index';

// The lesson models (models/): dense stacks for int8, PTQ, QAT and FP8 inference
export { denseStackOf, denseForward, type DenseLayerWeights } from './models/stack';
export { Int8Mlp, quantizeWeights, toInt8Layers } from './models/int8';
export { staticQuantize, DynamicInt8Mlp } from './models/ptq';
export { QatMlp } from './models/qat';
export { Fp8Mlp } from './models/fp8_mlp';

// The MNIST experiments (experiments/): the seed's model and the runs the lessons measure
export { precisionSearch } from './experiments/precision_search';
export { loadMnist, type MnistSplit } from './experiments/mnist';
export { SEED_MLP, buildMlp, softmaxLoss, forward, accuracy, accuracyAsync } from './experiments/seed_mlp';
export { trainMnist, type TrainOptions, type TrainResult, type Progress } from './experiments/train';
export { describeCache, type CacheInfo } from './experiments/run_cache';
export { timeTrainingSteps } from './experiments/step_time';
export {
  compareTimings,
  summarizeTimings,
  type TimedAlternative,
  type TimingComparison,
  type TimingVerdict,
} from './experiments/timing';
export { trainMnistFp8Delayed } from './experiments/fp8_training';
export { compareQuantization } from './experiments/compare_quantization';

// Measured data the lessons show (data/): PyTorch's speed figures on a GPU, with their captions
export { readGpuSpeed, describeLayers, GpuSpeed } from './data/gpu_speed';
export {
  MATMUL_DTYPES,
  GPU_POLICIES,
  type GpuPolicy,
  type GpuSpeedFile,
  type MatmulDtype,
  type TimedModel,
} from './data/gpu_speed_file';
