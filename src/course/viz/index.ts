/** Figures as data (builders: numbers in, plotly spec out) and the notebook display bridge: what lessons call. */
export { lineFigure, barFigure } from './figure';
export { showFigure, showTable, showMarkdown, type Cell } from './display';
export { progressDisplay } from './progress';
export { spacing, spacingFigure, bitLayoutFigure } from './formats';
export { quantizationFigure } from './quantization';
export { FitProgress, progressRecorder, lossCurvesFigure } from './training';
export { log2HistogramFigure, lossScaleRecorder, lossScaleFigure } from './numerics';
export { formatRangeFigure, scaleTraceFigure } from './outlook';
