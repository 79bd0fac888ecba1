/**
 * Every lesson runs top to bottom through the Jupyter protocol (nbclient) on the course kernel with the
 * reference solutions in place of the exercises (the browser test runs them with the stub exercises a student
 * starts from), and then each Chinese lesson (notebooks/zh/) with the solutions, in the same copy of the course: they share the English
 * lessons' code, so their training runs come from the run cache the English ones filled, and only their run
 * time is added. Skips, and says why, where no Python with Jupyter is installed (scripts/setup-python.sh makes
 * one; CI always does).
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  courseCopy,
  executeNotebooks,
  jupyterEnv,
  checkScores,
  jupyterPython,
  LESSONS,
  readNotebook,
  ZH_LESSONS,
  type NotebookRun,
} from './course';

const found = jupyterPython();

/**
 * Each lesson's time (its first cell's too: the wait before a student sees anything) and the total, the figure
 * the README states.
 */
function report(runs: NotebookRun[], what = 'lessons'): string {
  const lines = runs.map(
    (r) =>
      `${r.notebook}: ${r.seconds} s (first cell ${r.cells[0]?.seconds ?? '–'} s), ${r.plots} plots` +
      (r.error ? ` — ${r.error}` : ''),
  );
  const total = runs.reduce((sum, r) => sum + r.seconds, 0);
  return [...lines, `all ${runs.length} ${what}: ${total.toFixed(0)} s (${(total / 60).toFixed(1)} min)`].join('\n');
}

/**
 * The Chinese lessons, executed in `course` after its English ones: full marks, and check() speaking Chinese (the
 * kernel reads the notebook's folder). Prints their time, the cost of running the Chinese edition too.
 */
function executeChinese(python: string, course: string): void {
  if (!ZH_LESSONS.length) return console.log('      no Chinese lessons (notebooks/zh/) to run');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-executed-zh-'));
  const { status, runs, output } = executeNotebooks(
    python,
    jupyterEnv(),
    ZH_LESSONS.map((l) => path.join(course, 'notebooks', l)),
    out,
  );
  console.log(report(runs, 'Chinese lessons').replace(/^/gm, '      '));
  expect(status, output).to.equal(0);
  for (const l of ZH_LESSONS) {
    const scores = checkScores(readNotebook(path.join(out, path.basename(l))));
    expect(scores.length, `${l}: check() reports shown`).to.be.at.least(4);
    expect(
      scores.filter((s) => s.earned !== s.points),
      `${l}: checks without full marks`,
    ).to.deep.equal([]);
    const shown = JSON.stringify(readNotebook(path.join(out, path.basename(l))).cells.map((c) => c.outputs ?? []));
    expect(shown, `${l}: check() in Chinese`).to.include('正确');
  }
}

describe('lessons executed through Jupyter (nbclient)', function () {
  this.timeout(20 * 60_000);
  before(function () {
    if ('reason' in found) {
      console.log(`      skipped: ${found.reason}`);
      this.skip();
    }
  });

  it('every cell of every lesson runs, with the solutions, and every check() gives full marks', () => {
    const python = (found as { python: string }).python;
    const course = courseCopy('solutions');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-executed-'));
    const notebooks = LESSONS.map((l) => path.join(course, 'notebooks', l));
    const { status, runs, output } = executeNotebooks(python, jupyterEnv(), notebooks, out);
    console.log(report(runs).replace(/^/gm, '      '));
    expect(status, output).to.equal(0);
    expect(runs.map((r) => r.notebook)).to.deep.equal(LESSONS);
    const scores = LESSONS.flatMap((l) => checkScores(readNotebook(path.join(out, l))));
    expect(scores.length, 'check() reports shown').to.be.at.least(LESSONS.length * 4);
    expect(
      scores.filter((s) => s.earned !== s.points),
      'checks without full marks',
    ).to.deep.equal([]);
    executeChinese(python, course);
  });

  it("runs wasm's threaded build in the kernel where MP_WASM_THREADS asks for it", () => {
    const python = (found as { python: string }).python;
    const course = courseCopy('solutions');
    const code = (id: string, source: string) => ({ id, cell_type: 'code', metadata: {}, outputs: [], source });
    const notebook = {
      ...readNotebook(path.join(course, 'notebooks', LESSONS[0]!)),
      cells: [
        code('start', "import * as mp from './src/course/index';\nawait mp.useBackend();"),
        code(
          'train',
          "const r = await mp.trainMnist({ policy: 'mixed_float16', epochs: 1, trainLimit: 4096 });\n" +
            'if (mp.backendInfo().wasmThreads !== 2 || !(r.testAccuracy > 0.7)) throw new Error(mp.backendInfo().summary);',
        ),
      ],
    };
    const file = path.join(course, 'notebooks', 'threads.ipynb');
    fs.writeFileSync(file, JSON.stringify(notebook));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-executed-'));
    const { status, output } = executeNotebooks(python, { ...jupyterEnv(), MP_WASM_THREADS: '2' }, [file], out);
    expect(status, output).to.equal(0);
  });
});
