/**
 * Starting the process that runs a submission's code, and the grader's end of its pipes.
 *
 * On Linux with bubblewrap (Debian's `bubblewrap`), the process runs in an OS sandbox: new user, PID,
 * network, IPC, UTS and cgroup namespaces (no network, no process outside it to signal), an unprivileged user
 * with no capabilities, a read-only view of exactly /usr, one submission, one profile's staged library and
 * packages and the harness, a private /tmp (16 MB), a limit on its memory, and Node's permission model inside
 * as a second layer. Elsewhere (macOS, Windows, Linux without bubblewrap) it runs under the permission model
 * alone, which Node documents as no security boundary against malicious code; every report then says that it
 * is a self-check.
 *
 * The pipes: the grader writes a random token and then one call per line to the sandbox's stdin; the harness
 * answers one JSON line per message on fd 3, each prefixed with the token. Submission code can write to fd 3
 * too, but cannot read the token (child.ts says why), so any line without it, and any line that is too long,
 * malformed or unexpected, ends the sandbox as that submission's failure. Time limits count the sandbox's CPU
 * time where /proc shows it, so a busy machine does not make correct code time out.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import { constants } from 'os';
import * as path from 'path';
import { MSG } from './messages';
import { MAX_LINE, readReply, type ChildConfig, type Reply } from './protocol';
import type { ProfileStage, Stage } from './stage';
import type { Translated } from './text';

export type Isolation =
  | { readonly kind: 'bubblewrap' }
  | { readonly kind: 'node'; /** Why there is no OS sandbox, for reports. */ readonly why: Translated };

/** Inside the OS sandbox, everything graded lies under this folder. */
export const INSIDE = '/grading';
const BWRAP_BASE = [
  '--unshare-all',
  '--unshare-user',
  '--uid',
  '65534',
  '--gid',
  '65534',
  '--cap-drop',
  'ALL',
  '--die-with-parent',
  '--new-session',
];
/** Folders where Node or npm keep packages outside node_modules; hidden in the sandbox. */
const GLOBAL_PACKAGES = ['/usr/lib/node', '/usr/lib/node_modules', '/usr/local/lib/node_modules', '/usr/share/nodejs'];

interface Probe {
  readonly isolation: Isolation;
  /** bubblewrap's path, and its options that not every version has. */
  readonly bwrap: string;
  readonly extra: readonly string[];
  /** The system folders a sandbox needs to run Node, and a private /tmp. */
  readonly mounts: readonly string[];
  /** Ticks of /proc's utime and stime per second (USER_HZ). */
  readonly ticks: number;
}
let probed: Probe | undefined;

/** bubblewrap's path on the grader's PATH (a sandbox, and the probe, start with an empty environment). */
function findBwrap(): string | undefined {
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter).filter(Boolean);
  return dirs.map((d) => path.join(d, 'bwrap')).find((f) => fs.existsSync(f));
}

/** The system folders a sandbox needs to run Node: /usr, and the top-level links or folders that point into it. */
function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/lib', '/lib64', '/lib32', '/sbin']) {
    const stat = fs.lstatSync(top, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(top), top);
    else if (stat?.isDirectory()) args.push('--ro-bind', top, top);
  }
  const node = fs.realpathSync(process.execPath);
  if (!node.startsWith('/usr/')) args.push('--ro-bind', node, node);
  for (const dir of GLOBAL_PACKAGES) if (fs.existsSync(dir)) args.push('--tmpfs', dir);
  return args;
}

/** Whether bubblewrap works here (it needs Linux and user namespaces), probed once per process. */
export function isolation(): Isolation {
  return probe().isolation;
}

function probe(): Probe {
  if (probed) return probed;
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  const none = (why: Translated): Probe => ({
    isolation: { kind: 'node', why },
    bwrap: '',
    extra: [],
    mounts: [],
    ticks,
  });
  if (process.platform !== 'linux') return (probed = none(MSG.linuxOnly(process.platform)));
  const bwrap = findBwrap();
  const help = bwrap ? spawnSync(bwrap, ['--help'], { encoding: 'utf8', env: {}, timeout: 10_000 }) : undefined;
  if (!bwrap || !help || help.error || typeof help.stdout !== 'string') return (probed = none(MSG.noBubblewrap));
  // options newer than Debian 11's bubblewrap, used where this one has them
  const extra = help.stdout.includes('--disable-userns') ? ['--disable-userns'] : [];
  const size = help.stdout.includes('--size') ? ['--size', String(16 << 20)] : [];
  const mounts = [...systemMounts(), '--dev', '/dev', ...size, '--tmpfs', '/tmp'];
  const run = spawnSync(bwrap, [...BWRAP_BASE, ...extra, ...mounts, '--', '/bin/sh', '-c', 'exit 0'], {
    encoding: 'utf8',
    env: {},
    timeout: 10_000,
  });
  probed =
    run.status === 0
      ? { isolation: { kind: 'bubblewrap' }, bwrap, extra, mounts, ticks }
      : none(MSG.bubblewrapFails((run.stderr || String(run.error)).trim().slice(0, 200)));
  return probed;
}

