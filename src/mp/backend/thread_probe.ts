/**
 * The wasm backend's thread count where none is asked for, chosen by measuring what is faster on this machine:
 * a core-count rule cannot know whether a second thread's wake-ups cost more than it computes (they do for a
 * small model on a busy 2-core machine, and not on a 16-core host). Each candidate count trains a small MLP in a
 * process of its own (thread_probe_child.ts; a process runs one wasm build), the candidates in alternating rounds
 * so that a busy moment hits them alike, and the count with the fastest median step wins where it beats one
 * thread by a tenth (a thread pool costs more when the machine gets busier). The result is cached per machine,
 * keyed by the CPU model, the cores this process may use and the tfjs release, in the user's cache folder
 * (MP_CACHE_DIR moves it); the probe runs once, for a few seconds.
 */
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

/** What the probe measured and chose, as cached. */
export interface ThreadChoice {
  readonly threads: number;
  /** Median ms per training step of each candidate count. */
  readonly msPerStep: Readonly<Record<string, number>>;
  readonly measuredAt: string;
}

const ROUNDS = 7;
const STEPS_PER_ROUND = 10;
/** A count above one must beat one thread's median step by this fraction. */
const MARGIN = 0.1;
const TIMEOUT_MS = 120_000;

/** The cache file: MP_CACHE_DIR, else the platform's per-user cache folder. */
export function threadCacheFile(): string {
  const home = os.homedir();
  const base =
    process.env.MP_CACHE_DIR ??
    (process.platform === 'win32'
      ? (process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'))
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Caches')
        : (process.env.XDG_CACHE_HOME ?? path.join(home, '.cache')));
  return path.join(base, 'mixed-precision', 'wasm-threads.json');
}

/** This machine's key: CPU model, the cores this process may use, and the tfjs release. */
export function machineKey(cores: number): string {
  return `${os.cpus()[0]?.model ?? 'unknown CPU'} | ${cores} cores | tfjs ${tf.version.tfjs}`;
}

function readCache(): Record<string, ThreadChoice> {
  try {
    const cache = JSON.parse(fs.readFileSync(threadCacheFile(), 'utf8')) as unknown;
    return cache && typeof cache === 'object' ? (cache as Record<string, ThreadChoice>) : {};
  } catch {
    return {}; // none yet, or unreadable: measure again
  }
}

/** The cached choice for `key`, where there is a valid one. */
export function cachedThreadChoice(key: string): ThreadChoice | undefined {
  const choice = readCache()[key];
  return choice && Number.isInteger(choice.threads) && choice.threads >= 1 ? choice : undefined;
}

function writeCache(key: string, choice: ThreadChoice): void {
  const file = threadCacheFile();
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}`;
    fs.writeFileSync(temporary, JSON.stringify({ ...readCache(), [key]: choice }, null, 2));
    fs.renameSync(temporary, file); // whole or not at all, should another process read it meanwhile
  } catch {
    // a read-only home: this process keeps its choice, and the next one measures again
  }
}

/** Node's flags for the probe's child: a TypeScript loader where the library runs from its sources. */
function childExecArgv(child: string): string[] | string {
  if (path.extname(child) !== '.ts') return [];
  if (process.execArgv.some((a) => a.includes('tsx'))) return process.execArgv;
  try {
    return ['--require', require.resolve('tsx/cjs', { paths: [__dirname] })];
  } catch {
    return 'the probe runs the library from its TypeScript sources, which needs tsx';
  }
}

/** A started candidate: its process and a way to ask it for a round. */
interface Candidate {
  readonly threads: number;
  readonly child: ChildProcess;
  round(steps: number): Promise<number>;
}

function start(threads: number, execArgv: string[], file: string): Promise<Candidate> {
  const child = fork(file, [String(threads)], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const next = (): Promise<{ ready?: boolean; ms?: number }> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`${threads} thread(s): exited (${code}) ${stderr.trim().slice(-300)}`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as { ready?: boolean; ms?: number });
      });
    });
  const round = async (steps: number): Promise<number> => {
    const answer = next();
    child.send({ steps });
    return (await answer).ms!;
  };
  return next().then(() => ({ threads, child, round }));
}

/**
 * Measures each candidate count (one process each, alternating rounds) and returns the choice; a string says why
 * it could not.
 */
export async function measureThreads(candidates: readonly number[]): Promise<ThreadChoice | string> {
  const file = path.join(__dirname, `thread_probe_child${path.extname(__filename)}`);
  const execArgv = childExecArgv(file);
  if (typeof execArgv === 'string') return execArgv;
  const started = candidates.map((n) => start(n, execArgv, file));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`took over ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  try {
    return await Promise.race([timeout, rounds(started)]);
  } catch (e) {
    return `the probe failed: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    clearTimeout(timer);
    for (const c of started) void c.then((s) => s.child.kill()).catch(() => undefined);
  }
}

async function rounds(started: Promise<Candidate>[]): Promise<ThreadChoice> {
  const candidates = await Promise.all(started);
  const samples = candidates.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    // each round starts with the next candidate, so that none always runs first
    for (let k = 0; k < candidates.length; k++) {
      const i = (r + k) % candidates.length;
      samples[i]!.push(await candidates[i]!.round(STEPS_PER_ROUND));
    }
  }
  const medians = samples.map((s) => [...s].sort((a, b) => a - b)[s.length >> 1]!);
  const one = medians[candidates.findIndex((c) => c.threads === 1)] ?? Infinity;
  let best = candidates.findIndex((c) => c.threads === 1);
  medians.forEach((ms, i) => {
    if (ms < (1 - MARGIN) * one && (best < 0 || ms < medians[best]!)) best = i;
  });
  return {
    threads: candidates[best]?.threads ?? 1,
    msPerStep: Object.fromEntries(candidates.map((c, i) => [String(c.threads), Math.round(medians[i]! * 1e3) / 1e3])),
    measuredAt: new Date().toISOString(),
  };
}

/** The measured count for this machine: cached, else measured now and cached; a string says why there is none. */
export async function chooseThreads(cores: number, maxThreads: number): Promise<ThreadChoice | string> {
  const key = machineKey(cores);
  const cached = cachedThreadChoice(key);
  if (cached) return cached;
  const candidates = [1, 2, 4, 8].filter((n) => n <= Math.min(cores, maxThreads));
  const choice = await measureThreads(candidates);
  if (typeof choice !== 'string') writeCache(key, choice);
  return choice;
}
