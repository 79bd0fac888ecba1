import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/**
 * A Python interpreter that can import all of `modules`: $MP_PYTHON, the project's .venv
 * (made by scripts/setup-python.sh), then python3. Returns the reason instead when there is none.
 */
export function findPython(modules: string[]): { python: string } | { reason: string } {
  const candidates = [process.env.MP_PYTHON, path.join(ROOT, '.venv', 'bin', 'python'), 'python3'].filter(
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