const PERMISSION = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission';

export interface SandboxSpec {
  readonly stage: Stage;
  readonly profile: ProfileStage;
  /** The staged submission folder, and the compiled file to load from it. */
  readonly submission: string;
  readonly file: string;
  readonly memoryMb: number;
  /** 'node': no OS sandbox even where bubblewrap works (for tests of the fallback). */
  readonly sandbox?: 'bubblewrap' | 'node';
}

/** The command that starts a sandbox. */
function command(spec: SandboxSpec): string[] {
  const { profile, stage } = spec;
  // RLIMIT_DATA caps all of the process's memory, typed arrays included (the heap limit covers only the heap)
  const dataKb = Math.max(1024, 4 * spec.memoryMb) * 1024;
  const shell = ['/bin/sh', '-c', `ulimit -d ${dataKb} && exec "$0" "$@"`];
  const node = (readable: string[], child: string, config: ChildConfig): string[] => [
    process.execPath,
    PERMISSION,
    ...readable.map((r) => `--allow-fs-read=${r}`),
    '--no-warnings',
    '--enable-source-maps',
    `--max-old-space-size=${spec.memoryMb}`,
    child,
    JSON.stringify(config),
  ];
  const useOs = spec.sandbox !== 'node' && probe().isolation.kind === 'bubblewrap';
  if (!useOs) {
    const config = {
      submission: spec.submission,
      file: spec.file,
      library: profile.src,
      nodeModules: profile.nodeModules,
      float16: profile.profile.float16,
    };
    const readable = [profile.src, profile.nodeModules, ...profile.packages.values(), spec.submission, stage.child];
    const argv = node(readable, stage.child, config);
    return process.platform === 'win32' ? argv : [...shell, ...argv];
  }
  const inside = {
    submission: `${INSIDE}/exercises`,
    file: spec.file,
    library: `${INSIDE}/src`,
    nodeModules: `${INSIDE}/node_modules`,
    float16: profile.profile.float16,
  };
  const binds = [
    ['--ro-bind', profile.src, inside.library],
    ['--ro-bind', spec.submission, inside.submission],
    ['--ro-bind', stage.child, `${INSIDE}/child.js`],
    ...[...profile.packages].map(([name, dir]) => ['--ro-bind', dir, `${inside.nodeModules}/${name}`]),
  ].flat();
  return [
    probe().bwrap,
    ...BWRAP_BASE,
    ...probe().extra,
    ...probe().mounts,
    ...binds,
    '--chdir',
    '/tmp',
    '--',
    ...shell,
    ...node(
      [inside.library, inside.nodeModules, inside.submission, `${INSIDE}/child.js`],
      `${INSIDE}/child.js`,
      inside,
    ),
  ];
}

/** How a wait for the sandbox ended, when it did not end with the reply waited for. */
export type Ended =
  | { readonly type: 'timeout'; readonly detail: Translated }
  /** `memory`: it ran out of memory (else it exited or was killed by a signal). */
  | { readonly type: 'exit'; readonly detail: (during: Translated) => Translated; readonly memory: boolean }
  /** The sandbox sent something the protocol does not allow. */
  | { readonly type: 'violation'; readonly detail: Translated }
  /** The sandbox could not be started: the grader's fault, not the submission's. */
  | { readonly type: 'unstarted'; readonly detail: string };

/** CPU time in ms of a process and all its descendants (the whole sandbox), or undefined without /proc. */
function cpuMs(pid: number): number | undefined {
  let ticks = 0;
  const visit = (p: number): boolean => {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
    } catch {
      return false;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    let children: string[] = [];
    try {
      children = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').split(' ').filter(Boolean);
    } catch {
      // no children file: count this process alone
    }
    for (const c of children) visit(Number(c));
    return true;
  };
  return visit(pid) ? (ticks * 1000) / probe().ticks : undefined;
}

/** A limit for one wait: CPU time; without /proc, wall time. */
export interface Limit {
  readonly cpuMs: number;
  /** Words for what was being waited for: MSG.finishLoading, MSG.finish. */
  readonly what: Translated;
}

/** How often the CPU time is read while waiting. */
const POLL_MS = 50;

/**
 * One sandbox. Nothing a sandbox sends or does throws here: every problem ends the wait with an `Ended`
 * (and the sandbox is killed), and the runner turns that into the submission's outcome.
 */
export class Sandbox {
  private stderr = '';
  private exit?: { code: number | null; signal: NodeJS.Signals | null };
  private closed = false;
  private pending = '';
  private received = 0;
  private readonly queue: (Reply | Ended)[] = [];
  private wake?: () => void;
  private readonly child: ChildProcess;
  private readonly token = randomBytes(24).toString('hex');

