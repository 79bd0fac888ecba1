/**
 * The reader of notebooks/data/h200_speed.json, on the committed file and on what bench/gpu_torch.py writes
 * (a CPU smoke run where torch is installed).
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeLayers, OptionError, readGpuSpeed } from '../../../src/course/index';
import { findPython } from '../../../scripts/course/python';

const ROOT = path.join(__dirname, '..', '..', '..');
const FILE = path.join(ROOT, 'notebooks', 'data', 'h200_speed.json');
const committed = (): Record<string, unknown> => JSON.parse(fs.readFileSync(FILE, 'utf8'));

describe('readGpuSpeed', () => {
  it('reads the committed file, which is a full run (not a smoke run)', () => {
    const speed = readGpuSpeed(committed());
    expect(speed.data.quick).to.equal(false);
    expect(speed.matmulSizes.length).to.be.at.least(2);
    expect(speed.matmulTFLOPs(speed.matmulSizes.at(-1)!, 'bfloat16')).to.be.above(0);
  });

  it("gives each wide-MLP step a TFLOP/s no faster than the fastest matmul of the policy's compute dtype", () => {
    const speed = readGpuSpeed(committed());
    const best = (dtype: 'float32' | 'bfloat16' | 'float16') =>
      Math.max(...speed.matmulSizes.map((n) => speed.matmulTFLOPs(n, dtype)));
    const compute = { float32: 'float32', mixed_bfloat16: 'bfloat16', mixed_float16: 'float16' } as const;
    for (const policy of ['float32', 'mixed_bfloat16', 'mixed_float16'] as const) {
      const { TFLOPs } = speed.wideMlp(policy);
      expect(TFLOPs, policy).to.be.above(0).and.at.most(best(compute[policy]));
    }
  });

  it('states the exact model, TF32 and where the figures come from in every caption', () => {
    const speed = readGpuSpeed(committed());
    const d = speed.data;
    expect(speed.describeModel('wideMlp')).to.include(describeLayers(d.wideMlp.model.layers));
    expect(speed.describeModel('wideMlp')).to.include(`batch ${d.wideMlp.model.batch}`);
    expect(speed.describeModel('wideMlp')).to.include(`TF32 ${d.wideMlp.model.tf32 ? 'on' : 'off'}`);
    for (const part of ['matmul', 'elementwise', 'seedLayer', 'seedMlp', 'wideMlp'] as const) {
      const caption = speed.caption(part);
      expect(caption, part).to.include(d.device.name).and.include(`PyTorch ${d.software.torch}`);
      expect(caption.includes('carried over from the previous measurement'), part).to.equal(d.carriedOver !== null);
    }
    expect(speed.caption('matmul')).to.match(/TF32 off/);
  });

  it('names the layers of a stack, grouping repeats', () => {
    expect(describeLayers([4096, 4096, 4096, 10])).to.equal('two 4096×4096 layers and one 4096×10 layer');
    expect(describeLayers([784, 64, 10])).to.equal('one 784×64 layer and one 64×10 layer');
    expect(describeLayers([512, 512, 512, 512])).to.equal('three 512×512 layers');
  });

  it('counts the products of a step: 3 × forward, less the first layer’s input gradient', () => {
    const m = readGpuSpeed(committed()).data.seedMlp.model;
    const products = m.layers.slice(1).map((out, i) => 2 * m.batch * m.layers[i]! * out);
    expect(m.flopsPerStep).to.equal(3 * products.reduce((a, b) => a + b) - products[0]!);
  });

  it('refuses a malformed file with an OptionError naming the field', () => {
    const bad = committed() as { matmul: { rows: Record<string, unknown>[] } };
    bad.matmul.rows[0]!['TFLOPs'] = 'fast';
    expect(() => readGpuSpeed(bad)).to.throw(
      OptionError,
      /matmul\.rows\[0\]\.TFLOPs must be a finite number\. Received: "fast"/,
    );
    expect(() => readGpuSpeed({ ...committed(), schema: 2 })).to.throw(OptionError, /schema must be 1/);
    expect(() => readGpuSpeed(null)).to.throw(OptionError, /must be an object/);
  });

  it('names what the file has when a figure is missing', () => {
    const speed = readGpuSpeed(committed());
    expect(() => speed.matmulTFLOPs(3, 'float16')).to.throw(
      OptionError,
      /no matmul figure for n=3 float16\. It has: n=/,
    );
    expect(() => speed.seedMlpUs('float8' as never)).to.throw(OptionError, /It has: float32, /);
  });
});

describe('bench/gpu_torch.py', function () {
  this.timeout(5 * 60_000);
  const found = findPython(['torch', 'numpy']);

  before(function () {
    if ('reason' in found) {
      console.log(`      skipped: ${found.reason}`);
      this.skip();
    }
  });

  it('documents its options (--help)', () => {
    const python = (found as { python: string }).python;
    const r = spawnSync(python, [path.join(ROOT, 'bench', 'gpu_torch.py'), '--help'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('--out').and.include('--quick').and.include('--device').and.include('--mnist');
  });

  it('writes a file the reader accepts, on the CPU (--quick --device cpu)', () => {
    const python = (found as { python: string }).python;
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mp-gpu-torch-')), 'speed.json');
    const r = spawnSync(
      python,
      [path.join(ROOT, 'bench', 'gpu_torch.py'), '--quick', '--device', 'cpu', '--out', out],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).to.equal(0);
    const speed = readGpuSpeed(JSON.parse(fs.readFileSync(out, 'utf8')));
    expect(speed.data.quick).to.equal(true);
    expect(speed.data.carriedOver).to.equal(null);
    expect(speed.matmulTFLOPs(512, 'float32')).to.be.above(0);
    expect(speed.data.wideMlp.model.layers).to.deep.equal([256, 256, 256, 256]);
    expect(speed.wideMlp('mixed_float16').msPerStep).to.be.above(0);
    expect(speed.caption('wideMlp')).to.include('a quick smoke run');
  });
});
