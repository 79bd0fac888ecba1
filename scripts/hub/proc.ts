/** A process's memory and CPU time, and its descendants, read from Linux's /proc. */
import * as fs from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: fixed at 100 on every Linux architecture hubs run on

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

export function procAvailable(): boolean {
  return fs.existsSync('/proc/self/status');
}

/** Direct children, from every thread (a child belongs to the thread that started it). */
function children(pid: number): number[] {
  const tasks = (() => {
    try {
      return fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  })();
  return tasks.flatMap((t) => (read(`/proc/${pid}/task/${t}/children`) ?? '').split(' ').filter(Boolean).map(Number));
}

export function descendants(pid: number): number[] {
  const found = children(pid);
  return [...found, ...found.flatMap(descendants)];
}

export function commandLine(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');
}

/** Bytes from a /proc/PID/status line such as "VmHWM:   123456 kB". */
function statusBytes(status: string, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

export interface Usage {
  /** The process's own peak resident memory (Linux keeps it: VmHWM). */
  readonly peakRss: number;
  readonly rss: number;
  /** User and system time of the process and of its children that have ended and been waited for. */
  readonly cpuSeconds: number;
}

export function usage(pid: number): Usage | undefined {
  const stat = read(`/proc/${pid}/stat`);
  const status = read(`/proc/${pid}/status`);
  if (!stat || !status) return undefined;
  // fields after the command name (which may hold spaces): state is field 3, utime 14 … cstime 17
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0);
  return {
    peakRss: statusBytes(status, 'VmHWM'),
    rss: statusBytes(status, 'VmRSS'),
    cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND,
  };
}
