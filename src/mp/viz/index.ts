/** Figures as data (builders: numbers in, plotly spec out) and the notebook display bridge. */
export { lineFigure, barFigure, type Figure, type Trace } from './figure';
export { LiveDisplay, showFigure, showTable, showMarkdown, figureBundle, tableBundle, type Cell } from './display';
export { progressDisplay, type ProgressLike } from './progress';
export { spacing, spacingFigure, bitLayoutFigure, type SpacingSeries } from './formats';
export { quantizationFigure } from './quantization';
export {
  FitProgress,
  progressRecorder,
  lossCurvesFigure,
  type LossPoint,
  type LossRecord,
  type RecorderOptions,
} from './training';
export { log2HistogramFigure, lossScaleRecorder, lossScaleFigure, type ScaleStep } from './numerics';
export { formatRangeFigure, scaleTraceFigure } from './outlook';
