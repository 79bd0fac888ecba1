/** Figures as data (builders: numbers in, plotly spec out) and the notebook display bridge: what lessons call. */
export { lineFigure, barFigure, type Figure, type Trace } from './figure';
export { showFigure, showTable, showMarkdown, LiveDisplay, type Cell, type MimeBundle } from './display';
export { progressDisplay, type ProgressLike } from './progress';
export { numberLine, spacingFigure, bitLayoutFigure, type NumberLine, type SpacingFigureOptions } from './formats';
export { quantizationFigure, type QuantizationRow } from './quantization';
export { gridErrorFigure, staircaseFigure, batchScaleFigure } from './grids';
export { lostUpdatesFigure } from './master_weights';
export { autocastTable } from './autocast';
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
export {
  dotsFigure,
  stackedBarFigure,
  rooflineFigure,
  sensitivityHeatmapFigure,
  memoryCalculatorFigure,
  type MemorySetting,
  type Roof,
  type RooflinePoint,
} from './performance';
export { errorGrowthFigure } from './problems';
export { formatTradeoffFigure, seedSpreadFigure } from './recipes';
export { stressFigure } from './block';
