import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KERNEL_NAME, kernelSpec, userDataDir } from '../../scripts/kernel/kernelspec';
import { ROOT } from './course';

describe('course kernelspec', () => {
  it("finds Jupyter's per-user data folder as jupyter_core does", () => {
    const home = os.homedir();
    expect(userDataDir({ JUPYTER_DATA_DIR: '/x/data' }, 'linux')).to.equal('/x/data');
    expect(userDataDir({}, 'linux')).to.equal(path.join(home, '.local', 'share', 'jupyter'));
    expect(userDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux')).to.equal(path.join('/xdg', 'jupyter'));
    expect(userDataDir({}, 'darwin')).to.equal(path.join(home, 'Library', 'Jupyter'));
    expect(userDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).to.equal(
      path.join('C:\\Users\\a\\AppData\\Roaming', 'jupyter'),
    );
  });

  it('launches the course launcher with this Node, by absolute paths', () => {
    const spec = kernelSpec();
    expect(spec.argv[0]).to.equal(process.execPath);
    expect(path.isAbsolute(spec.argv[1]!)).to.equal(true);
    expect(fs.existsSync(spec.argv[1]!)).to.equal(true);
    expect(spec.argv[2]).to.equal('{connection_file}');
    expect(spec.language).to.equal('typescript');
  });

  function npmRunKernel(env: NodeJS.ProcessEnv, args: string[] = []): string {
    const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const r = spawnSync(process.execPath, [tsx, 'scripts/kernel/install.ts', ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(0);
    return r.stdout;
  }

  it('npm run kernel writes kernel.json under JUPYTER_DATA_DIR, with no Python involved', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-kernel-'));
    npmRunKernel({ ...process.env, JUPYTER_DATA_DIR: data, PATH: path.dirname(process.execPath) });
    const spec = JSON.parse(fs.readFileSync(path.join(data, 'kernels', KERNEL_NAME, 'kernel.json'), 'utf8'));
    expect(spec).to.deep.equal(kernelSpec());
  });

  it('npm run kernel -- --prefix P writes under P/share/jupyter/kernels', () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-prefix-'));
    npmRunKernel(process.env, ['--prefix', prefix]);
    expect(fs.existsSync(path.join(prefix, 'share', 'jupyter', 'kernels', KERNEL_NAME, 'kernel.json'))).to.equal(true);
  });
});
