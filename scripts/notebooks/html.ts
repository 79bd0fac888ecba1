/**
 * Executes lessons without Jupyter and writes each as a standalone HTML page in out/html: the fallback of
 * `npm start` where JupyterLab cannot be set up, and `npm run html` for a static copy of the course.
 *
 * It runs the cells in this process with tslab's own compiler and executor, as the course kernel does (so
 * from the course root, with the same TypeScript), catching what a cell prints and displays. Figures load
 * the project's own plotly.js by a relative path: open the pages from this folder, no server needed.
 *
 *     npm run html [-- NOTEBOOK.ipynb ...]      (default: every lesson)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { marked } from 'marked';

const ROOT = path.resolve(__dirname, '..', '..');
export const HTML_DIR = path.join(ROOT, 'out', 'html');
const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

type Bundle = Record<string, unknown>;
type Output = { kind: 'stream'; name: string; text: string } | { kind: 'display'; id?: string; data: Bundle };
interface Cell {
  cell_type: string;
  source: string | string[];
}

const text = (s: string | string[]): string => (Array.isArray(s) ? s.join('') : s);
const escapeHtml = (s: string): string => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

interface Tslab {
  execute(src: string): Promise<boolean>;
  capture(outputs: Output[]): () => void;
}

/** tslab's converter and executor, started in this process from the course root (as the kernel launcher does). */
function startTslab(): Tslab {
  process.chdir(ROOT);
  const tslab = path.join(ROOT, 'node_modules', 'tslab', 'dist');
  const { createConverter } = require(path.join(tslab, 'converter'));
  const { createExecutor } = require(path.join(tslab, 'executor'));
  const jupyter = require(path.join(tslab, 'jupyter')) as { lastWriteDisplayData: unknown };
  const node = createConverter({ isJS: false, isBrowser: false });
  const convs = { node, browser: node, close: () => node.close() };
  const executor = createExecutor(ROOT, convs, { log: console.log, error: console.error });
  return {
    execute: (src) => executor.execute(src),
    // While a cell runs, stdout, stderr and display messages go to its outputs (as tslab's kernel routes them).
    capture(outputs) {
      const saved = [process.stdout.write, process.stderr.write];
      const stream = (name: string) => (chunk: string | Uint8Array) => {
        outputs.push({ kind: 'stream', name, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString() });
        return true;
      };
      process.stdout.write = stream('stdout') as typeof process.stdout.write;
      process.stderr.write = stream('stderr') as typeof process.stderr.write;
      jupyter.lastWriteDisplayData = (msg: { data: Bundle; transient?: { display_id?: string } }, update: boolean) => {
        const id = msg.transient?.display_id;
        const earlier = update && id ? outputs.findIndex((o) => o.kind === 'display' && o.id === id) : -1;
        const output: Output = { kind: 'display', data: msg.data, ...(id ? { id } : {}) };
        if (earlier >= 0) outputs[earlier] = output;
        else outputs.push(output);
      };
      return () => {
        [process.stdout.write, process.stderr.write] = saved as [
          typeof process.stdout.write,
          typeof process.stderr.write,
        ];
      };
    },
  };
}

let plotCount = 0;

function renderOutput(o: Output): string {
  if (o.kind === 'stream') return `<pre class="${o.name}">${escapeHtml(o.text)}</pre>`;
  const d = o.data;
  if (d[PLOTLY_MIME]) {
    const id = `plot-${plotCount++}`;
    const fig = JSON.stringify(d[PLOTLY_MIME]).replace(/</g, '\\u003c');
    return `<div id="${id}" class="plot"></div><script>(function(){var f=${fig};Plotly.newPlot('${id}',f.data,f.layout);})();</script>`;
  }
  if (typeof d['text/html'] === 'string') return `<div class="html">${d['text/html']}</div>`;
  if (typeof d['text/markdown'] === 'string') return `<div class="md">${marked.parse(d['text/markdown'])}</div>`;
  return `<pre>${escapeHtml(String(d['text/plain'] ?? ''))}</pre>`;
}

function page(title: string, body: string): string {
  const plotly = path.relative(HTML_DIR, path.join(ROOT, 'node_modules', 'plotly.js-dist', 'plotly.js'));
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<script src="${plotly.split(path.sep).join('/')}"></script>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.45}pre{background:#f6f8fa;padding:.6em;overflow-x:auto}
.code pre{border-left:3px solid #1f77b4}.stderr{background:#fdd}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}
.plot{min-height:420px}</style></head><body>${body}</body></html>`;
}

export interface HtmlResult {
  readonly notebook: string;
  readonly file: string;
  readonly seconds: number;
  readonly plots: number;
  /** The first failing cell and what it wrote, or null. */
  readonly error: string | null;
}

/** Executes one notebook cell by cell and writes its page; stops at the first failing cell, as Run All does. */
async function toHtml(tslab: Tslab, file: string): Promise<HtmlResult> {
  const started = Date.now();
  const cells = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Cell[] }).cells;
  const parts: string[] = [];
  let error: string | null = null;
  const plotsBefore = plotCount;
  for (const [index, cell] of cells.entries()) {
    const source = text(cell.source);
    if (cell.cell_type === 'markdown') {
      parts.push(`<div class="md">${marked.parse(source)}</div>`);
      continue;
    }
    if (cell.cell_type !== 'code') continue;
    const outputs: Output[] = [];
    const release = tslab.capture(outputs);
    const ok = await tslab.execute(source).finally(release);
    parts.push(`<div class="code"><pre>${escapeHtml(source)}</pre>${outputs.map(renderOutput).join('')}</div>`);
    const stderr = outputs.filter((o) => o.kind === 'stream' && o.name === 'stderr');
    if (!ok || stderr.length > 0) {
      error = `cell ${index}: ${stderr.map((o) => (o.kind === 'stream' ? o.text : '')).join('')}`.trim();
      break;
    }
  }
  fs.mkdirSync(HTML_DIR, { recursive: true });
  const out = path.join(HTML_DIR, path.basename(file).replace(/\.ipynb$/, '.html'));
  fs.writeFileSync(out, page(path.basename(file), parts.join('\n')));
  return {
    notebook: path.basename(file),
    file: out,
    seconds: (Date.now() - started) / 1000,
    plots: plotCount - plotsBefore,
    error,
  };
}

/** Writes a page per notebook (default: every lesson) and reports each; true when every cell ran. */
export async function writeHtml(notebooks: string[] = []): Promise<boolean> {
  const lessons = path.join(ROOT, 'notebooks');
  const files = notebooks.length
    ? notebooks.map((n) => path.resolve(n))
    : fs
        .readdirSync(lessons)
        .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
        .sort()
        .map((f) => path.join(lessons, f));
  const tslab = startTslab();
  let allOk = true;
  for (const file of files) {
    const r = await toHtml(tslab, file);
    allOk &&= r.error === null;
    console.log(
      `${r.error ? 'FAILED' : 'ok    '} ${r.notebook}: ${r.seconds.toFixed(1)} s, ${r.plots} plots → ${path.relative(ROOT, r.file)}`,
    );
    if (r.error) console.log(`  ${r.error}`);
  }
  return allOk;
}

if (require.main === module) {
  writeHtml(process.argv.slice(2)).then(
    (ok) => process.exit(ok ? 0 : 1),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
