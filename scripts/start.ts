/**
 * npm start [-- --lang zh] [-- JUPYTER LAB OPTIONS]: opens the course in JupyterLab on lesson 1, with the course
 * kernel. `--lang zh` (or MP_LANG=zh) opens the Chinese lesson 1 (notebooks/zh/) and passes MP_LANG to the kernel,
 * so that check() and grading speak Chinese in every lesson.
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
import { studentLang, type Lang } from '../src/quiz/text';

export const FIRST_LESSON = 'notebooks/01_what_is_mixed_precision.ipynb';

/**
 * Lesson 1 in `lang`: the lessons of a language other than English live in notebooks/<lang>/.
 *
 *     firstLesson('zh') // 'notebooks/zh/01_what_is_mixed_precision.ipynb'
 */
export const firstLesson = (lang: Lang): string =>
  lang === 'en' ? FIRST_LESSON : `notebooks/${lang}/${path.basename(FIRST_LESSON)}`;

/**
 * npm start's own option, `--lang LANG` or `--lang=LANG`, taken out of its arguments (the rest go to jupyter
 * lab), and the language it chooses: the option, else MP_LANG, else none (each lesson then speaks its own
 * language); an unknown one throws an OptionError.
 *
 *     startLang(['--lang', 'zh', '--no-browser'], {}) // { lang: 'zh', rest: ['--no-browser'] }
 */
export function startLang(args: readonly string[], env: NodeJS.ProcessEnv): { lang?: Lang; rest: string[] } {
  const rest = [...args];
  const at = rest.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const given = at < 0 ? undefined : rest[at]!.includes('=') ? rest[at]!.slice('--lang='.length) : (rest[at + 1] ?? '');
  if (at >= 0) rest.splice(at, rest[at]!.includes('=') ? 1 : 2);
  return given === undefined && !env.MP_LANG ? { rest } : { lang: studentLang(given, { MP_LANG: env.MP_LANG }), rest };
}

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
  const { lang, rest } = startLang(process.argv.slice(2), process.env);
  const { args, warning } = rootArgs(
    ['lab', `--ServerApp.root_dir=${ROOT}`, `--LabApp.default_url=/lab/tree/${firstLesson(lang ?? 'en')}`, ...rest],
    process.getuid?.(),
  );
  if (warning) console.warn(warning);
  // the kernel inherits MP_LANG from JupyterLab's server: check() then speaks the chosen language in every lesson
  const lab = spawn(command, args, { stdio: 'inherit', env: lang ? { ...process.env, MP_LANG: lang } : process.env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => lab.kill(signal));
  lab.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) void main();
