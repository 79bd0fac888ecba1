/** What binder/environment.yml asks for: Node.js's version range and the pip packages, read line by line. */
import * as fs from 'fs';

export interface Environment {
  /** The conda version range, e.g. ">=20.19,<21". */
  readonly nodejs: string;
  readonly pip: readonly string[];
}

export function readEnvironment(file: string): Environment {
  const text = fs.readFileSync(file, 'utf8');
  const nodejs = /^\s*- nodejs\s*(\S+)/m.exec(text)?.[1] ?? '';
  const pip = text.split(/^\s*- pip:\s*$/m)[1] ?? '';
  return { nodejs, pip: [...pip.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1]!) };
}

const compare = (a: string, b: string): number => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(x!.length, y!.length); i++) {
    const d = (x![i] ?? 0) - (y![i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
};

/** Whether `version` (e.g. 20.20.2) is inside a conda range of comparisons joined by commas. */
export function nodeSatisfies(version: string, range: string): boolean {
  return range.split(',').every((part) => {
    const [, op, bound] = /^(>=|<=|>|<|==?)(.+)$/.exec(part.trim()) ?? [];
    if (!op || !bound) return false;
    const c = compare(version, bound);
    return { '>=': c >= 0, '<=': c <= 0, '>': c > 0, '<': c < 0, '=': c === 0, '==': c === 0 }[op]!;
  });
}
