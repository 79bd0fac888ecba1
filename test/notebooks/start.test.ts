/**
 * `npm start -- --no-browser` on a fresh clone, as a newcomer types it, on a PATH with Node and Python but no
 * Jupyter: it makes the project's .venv, installs JupyterLab there, registers the course kernel, and serves,
 * also as root (where Jupyter alone refuses to start). Skips, and says why, where Python cannot install
 * JupyterLab (CI's machine has local wheels for it).
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KERNEL_NAME } from '../../scripts/kernel/kernelspec';
import { OptionError } from '../../src/mp';
import { firstLesson, rootArgs, startLang } from '../../scripts/start';
import { ROOT } from './course';

/** A folder of links to sh, node, npm and the real python3: a PATH on which no Jupyter can be found. */
function bareBin(python: string): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-bin-'));
  const npm = spawnSync('which', ['npm'], { encoding: 'utf8' }).stdout.trim();
  for (const [name, target] of [
    ['sh', '/bin/sh'],
    ['node', process.execPath],
    ['npm', npm],
    ['python3', python],
  ] as const)
    fs.symlinkSync(fs.realpathSync(target), path.join(bin, name));
  return bin;
}

describe('npm start as root', () => {
  it('adds --allow-root with a one-line warning for root only, once', () => {
    expect(rootArgs(['lab'], 0)).to.deep.equal({
      args: ['lab', '--allow-root'],
      warning: 'Running as root (usual in a container): starting JupyterLab with --allow-root.',
    });
    expect(rootArgs(['lab', '--allow-root'], 0)).to.deep.equal({ args: ['lab', '--allow-root'] });
    expect(rootArgs(['lab'], 1000)).to.deep.equal({ args: ['lab'] });
    expect(rootArgs(['lab'], undefined)).to.deep.equal({ args: ['lab'] }); // Windows: no user id
  });
});

describe('npm start -- --lang zh', () => {
  it('takes its own option out of what goes to Jupyter, and opens lesson 1 in that language', () => {
    expect(startLang(['--lang', 'zh', '--no-browser'], {})).to.deep.equal({ lang: 'zh', rest: ['--no-browser'] });
    expect(startLang(['--port', '9999', '--lang=zh'], {})).to.deep.equal({ lang: 'zh', rest: ['--port', '9999'] });
    expect(startLang(['--lang', 'en'], { MP_LANG: 'zh' })).to.deep.equal({ lang: 'en', rest: [] });
    expect(startLang([], { MP_LANG: 'zh' })).to.deep.equal({ lang: 'zh', rest: [] });
    // neither: no MP_LANG for the kernel, and each lesson speaks its own language
    expect(startLang(['--no-browser'], {})).to.deep.equal({ rest: ['--no-browser'] });
    expect(() => startLang(['--lang', 'fr'], {})).to.throw(OptionError, /lang="fr"/);
    expect(firstLesson('zh')).to.equal('notebooks/zh/01_what_is_mixed_precision.ipynb');
    expect(fs.existsSync(path.join(ROOT, firstLesson('zh')))).to.equal(true);
    expect(firstLesson('en')).to.equal('notebooks/01_what_is_mixed_precision.ipynb');
  });
});

describe('npm start on a fresh clone without Jupyter', function () {
  this.timeout(10 * 60_000);

  it('installs JupyterLab into .venv and serves the course with its kernel', async function () {
    const real = spawnSync('python3', ['-c', 'import sys, venv; print(sys.executable)'], { encoding: 'utf8' });
    const wheels = spawnSync(path.join(ROOT, '.venv', 'bin', 'python'), ['-c', 'import jupyterlab']);
    if (real.status !== 0 || wheels.status !== 0) {
      console.log(
        '      skipped: needs python3 with venv, and JupyterLab installable (scripts/setup-python.sh proves it)',
      );
      this.skip();
    }
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-clone-'));
    expect(spawnSync('git', ['clone', '--quiet', ROOT, clone]).status).to.equal(0);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'junction');
    const jupyterHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-home-'));
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PIP_'))), // local wheels
      HOME: os.homedir(),
      PATH: bareBin(real.stdout.trim()),
      JUPYTER_CONFIG_DIR: path.join(jupyterHome, 'config'),
      JUPYTER_DATA_DIR: path.join(jupyterHome, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(jupyterHome, 'runtime'),
    };
    const port = 20000 + Math.floor(Math.random() * 20000);
    const started = Date.now();
    // exactly what a newcomer types (no --allow-root, even where this test runs as root)
    const npm = spawn('npm', ['start', '--', '--no-browser', '--ip=127.0.0.1', `--port=${port}`], {
      cwd: clone,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    for (const s of [npm.stdout!, npm.stderr!]) s.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const token = await new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          const m = log.match(new RegExp(`127\\.0\\.0\\.1:${port}/\\S*[?&]token=([0-9a-f]+)`));
          if (m) {
            clearInterval(poll);
            resolve(m[1]!);
          }
        }, 500);
        npm.on('exit', (code) => reject(new Error(`npm start exited (${code}) before serving:\n${log}`)));
      });
      const api = async (route: string): Promise<unknown> =>
        (await fetch(`http://127.0.0.1:${port}${route}`, { headers: { Authorization: `token ${token}` } })).json();
      const status = (await api('/api/status')) as { started?: string };
      const specs = (await api('/api/kernelspecs')) as { kernelspecs: Record<string, unknown> };
      console.log(
        `      serving after ${((Date.now() - started) / 1000).toFixed(0)} s (venv made and JupyterLab installed)`,
      );
      expect(status).to.have.property('started');
      expect(Object.keys(specs.kernelspecs)).to.include(KERNEL_NAME);
      expect(fs.existsSync(path.join(clone, '.venv'))).to.equal(true);
      expect(log.includes('starting JupyterLab with --allow-root'), 'the root warning').to.equal(
        process.getuid?.() === 0,
      );
    } finally {
      if (npm.exitCode === null) process.kill(-npm.pid!, 'SIGTERM'); // npm, start.ts and jupyter lab
    }
  });
});
