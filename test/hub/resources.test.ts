/** npm run resources: memory and CPU per lesson from /proc, and the singleuser limits they suggest. */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { descendants, procAvailable, usage } from '../../scripts/hub/proc';
import { suggestLimits, type LessonCost } from '../../scripts/hub/sizing';
import { jupyterPython, ROOT } from '../notebooks/course';

const cost = (notebook: string, treePeakMiB: number, cpuSeconds: number): LessonCost => ({
  notebook,
  seconds: 10,
  cpuSeconds,
  kernelPeakMiB: treePeakMiB - 50,
  treePeakMiB,
});

describe('resources per student (npm run resources)', function () {
  this.timeout(10 * 60_000);

  it('suggests a guarantee for one lesson and a limit for two kernels, in 128 MiB steps', () => {
    const limits = suggestLimits([cost('01', 700, 12), cost('02', 1000, 9)], 90);
    expect(limits).to.include({ memGuaranteeMiB: 1152, memLimitMiB: 2176, cpuLimit: 1.5 });
    expect(limits.text).to.include('guarantee: 1152M').and.include('limit: 2176M');
  });

  it('reads a process and its children from /proc', function () {
    if (!procAvailable()) this.skip();
    const own = usage(process.pid)!;
    expect(own.peakRss)
      .to.be.at.least(own.rss)
      .and.above(10 << 20);
    expect(own.cpuSeconds).to.be.above(0);
    expect(descendants(process.pid)).to.be.an('array');
  });

  it('measures lesson 1 and the server, and writes them as JSON', function () {
    const found = jupyterPython();
    if ('reason' in found || !procAvailable()) {
      console.log(`      skipped: ${'reason' in found ? found.reason : 'no /proc'}`);
      this.skip();
    }
    const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mp-resources-')), 'resources.json');
    const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const r = spawnSync(process.execPath, [tsx, 'scripts/hub/resources.ts', '--lessons', '01', '--json', json], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    console.log(r.stdout.trim().replace(/^/gm, '      '));
    const measured = JSON.parse(fs.readFileSync(json, 'utf8')) as { lessons: LessonCost[]; serverMiB: number };
    const [lesson] = measured.lessons;
    expect(lesson!.notebook).to.equal('01_what_is_mixed_precision.ipynb');
    expect(lesson!.kernelPeakMiB, 'a Node kernel with TypeScript loaded').to.be.above(100);
    expect(lesson!.treePeakMiB).to.be.at.least(lesson!.kernelPeakMiB);
    expect(lesson!.cpuSeconds).to.be.above(1);
    expect(measured.serverMiB).to.be.above(30);
  });
});
