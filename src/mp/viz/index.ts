/** Figures as data and the notebook display bridge. */
export { lineFigure, barFigure, type Figure, type Trace } from './figure';
export { LiveDisplay, showFigure, showTable, showMarkdown, figureBundle, tableBundle, type Cell } from './display';
export { progressDisplay, type ProgressLike } from './progress';
