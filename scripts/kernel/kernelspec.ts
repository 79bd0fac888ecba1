/**
 * Registers the course kernel with Jupyter by writing its kernelspec, the way
 * `jupyter kernelspec install --user` (or `--prefix`) would, with no Python involved.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const KERNEL_NAME = 'mixed-precision';
export const KERNEL_DISPLAY_NAME = 'Mixed precision (TypeScript)';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const LAUNCHER = path.join(PROJECT_ROOT, 'scripts', 'kernel', 'launch.js');

/** Jupyter's per-user data folder, as jupyter_core computes it. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'jupyter');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'jupyter');
}

/** Where a kernelspec goes: the user's data folder, or `PREFIX/share/jupyter` (a venv, a system install). */
export function kernelsDir(prefix?: string): string {
  return path.join(prefix ? path.join(prefix, 'share', 'jupyter') : userDataDir(), 'kernels');
}

export interface KernelSpec {
  readonly argv: string[];
  readonly display_name: string;
  readonly language: string;
  readonly interrupt_mode: 'signal';
}

/** The kernelspec: this Node binary runs the launcher, both by absolute path. */
export function kernelSpec(node = process.execPath): KernelSpec {
  return {
    argv: [node, LAUNCHER, '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
  };
}

/** Writes (or replaces) the course kernelspec and returns its folder. */
export function installKernel(prefix?: string): string {
  const dir = path.join(kernelsDir(prefix), KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelSpec(), null, 2) + '\n');
  return dir;
}
