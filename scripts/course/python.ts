/**
 * The project's Python environment (.venv): where it is, whether it has JupyterLab, and how to make it.
 * pip runs with --retries 0, so that on a machine without the public index it uses local wheels at once
 * instead of retrying for minutes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const VENV = path.join(ROOT, '.venv');
export const JUPYTER_REQUIREMENTS = path.join(ROOT, 'requirements-jupyter.txt');

/**
 * A Python interpreter that can import all of `modules`: $MP_PYTHON, the project's .venv
 * (made by scripts/setup-python.sh), then python3. Returns the reason instead when there is none.
 */
export function findPython(modules: string[]): { python: string } | { reason: string } {
  const candidates = [process.env.MP_PYTHON, venvProgram('python'), 'python3'].filter(
    (p): p is string => !!p && (!p.includes(path.sep) || fs.existsSync(p)),
  );
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
    if (r.status === 0) return { python };
  }
  return {
    reason: `no Python with ${modules.join(', ')} (tried ${candidates.join(', ')}); run scripts/setup-python.sh`,
  };
}

/** A program inside the venv (bin/ on POSIX, Scripts/ with .exe on Windows). */
export function venvProgram(name: string, venv = VENV): string {
  return process.platform === 'win32' ? path.join(venv, 'Scripts', `${name}.exe`) : path.join(venv, 'bin', name);
}

function runs(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export function venvHasJupyterLab(venv = VENV): boolean {
  const python = venvProgram('python', venv);
  return fs.existsSync(python) && runs(python, ['-c', 'import jupyterlab']);
}

/** The first Python 3 that runs: $PYTHON, then python3, then python (Windows' usual name). */
export function systemPython(env = process.env): string | undefined {
  const candidates = [env.PYTHON, 'python3', 'python'].filter((c): c is string => Boolean(c));
  return candidates.find((c) => runs(c, ['-c', 'import sys, venv; assert sys.version_info >= (3, 9)']));
}

export class SetupError extends Error {
  override name = 'SetupError';
}

/** Creates the venv if needed and installs the pinned Jupyter stack into it; the step's output streams through. */
export function installJupyterLab(venv = VENV): void {
  const python = systemPython();
  if (!python) {
    throw new SetupError(
      'No Python 3.9 or later found (tried $PYTHON, python3, python). Install Python 3 and run npm start again, ' +
        'or set PYTHON to its path.',
    );
  }
  const steps: [string, string[]][] = [
    [python, ['-m', 'venv', venv]],
    [
      venvProgram('python', venv),
      ['-m', 'pip', 'install', '--retries', '0', '--disable-pip-version-check', '-r', JUPYTER_REQUIREMENTS],
    ],
  ];
  for (const [cmd, args] of steps) {
    if (cmd === python && fs.existsSync(venvProgram('python', venv))) continue;
    console.log(`$ ${[cmd, ...args].join(' ')}`);
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) {
      throw new SetupError(
        `"${[cmd, ...args].join(' ')}" failed (exit ${r.status ?? r.signal}). Check the network or a local ` +
          `wheel index for pip, or install JupyterLab yourself (pip install -r requirements-jupyter.txt) into ` +
          `${venv}, then run npm start again.`,
      );
    }
  }
}
