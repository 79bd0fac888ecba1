/**
 * The fallback of `npm start` without Jupyter: lesson 1 executed in-process by tslab and written as an HTML
 * page whose figures draw from the project's own plotly.js (checked in Chromium where it is installed).
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { loadQuestions, pointsOf } from '../../src/quiz/index';
import { ROOT } from './course';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const LESSON = '01_what_is_mixed_precision';

describe('lessons as HTML without Jupyter (npm run html)', function () {
  this.timeout(5 * 60_000);
  const page = path.join(ROOT, 'out', 'html', `${LESSON}.html`);

  before(() => {
    fs.rmSync(page, { force: true });
    const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const r = spawnSync(process.execPath, [tsx, 'scripts/notebooks/html.ts', `notebooks/${LESSON}.ipynb`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    console.log(r.stdout.replace(/^/gm, '      ').trimEnd());
    expect(r.status, r.stdout + r.stderr).to.equal(0);
  });

  it('writes the lesson with its text, outputs, figures and check reports', () => {
    const html = fs.readFileSync(page, 'utf8');
    expect(html).to.include('什么是混合精度训练');
    expect(html.match(/class="plot"/g)?.length ?? 0, 'figures').to.be.at.least(2);
    const l1q1 = loadQuestions().find((q) => q.id === 'l1.q1')!;
    expect(html).to.match(new RegExp(`l1\\.q1 [^<]*: 0/${pointsOf(l1q1)}<`)); // the stub scores 0
    expect(html).not.to.match(/class="stderr"/);
  });

  it('draws every figure in a browser from the local plotly.js', async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(`      skipped: no Chromium at ${CHROMIUM}`);
      this.skip();
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const tab = await browser.newPage();
      await tab.goto(`file://${page}`);
      const counts = (await tab.evaluate(
        `[document.querySelectorAll('.plot').length, [...document.querySelectorAll('.plot')].filter((p) => p.querySelector('svg.main-svg')).length]`,
      )) as [number, number];
      expect(counts[1], 'figures drawn').to.equal(counts[0]);
    } finally {
      await browser.close();
    }
  });
});
