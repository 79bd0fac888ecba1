import { expect } from 'chai';
import {
  adamStepsInFormat,
  barFigure,
  emaInFormat,
  errorGrowthFigure,
  logitGradients,
  buildMlp,
  compareQuantization,
  compareTimings,
  DynamicLossScaler,
  lineFigure,
  log2HistogramFigure,
  lossCurvesFigure,
  lossScaleRecorder,
  OptionError,
  precisionSearch,
  progressRecorder,
  numberLine,
  spacingFigure,
  timeAlternatives,
  stressFigure,
  timeTrainingSteps,
  trainBlock,
  TransformerBlock,
  trainMnist,
  trainMnistFp8,
  useBackend,
  dotsFigure,
  stackedBarFigure,
  windowLossRecorder,
  trainingMemory,
  gradientReduceError,
  TRANSFORMER_SHAPES,
} from '../../src/course/index';
import { fineTuneQat } from '../../src/course/experiments/qat';
import type { QatMlp } from '../../src/course/models/qat';
import type { MnistSplit } from '../../src/course/experiments/mnist';
import type * as tf from '@tensorflow/tfjs';

describe('every public function of the course rejects an unknown option', () => {
  before(async () => {
    await useBackend('cpu');
  });

  const none = undefined as never;
  const calls: Record<string, (bogus: object) => unknown> = {
    trainMnist: (o) => trainMnist(o),
    trainMnistFp8: (o) => trainMnistFp8(o),
    timeTrainingSteps: (o) => timeTrainingSteps(['float32'], o),
    timeAlternatives: (o) => timeAlternatives({ a: () => 0, b: () => 0 }, o),
    compareTimings: (o) =>
      compareTimings(
        ['a', 'b'].map((policy) => ({ policy, samples: [1, 1, 1, 1, 1] })),
        o,
      ),
    fineTuneQat: (o) => fineTuneQat(none as QatMlp, none as MnistSplit, o),
    compareQuantization: (o) => compareQuantization(none as tf.Sequential, o),
    precisionSearch: (o) => precisionSearch([], { images: new Float32Array(0), labels: new Uint8Array(0) }, o),
    buildMlp: (o) => buildMlp('float32', o),
    lineFigure: (o) => lineFigure('t', [1], { a: [1] }, o),
    barFigure: (o) => barFigure('t', ['a'], { a: [1] }, o),
    log2HistogramFigure: (o) => log2HistogramFigure('t', {}, o),
    lossCurvesFigure: (o) => lossCurvesFigure('t', [], o),
    lossScaleRecorder: (o) => lossScaleRecorder(new DynamicLossScaler(), o),
    progressRecorder: (o) => progressRecorder('run', o),
    numberLine: (o) => numberLine('float16', o),
    spacingFigure: (o) => spacingFigure(['float16'], o),
    dotsFigure: (o) => dotsFigure('t', { a: [1] }, o),
    stackedBarFigure: (o) => stackedBarFigure('t', ['a'], { s: [1] }, o),
    windowLossRecorder: (o) => windowLossRecorder('run', o),
    trainingMemory: (o) => trainingMemory(TRANSFORMER_SHAPES[0]!, { precision: 'mixed', tokens: 1, batch: 1, ...o }),
    gradientReduceError: (o) => gradientReduceError({ ranks: 2, format: 'bfloat16', ...o }),
    errorGrowthFigure: (o) => errorGrowthFigure('t', [1], { a: [1] }, {}, o),
    adamStepsInFormat: (o) => adamStepsInFormat([1], { format: 'float16', ...o }),
    emaInFormat: (o) => emaInFormat([1], { beta: 0.9, format: 'float16', ...o }),
    logitGradients: (o) => logitGradients({ vocab: 2, tokens: 1, ...o }),
    trainBlock: (o) => trainBlock(o),
    TransformerBlock: (o) => new TransformerBlock({ vocab: 2, length: 2, ...o }),
    rescaled: (o) => new TransformerBlock({ vocab: 2, length: 2 }).rescaled(o),
    stressFigure: (o) => stressFigure('t', [{ scale: 1, accuracy: {}, nonFinite: {} }], o),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(name, async () => {
      let error: unknown;
      try {
        await call({ bogusOption: 1 });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(OptionError);
      expect((error as OptionError).message).to.match(/no option "bogusOption". Valid options: \w/);
    });
  }
});
