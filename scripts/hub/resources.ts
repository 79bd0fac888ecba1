/**
 * npm run resources [-- --lessons 01,04] [--exercises solutions|exercises] [--json FILE]
 *
 * What one student costs a hub, measured on this course, to size JupyterHub's singleuser limits. Each lesson
 * runs top to bottom through nbclient (scripts/notebooks/execute.py) in a kernel of its own, from a copy of
 * the course, while /proc is read every 50 ms:
 * - kernel peak: the kernel process's own peak resident memory (VmHWM, kept by Linux: exact);
 * - with children: the largest sum of resident memory over the kernel and its children seen at once
 *   (check() grades in a child process, and the question bank loads in one), and at least the kernel's
 *   peak: sampled, so a lower bound;
 * - CPU: the kernel's user + system time, that of its finished children included;
 * and the Jupyter server's resident memory after it starts. Linux only, which is what hubs run on.
 * By default the lessons run with the reference solutions, so that every check() runs to the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, VENV, venvHasJupyterLab, venvProgram } from '../course/python';
import { installKernel, KERNEL_NAME } from '../kernel/kernelspec';
import { commandLine, descendants, procAvailable, usage } from './proc';
import { suggestLimits, table, type LessonCost } from './sizing';

class ResourcesError extends Error {
  override name = 'ResourcesError';
}

const EXERCISE_FOLDERS = ['solutions', 'exercises'] as const;
const MiB = 1 << 20;

/** A Python that can run nbclient and JupyterLab: the project's .venv, else python3. */
function jupyterPython(): string {
  if (venvHasJupyterLab()) return venvProgram('python', VENV);
  if (spawnSync('python3', ['-c', 'import jupyterlab, nbclient'], { stdio: 'ignore' }).status === 0) return 'python3';
  throw new ResourcesError('No Python with JupyterLab and nbclient: run `npm start` once (it makes .venv).');
}

/** The course in a temporary folder (nothing a lesson writes lands in the repository), node_modules linked. */
function courseCopy(exercises: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-resources-'));
  for (const item of ['package.json', 'src', 'scripts', 'notebooks']) {
    fs.cpSync(path.join(ROOT, item), path.join(dir, item), { recursive: true });
  }
  fs.cpSync(path.join(ROOT, exercises), path.join(dir, 'exercises'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
  return dir;
}

/** Jupyter's folders under `dir`, with the course kernel registered there. */
function jupyterEnv(dir: string): NodeJS.ProcessEnv {
  const env = {
    ...process.env,
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
  };
  process.env.JUPYTER_DATA_DIR = env.JUPYTER_DATA_DIR;
  installKernel();
  return env;
}

/** Runs one lesson and samples its kernel until the run ends. */
async function measureLesson(
  python: string,
  course: string,
  lesson: string,
  env: NodeJS.ProcessEnv,
): Promise<LessonCost> {
  const out = fs.mkdtempSync(path.join(course, '.executed-'));
  const execute = path.join(course, 'scripts', 'notebooks', 'execute.py');
  const run = spawn(python, [execute, '--kernel', KERNEL_NAME, '--out', out, path.join(course, 'notebooks', lesson)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let kernel: number | undefined;
  let kernelPeak = 0;
  let treePeak = 0;
  let cpuSeconds = 0;
  const sample = (): void => {
    kernel ??= descendants(run.pid!).find((pid) => commandLine(pid).includes('launch.js'));
    const own = kernel === undefined ? undefined : usage(kernel);
    if (!own) return;
    kernelPeak = Math.max(kernelPeak, own.peakRss);
    cpuSeconds = own.cpuSeconds;
    const children = descendants(kernel!).map((pid) => usage(pid)?.rss ?? 0);
    treePeak = Math.max(treePeak, own.rss + children.reduce((s, r) => s + r, 0));
  };
  const timer = setInterval(sample, 50);
  const [code] = (await once(run, 'exit')) as [number | null];
  clearInterval(timer);
  const [summary] = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
    seconds: number;
    error: string | null;
  }[];
  if (code !== 0 || !summary || summary.error) throw new ResourcesError(`${lesson} failed: ${summary?.error ?? code}`);
  if (!kernelPeak) throw new ResourcesError(`${lesson}: no kernel process (…launch.js) was seen under ${python}`);
  return {
    notebook: lesson,
    seconds: summary.seconds,
    cpuSeconds,
    kernelPeakMiB: kernelPeak / MiB,
    treePeakMiB: Math.max(treePeak, kernelPeak) / MiB,
  };
}

/** The resident memory of a JupyterLab server once it answers, with no notebook open. */
async function serverMiB(python: string, env: NodeJS.ProcessEnv, course: string): Promise<number> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const root = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const lab = spawn(python, ['-m', 'jupyterlab', '--no-browser', `--port=${port}`, '--ServerApp.token=x', ...root], {
    cwd: course,
    env,
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 240; i++) {
      const up = await new Promise<boolean>((resolve) =>
        http.get(`http://127.0.0.1:${port}/api?token=x`, () => resolve(true)).on('error', () => resolve(false)),
      );
      if (up) return (usage(lab.pid!)?.rss ?? 0) / MiB;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new ResourcesError(`JupyterLab did not answer on port ${port} within a minute`);
  } finally {
    lab.kill();
    await once(lab, 'exit');
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lessons: { type: 'string' },
      exercises: { type: 'string', default: 'solutions' },
      json: { type: 'string' },
    },
  });
  if (!procAvailable()) throw new ResourcesError('This measures through /proc: run it on Linux, as hubs do.');
  const exercises = EXERCISE_FOLDERS.find((f) => f === values.exercises);
  if (!exercises) {
    throw new ResourcesError(`--exercises ${values.exercises}: use one of ${EXERCISE_FOLDERS.join(', ')}.`);
  }
  const all = fs
    .readdirSync(path.join(ROOT, 'notebooks'))
    .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
    .sort();
  const wanted = values.lessons?.split(',');
  const lessons = wanted ? all.filter((l) => wanted.some((w) => l.startsWith(w))) : all;
  if (lessons.length === 0) throw new ResourcesError(`--lessons ${values.lessons}: lessons are ${all.join(', ')}.`);

  const python = jupyterPython();
  const course = courseCopy(exercises);
  try {
    const env = jupyterEnv(path.join(course, '.jupyter'));
    const costs: LessonCost[] = [];
    for (const lesson of lessons) costs.push(await measureLesson(python, course, lesson, env));
    const server = await serverMiB(python, env, course);
    console.log(`\n${table(costs, server, exercises, os.cpus().length)}`);
    const limits = suggestLimits(costs, server);
    console.log(`\n${limits.text}`);
    if (values.json) {
      fs.writeFileSync(values.json, JSON.stringify({ exercises, lessons: costs, serverMiB: server, limits }, null, 2));
      console.log(`wrote ${values.json}`);
    }
  } finally {
    fs.rmSync(course, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
