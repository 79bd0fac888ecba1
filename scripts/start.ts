/**
 * npm start [-- JUPYTER LAB OPTIONS]: opens the course in JupyterLab on lesson 1, with the course kernel.
 *
 * Uses the project's .venv when it has JupyterLab, else a JupyterLab on PATH, else makes .venv and installs
 * the pinned stack (requirements-jupyter.txt) into it. The kernel is registered each time, so that it points
 * at this copy of the course. Options pass through to `jupyter lab` (e.g. --no-browser, --port 9999).
 * Where JupyterLab cannot be set up (no Python, no wheels), or with --html, it executes the lessons without
 * Jupyter and writes them as HTML pages to out/html instead. As root it adds --allow-root (rootArgs).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { installKernel } from './kernel/kernelspec';
import { configureLab } from './course/lab_config';
import { installJupyterLab, ROOT, SetupError, VENV, venvHasJupyterLab, venvProgram } from './course/python';
import { HTML_DIR, writeHtml } from './notebooks/html';

export const FIRST_LESSON = 'notebooks/01_what_is_mixed_precision.ipynb';

/** The jupyter command to run, setting it up first where needed. */
function jupyter(): string {
  if (venvHasJupyterLab()) return venvProgram('jupyter');
  if (spawnSync('jupyter', ['lab', '--version'], { stdio: 'ignore' }).status === 0) {
    console.log(`Using the JupyterLab on PATH; the course kernel is registered for this user.`);
    installKernel();
    return 'jupyter';
  }
  console.log(`No JupyterLab found: installing it into ${path.relative(ROOT, VENV)} (once).`);
  installJupyterLab();
  return venvProgram('jupyter');
}

/**
 * Jupyter refuses to start as root ("Running as root is not recommended. Use --allow-root to bypass.") and
 * serves nothing, yet root is the usual user in a container. As root, npm start passes --allow-root itself and
 * says so in one line; `uid` is the user's id (none on Windows).
 */
export function rootArgs(args: readonly string[], uid: number | undefined): { args: string[]; warning?: string } {
  if (uid !== 0 || args.includes('--allow-root')) return { args: [...args] };
  return {
    args: [...args, '--allow-root'],
    warning: 'Running as root (usual in a container): starting JupyterLab with --allow-root.',
  };
}

async function html(): Promise<never> {
  const ok = await writeHtml();
  console.log(`Open ${path.join(HTML_DIR, path.basename(FIRST_LESSON, '.ipynb') + '.html')} in a browser.`);
  process.exit(ok ? 0 : 1);
}

async function main(): Promise<void> {
  if (process.argv.includes('--html')) return html();
  let command: string;
  try {
    command = jupyter();
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(`npm start could not set up JupyterLab.\n${e.message}`);
    console.error('Executing the lessons without Jupyter instead; each becomes an HTML page.');
    return html();
  }
  if (command !== 'jupyter') {
    installKernel(VENV);
    configureLab(VENV);
  }
  const { args, warning } = rootArgs(
    ['lab', `--ServerApp.root_dir=${ROOT}`, `--LabApp.default_url=/lab/tree/${FIRST_LESSON}`, ...process.argv.slice(2)],
    process.getuid?.(),
  );
  if (warning) console.warn(warning);
  const lab = spawn(command, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => lab.kill(signal));
  lab.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) void main();
