/** Figures as data (builders: numbers in, plotly spec out) and the notebook display bridge: what lessons call. */
export { lineFigure, barFigure, type Figure, type Trace } from './figure';
export { showFigure, showTable, showMarkdown, LiveDisplay, type Cell, type MimeBundle } from './display';
export { progressDisplay, type ProgressLike } from './progress';
export { numberLine, spacingFigure, bitLayoutFigure, type NumberLine } from './formats';
export { quantizationFigure, type QuantizationRow } from './quantization';
export {
  FitProgress,
  progressRecorder,
  lossCurvesFigure,
  type LossPoint,
  type Logs,
  type LossRecord,
  type RecorderOptions,
} from './training';
export { log2HistogramFigure, lossScaleRecorder, lossScaleFigure, type ScaleStep } from './numerics';
export { formatRangeFigure, scaleTraceFigure } from './outlook';
export { stressFigure } from './block';