  constructor(private readonly spec: SandboxSpec) {
    const argv = command(spec);
    this.child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
      cwd: spec.stage.root, // without an OS sandbox, a folder the child cannot read: process.cwd() leads nowhere
      env: process.platform === 'win32' ? { SystemRoot: process.env.SystemRoot ?? 'C:\\Windows' } : {},
      windowsHide: true,
    });
    const ignore = (): void => undefined; // a pipe's error (EPIPE after the sandbox ended) ends nothing here
    this.child.on('error', (e) => this.end({ type: 'unstarted', detail: e.message }));
    this.child.stdin!.on('error', ignore);
    this.child.stderr!.on('error', ignore);
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    const replies = this.child.stdio[3] as NodeJS.ReadableStream;
    replies.on('error', ignore);
    replies.on('data', (d: Buffer) => this.receive(d.toString('utf8')));
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
    });
    this.child.on('close', () => {
      this.closed = true;
      this.notify();
    });
    this.child.stdin!.write(`${this.token}\n`);
  }

  /** Reads the reply lines; anything without the token, or longer than a reply can be, ends the sandbox. */
  private receive(chunk: string): void {
    this.received += chunk.length;
    this.pending += chunk;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      const prefix = `${this.token} `;
      if (!line.startsWith(prefix)) return this.end({ type: 'violation', detail: MSG.wroteOnChannel });
      const reply = readReply(line.slice(prefix.length));
      if ('problem' in reply) return this.end({ type: 'violation', detail: MSG.sentProblem(reply.problem) });
      this.queue.push(reply);
    }
    if (this.pending.length > MAX_LINE + 100 || this.received > 64 * MAX_LINE)
      return this.end({ type: 'violation', detail: MSG.sentTooMuch });
    this.notify();
  }

  private end(why: Ended): void {
    this.queue.push(why);
    this.kill();
    this.notify();
  }

  private notify(): void {
    this.wake?.();
  }

  private exited(): Ended {
    const { code, signal } = this.exit ?? { code: null, signal: null };
    const bwrap = /^bwrap: .*/m.exec(this.stderr);
    if (bwrap) return { type: 'unstarted', detail: bwrap[0] };
    // bubblewrap passes on its child's exit code, and 128 + the signal that killed it
    const bySignal =
      signal ??
      (code !== null && code > 128 ? Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] : null);
    const oom = /heap out of memory|Allocation failed/i.test(this.stderr);
    return {
      type: 'exit',
      memory: oom,
      detail: (during) =>
        oom
          ? MSG.memoryLimit(during, this.spec.memoryMb)
          : bySignal
            ? MSG.bySignal(during, bySignal)
            : MSG.exitCode(during, code),
    };
  }

  send(request: object): void {
    if (!this.closed) this.child.stdin!.write(`${JSON.stringify(request)}\n`);
  }

  /**
   * The next reply, or how the wait ended: the limit on CPU time (wall time without /proc), a wait of as long
   * without using the CPU (code waiting for something that never comes), five times as long at a trickle of
   * CPU, a protocol violation, or the end of the process. Any ending but a reply kills the sandbox.
   */
  async next(limit: Limit): Promise<Reply | Ended> {
    const startWall = Date.now();
    const startCpu = cpuMs(this.child.pid ?? -1);
    let lastCpu = startCpu;
    let lastBusy = startWall;
    const idleMs = Math.max(limit.cpuMs, 1000);
    const wallMs = 5 * idleMs;
    for (;;) {
      const first = this.queue.shift();
      if (first) return first;
      if (this.closed) return this.exited();
      const now = Date.now();
      const cpu = startCpu === undefined ? undefined : cpuMs(this.child.pid ?? -1);
      if (cpu === undefined) {
        if (now - startWall > limit.cpuMs) return this.timeout(MSG.overTime(limit.what, limit.cpuMs, false));
      } else {
        if (cpu - startCpu! > limit.cpuMs) return this.timeout(MSG.overTime(limit.what, limit.cpuMs, true));
        if (cpu > lastCpu!) [lastCpu, lastBusy] = [cpu, now];
        else if (now - lastBusy > idleMs) return this.timeout(MSG.idle(limit.what, (idleMs / 1000).toFixed(1)));
        if (now - startWall > wallMs) return this.timeout(MSG.trickle(limit.what, wallMs / 1000));
      }
      const asleep = Date.now();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
      // a grader busy elsewhere (a judge, a big report) wakes late, with the reply maybe still unread: its
      // wait is not the sandbox's idleness
      if (Date.now() - asleep > 4 * POLL_MS) lastBusy = Date.now();
    }
  }

  private timeout(detail: Translated): Ended {
    this.kill();
    return { type: 'timeout', detail };
  }

  kill(): void {
    if (this.exit || this.closed) return;
    this.child.stdin!.end();
    this.child.kill('SIGKILL');
  }
}
