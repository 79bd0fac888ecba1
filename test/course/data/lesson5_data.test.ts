/**
 * The readers of lesson 5's data: the committed seed study (accuracy_seeds.json), and gpu_checklist.json as
 * bench/gpu_checklist.py writes it (a CPU smoke run where torch is installed).
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadGpuChecklist, OptionError, readGpuChecklist, readSeedStudy } from '../../../src/course/index';
import { packBits, unpackBits } from '../../../src/course/data/accuracy_seeds';
import { findPython } from '../../../scripts/course/python';

const ROOT = path.join(__dirname, '..', '..', '..');
const seeds = (): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', 'data', 'accuracy_seeds.json'), 'utf8'));

describe('readSeedStudy', () => {
  it('reads the committed study: every setting at every seed, each with a score per test image', () => {
    const study = readSeedStudy(seeds());
    expect(study.settings[0]).to.equal('float32');
    for (const setting of study.settings) {
      expect(study.accuracies(setting)).to.have.length(study.data.seeds.length);
      const correct = study.correct(setting, study.data.seeds[0]!);
      const share = correct.reduce((s, x) => s + x, 0) / correct.length;
      expect(share).to.be.closeTo(study.run(setting, study.data.seeds[0]!).testAccuracy, 1e-12);
    }
  });

  it('packs and unpacks scores bit for bit', () => {
    const bits = Uint8Array.from({ length: 37 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    expect(Array.from(unpackBits(packBits(bits), 37))).to.deep.equal(Array.from(bits));
  });

  it('names what is wrong in a malformed file', () => {
    const broken = seeds();
    (broken.runs as { correct: string }[])[0]!.correct = 'AAAA';
    expect(() => readSeedStudy(broken)).to.throw(OptionError, /correct must be 1250 bytes/);
    expect(() => readSeedStudy({ ...seeds(), schema: 2 })).to.throw(OptionError, /schema must be 1/);
    expect(() => readSeedStudy(seeds()).run('float64', 0)).to.throw(OptionError, /setting must be one of/);
  });
});

describe('readGpuChecklist', function () {
  this.timeout(180_000);
  const python = findPython(['torch', 'numpy']);
  let file = '';

  before(function () {
    if ('reason' in python) {
      console.log(`      skipped: ${python.reason}`);
      this.skip();
    }
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'checklist-')), 'gpu_checklist.json');
    const r = spawnSync(
      python.python,
      [path.join(ROOT, 'bench', 'gpu_checklist.py'), '--quick', '--device', 'cpu', '--out', file],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).to.equal(0);
  });

  it('reads a smoke run of bench/gpu_checklist.py, with captions that say it is one', () => {
    const gpu = readGpuChecklist(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(gpu.alignment).to.have.length(6);
    expect(gpu.batches('wideMlp').length).to.be.at.least(2);
    expect(gpu.step('seedMlp', gpu.batches('seedMlp')[0]!, 'mixed_bfloat16').msPerStep).to.be.above(0);
    expect(gpu.profile('wideMlp', 'float32').kernels).to.be.above(0);
    expect(gpu.caption('alignment')).to.match(/quick smoke run/);
    expect(() => gpu.step('seedMlp', 3, 'float32')).to.throw(OptionError, /no batchSweep row/);
  });

  it('loads the file from a course folder, and gives null where it has not been measured', () => {
    expect(loadGpuChecklist(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')))).to.equal(null);
    const course = fs.mkdtempSync(path.join(os.tmpdir(), 'course-'));
    fs.mkdirSync(path.join(course, 'notebooks', 'data'), { recursive: true });
    fs.copyFileSync(file, path.join(course, 'notebooks', 'data', 'gpu_checklist.json'));
    expect(loadGpuChecklist(course)!.data.quick).to.equal(true);
  });
});
