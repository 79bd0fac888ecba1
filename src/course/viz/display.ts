/**
 * The one bridge from the library to a notebook's outputs (tslab). Cells call these and never build MIME
 * bundles themselves. Outside a running kernel (a script, a test) each prints a short text instead.
 */
import type { Figure } from './figure';

const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
/** The project's own plotly.js, served by Jupyter from the course root: never a CDN. */
const PLOTLY_PATH = 'files/node_modules/plotly.js-dist/plotly.js';

/** A Jupyter MIME bundle: the display data of one output, by MIME type. */
export type MimeBundle = Record<string, unknown>;
type WriteDisplayData = (
  data: { data: MimeBundle; metadata: MimeBundle; transient: { display_id?: string } },
  update: boolean,
) => void;

/** tslab's writer of display_data messages, when this process is a tslab kernel. */
function kernelWriter(): WriteDisplayData | undefined {
  try {
    return (require('tslab/dist/jupyter') as { lastWriteDisplayData?: WriteDisplayData }).lastWriteDisplayData;
  } catch {
    return undefined;
  }
}

let nextId = 0;
const newId = (): string => `mp-${process.pid}-${Date.now().toString(36)}-${nextId++}`;

/**
 * The least time between two writes of one display: tslab sends each on a zeromq socket without waiting, and
 * zeromq refuses a send while the last is in flight (EBUSY, an error that kills the kernel).
 */
const MIN_UPDATE_MS = 100;

/**
 * A display that can be replaced in place (as tslab.newDisplay does), with several MIME types in one bundle.
 * Updates come at most every MIN_UPDATE_MS: one that comes sooner waits, replaced by any later one, so the last
 * bundle shown is always the last one given. `show` returns false outside a kernel.
 */
export class LiveDisplay {
  private readonly id = newId();
  private shown = false;
  private lastWrite = 0;
  /** The bundle an update waits to show, replaced by any later one. */
  private pending: MimeBundle | undefined;

  show(bundle: MimeBundle): boolean {
    const write = kernelWriter();
    if (!write) return false;
    const wait = this.lastWrite + MIN_UPDATE_MS - Date.now();
    if (this.pending) this.pending = bundle;
    else if (this.shown && wait > 0) {
      this.pending = bundle;
      setTimeout(() => {
        const latest = this.pending!;
        this.pending = undefined;
        this.write(write, latest);
      }, wait);
    } else this.write(write, bundle);
    return true;
  }

  private write(write: WriteDisplayData, bundle: MimeBundle): void {
    write({ data: bundle, metadata: {}, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
    this.lastWrite = Date.now();
  }
}

const escapeHtml = (s: string): string =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

function titleOf(fig: Figure): string {
  const t = fig.layout.title;
  return typeof t === 'string' ? t : (t?.text ?? 'figure');
}

/**
 * HTML for front ends without a plotly renderer (classic Notebook): loads the local plotly.js through
 * require.js where the page has it, else with a script tag, and draws the figure.
 */
function plotlyHtml(fig: Figure, id: string): string {
  const spec = JSON.stringify(fig).replace(/</g, '\\u003c');
  return `<div id="${id}" style="min-height:420px"></div>
<script>(function () {
  var fig = ${spec};
  var base = (document.body && document.body.getAttribute('data-base-url')) || '/';
  var draw = function (P) { (P || window.Plotly).newPlot('${id}', fig.data, fig.layout); };
  if (window.Plotly) return draw(window.Plotly);
  if (typeof require === 'function' && require.config) {
    require.config({ paths: { plotly: base + '${PLOTLY_PATH.replace(/\.js$/, '')}' } });
    return require(['plotly'], draw);
  }
  var s = document.createElement('script');
  s.src = base + '${PLOTLY_PATH}';
  s.onload = function () { draw(window.Plotly); };
  document.head.appendChild(s);
})();</script>`;
}

/** The MIME bundle of a figure: plotly's JSON (as an object, never a string: a string renders nothing) and HTML. */
export function figureBundle(fig: Figure, id = newId()): MimeBundle {
  return {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout },
    'text/html': plotlyHtml(fig, id),
    'text/plain': `<plotly figure: ${titleOf(fig)}>`,
  };
}

/** Shows a plotly figure (in place of an earlier one when given that figure's LiveDisplay). */
export function showFigure(fig: Figure, into: LiveDisplay = new LiveDisplay()): void {
  if (!into.show(figureBundle(fig))) console.log(`[figure] ${titleOf(fig)}`);
}

export type Cell = string | number | boolean | null | undefined;

function cellText(v: Cell): string {
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : v.toPrecision(6);
  return v === null || v === undefined ? '' : String(v);
}

/** An HTML table of rows (objects with the same keys), with a plain-text copy. */
export function tableBundle(rows: readonly Readonly<Record<string, Cell>>[], caption?: string): MimeBundle {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td>${escapeHtml(cellText(r[c]))}</td>`).join('')}</tr>`)
    .join('');
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : '';
  const text = [columns.join('\t'), ...rows.map((r) => columns.map((c) => cellText(r[c])).join('\t'))].join('\n');
  return {
    'text/html': `<table>${cap}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
    'text/plain': (caption ? caption + '\n' : '') + text,
  };
}

export function showTable(rows: readonly Readonly<Record<string, Cell>>[], caption?: string): void {
  const bundle = tableBundle(rows, caption);
  if (!new LiveDisplay().show(bundle)) console.log(bundle['text/plain']);
}

/** Markdown computed from results (a sentence with measured numbers in it). */
export function showMarkdown(markdown: string): void {
  if (!new LiveDisplay().show({ 'text/markdown': markdown, 'text/plain': markdown })) console.log(markdown);
}
