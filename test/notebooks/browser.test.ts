/**
 * The lessons in a real JupyterLab, driven by headless Chromium (playwright-core), with the stub exercises a
 * student starts from: each lesson opens, runs all its cells, and shows no error; every check() cell reports and
 * no exercise scores before it is solved; every plotly figure the kernel sent is drawn; so does the first Chinese
 * lesson (notebooks/zh/), whose check() cells answer in Chinese. Screenshots go to out/screenshots. Skips, and
 * says why, without a Python with JupyterLab or without Chromium.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { checkScores, courseCopy, jupyterEnv, jupyterPython, LESSONS, readNotebook, ROOT, ZH_LESSONS } from './course';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'out', 'screenshots');
const PLOTLY = 'application/vnd.plotly.v1+json';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** User settings for the test's JupyterLab: no news popup, every cell rendered (no windowing), no debugger. */
function labSettings(env: NodeJS.ProcessEnv): void {
  const settings = path.join(env.JUPYTER_CONFIG_DIR!, 'lab', 'user-settings', '@jupyterlab');
  const write = (file: string, value: unknown): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value));
  };
  write(path.join(settings, 'apputils-extension', 'notification.jupyterlab-settings'), { fetchNews: 'false' });
  write(path.join(settings, 'notebook-extension', 'tracker.jupyterlab-settings'), { windowingMode: 'none' });
  write(path.join(env.JUPYTER_CONFIG_DIR!, 'labconfig', 'page_config.json'), {
    disabledExtensions: { '@jupyterlab/debugger-extension': true },
  });
}

interface CellState {
  prompts: string[];
  stderr: number;
  plots: number;
}

// Browser-side snippets, as strings: the project compiles without DOM types (as tslab does).
// Everything is looked up inside the visible notebook panel.
const PANEL = '.jp-NotebookPanel:not(.lm-mod-hidden)';
const CELL_STATE = `((panel) => ({
  prompts: [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent || ''),
  stderr: panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
  plots: [...panel.querySelectorAll('.jp-RenderedPlotly')].filter((p) => p.querySelector('svg.main-svg')).length,
}))(document.querySelector('${PANEL}'))`;
const KERNEL_STATUS = `window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status`;
const command = (id: string): string => `window.jupyterapp.commands.execute(${JSON.stringify(id)})`;

const cellState = (page: Page): Promise<CellState> => page.evaluate(CELL_STATE) as Promise<CellState>;

describe('lessons in JupyterLab, in headless Chromium', function () {
  this.timeout(30 * 60_000);
  const found = jupyterPython();
  let lab: ChildProcess | undefined;
  let browser: Browser | undefined;
  let base = '';
  let course = '';
  let labLog = '';

  before(async function () {
    const missing = 'reason' in found ? found.reason : !fs.existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : '';
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    course = courseCopy('exercises');
    const env = jupyterEnv();
    labSettings(env);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    lab = spawn(
      (found as { python: string }).python,
      [
        '-m',
        'jupyter',
        'lab',
        '--no-browser',
        '--ip=127.0.0.1',
        `--port=${port}`,
        '--allow-root',
        `--ServerApp.root_dir=${course}`,
        '--ServerApp.token=',
        '--ServerApp.password=',
        '--LabApp.expose_app_in_browser=True',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    lab.stderr!.on('data', (d: Buffer) => (labLog = (labLog + d.toString()).slice(-20_000)));
    await waitFor('JupyterLab to answer /api/status', 60_000, async () =>
      (await fetch(`${base}/api/status`)).ok ? true : undefined,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    lab?.kill('SIGTERM');
  });

  /** Opens `lesson` (a path under notebooks/) in a workspace of its own, runs all, and checks what it shows. */
  async function runAll(lesson: string, workspace: string): Promise<string> {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const started = Date.now();
    // A workspace of its own, reset: JupyterLab would otherwise reopen the previous lessons' tabs too.
    await page.goto(`${base}/lab/workspaces/${workspace}/tree/notebooks/${lesson}?reset`);
    await page.waitForSelector(`${PANEL} .jp-CodeCell`, { timeout: 60_000 });
    await waitFor('the kernel to be idle', 60_000, async () =>
      (await page.evaluate(KERNEL_STATUS)) === 'idle' ? true : undefined,
    );
    await page.evaluate(command('runmenu:run-all'));
    const state = await waitFor('every cell to run', 8 * 60_000, async () => {
      const s = await cellState(page);
      return s.stderr > 0 || (s.prompts.length > 0 && s.prompts.every((p) => /\[\d+\]/.test(p))) ? s : undefined;
    });
    await page.evaluate(command('docmanager:save'));
    await page.waitForTimeout(1000);
    const shot = path.join(SHOTS, lesson.replace(/\//g, '-').replace('.ipynb', '.png'));
    // The lesson's last figure in view in JupyterLab, and each figure on its own.
    const plots = page.locator(`${PANEL} .jp-RenderedPlotly`);
    if (await plots.count()) await plots.last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot });
    for (let k = 0; k < (await plots.count()); k++)
      await plots.nth(k).screenshot({ path: shot.replace('.png', `-figure${k + 1}.png`) });
    const saved = readNotebook(path.join(course, 'notebooks', lesson));
    const sent = saved.cells
      .flatMap((c) => (c.outputs ?? []) as { data?: Record<string, unknown> }[])
      .filter((o) => o.data?.[PLOTLY]).length;
    console.log(
      `      ${lesson}: ${((Date.now() - started) / 1000).toFixed(0)} s, ${state.prompts.length} code cells, ${state.plots}/${sent} figures drawn`,
    );
    await page.close();
    for (const k of (await (await fetch(`${base}/api/kernels`)).json()) as { id: string }[])
      await fetch(`${base}/api/kernels/${k.id}`, { method: 'DELETE' });
    expect(state.stderr, 'cells showing an error (stderr)').to.equal(0);
    expect(
      state.prompts.filter((p) => !/\[\d+\]/.test(p)),
      'cells that did not run',
    ).to.deep.equal([]);
    expect(sent, 'figures in the saved notebook').to.be.greaterThan(0);
    expect(state.plots, 'figures drawn (svg.main-svg)').to.equal(sent);
    expect(pageErrors, 'errors thrown in the page').to.deep.equal([]);
    // the stubs: every check() cell reports, and no exercise scores before it is solved
    const scores = checkScores(saved);
    expect(scores.length, 'check() reports shown').to.be.at.least(4);
    expect(
      scores.filter((s) => s.id.includes('.q') && s.earned !== 0),
      'stubs that score',
    ).to.deep.equal([]);
    return JSON.stringify(saved.cells.map((c) => c.outputs ?? []));
  }

  for (const [i, lesson] of LESSONS.entries()) {
    it(`${lesson}: Run All runs every cell, shows no error, and draws every figure`, async () => {
      await runAll(lesson, `lesson${i + 1}`);
    });
  }

  const zh = ZH_LESSONS[0];
  if (zh)
    it(`${zh}: the Chinese lesson runs the same way, and its check() cells answer in Chinese`, async () => {
      // the stubs: check() says each exercise is not implemented yet, in the lesson's language
      expect(await runAll(zh, 'zh')).to.include('尚未实现');
    });
});
