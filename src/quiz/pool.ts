/** A limit on how many grading children run at once: one per core by default, shared by everything graded. */
import * as os from 'os';

export class Pool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

const CORES = os.availableParallelism?.() ?? os.cpus().length;

/** The process's shared pool. */
export const POOL = new Pool(CORES);
