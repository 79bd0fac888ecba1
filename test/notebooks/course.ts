/**
 * Helpers for the tests that run the course through Jupyter: the lessons, the Python with Jupyter in it, a
 * registered kernel, and temporary copies of the course (so that nothing a test runs can change the repo).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installKernel } from '../../scripts/kernel/kernelspec';
import { findPython } from '../../scripts/course/python';

export const ROOT = path.join(__dirname, '..', '..');
export const LESSONS = fs
  .readdirSync(path.join(ROOT, 'notebooks'))
  .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
  .sort();

/** The lessons that have a Chinese twin in notebooks/zh/ (same file name), as paths under notebooks/. */
export const ZH_LESSONS = LESSONS.filter((l) => fs.existsSync(path.join(ROOT, 'notebooks', 'zh', l))).map((l) =>
  path.join('zh', l),
);

export interface Notebook {
  metadata: { kernelspec?: { name?: string; display_name?: string; language?: string } };
  nbformat_minor?: number;
  cells: {
    id?: string;
    cell_type: string;
    source: string | string[];
    outputs?: unknown[];
    execution_count?: number | null;
  }[];
}

export function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
}

/** A Python with JupyterLab and nbclient (the project's .venv in CI), or why there is none. */
export function jupyterPython(): { python: string } | { reason: string } {
  return findPython(['jupyterlab', 'nbclient', 'plotly']);
}

/** Jupyter's folders under a fresh temporary folder, with the course kernel registered there. */
export function jupyterEnv(): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-jupyter-'));
  const env = {
    ...process.env,
    JUPYTER_DATA_DIR: path.join(home, 'data'),
    JUPYTER_CONFIG_DIR: path.join(home, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(home, 'runtime'),
    IPYTHONDIR: path.join(home, 'ipython'),
  };
  const saved = process.env.JUPYTER_DATA_DIR;
  process.env.JUPYTER_DATA_DIR = env.JUPYTER_DATA_DIR;
  installKernel();
  process.env.JUPYTER_DATA_DIR = saved;
  if (saved === undefined) delete process.env.JUPYTER_DATA_DIR;
  return env;
}

/**
 * A copy of the course in a temporary folder: package.json, tsconfig.json, src, scripts, notebooks, the
 * kernel's library bundle where built, the exercises folder taken from `exercises` (the stubs, or solutions/
 * for "every check shows full marks"), and the repo's node_modules linked in.
 */
export function courseCopy(exercises: 'exercises' | 'solutions', parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, `mp-course-${exercises}-`));
  for (const item of ['package.json', 'tsconfig.json', 'src', 'scripts', 'notebooks'])
    fs.cpSync(path.join(ROOT, item), path.join(dir, item), { recursive: true });
  // the kernel's library bundle, if built: the copy's kernel rebuilds it only where src/ differs
  if (fs.existsSync(path.join(ROOT, 'dist', 'kernel')))
    fs.cpSync(path.join(ROOT, 'dist', 'kernel'), path.join(dir, 'dist', 'kernel'), { recursive: true });
  fs.cpSync(path.join(ROOT, exercises), path.join(dir, 'exercises'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
  return dir;
}

export interface NotebookRun {
  notebook: string;
  seconds: number;
  plots: number;
  cells: { index: number; seconds: number }[];
  error: string | null;
}

/** Executes notebooks through nbclient (scripts/notebooks/execute.py); its report lines stream to stdout. */
export function executeNotebooks(
  python: string,
  env: NodeJS.ProcessEnv,
  notebooks: string[],
  outDir: string,
): { status: number | null; runs: NotebookRun[]; output: string } {
  const r = spawnSync(python, [path.join(ROOT, 'scripts', 'notebooks', 'execute.py'), '--out', outDir, ...notebooks], {
    env,
    encoding: 'utf8',
  });
  const summary = path.join(outDir, 'summary.json');
  const runs = fs.existsSync(summary) ? (JSON.parse(fs.readFileSync(summary, 'utf8')) as NotebookRun[]) : [];
  return { status: r.status, runs, output: r.stdout + r.stderr };
}

/** Scores in an executed notebook: the "<b>l1.q1 title: 4/4</b>" headlines that check() displays. */
export function checkScores(notebook: Notebook): { id: string; earned: number; points: number }[] {
  const text = JSON.stringify(notebook.cells.map((c) => c.outputs ?? []));
  return [...text.matchAll(/<b>(l\d\.[qc]\d) .*?: (\d+)\/(\d+)<\/b>/g)].map((m) => ({
    id: m[1]!,
    earned: Number(m[2]),
    points: Number(m[3]),
  }));
}
