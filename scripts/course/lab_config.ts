/**
 * JupyterLab settings for the project's own venv (never a user's Jupyter): no "Jupyter news" popup, and no
 * debugger extension, which tslab does not support (the page logs errors with it on).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export function configureLab(prefix: string): void {
  writeJson(path.join(prefix, 'share', 'jupyter', 'lab', 'settings', 'overrides.json'), {
    '@jupyterlab/apputils-extension:notification': { fetchNews: 'false' },
  });
  writeJson(path.join(prefix, 'etc', 'jupyter', 'labconfig', 'page_config.json'), {
    disabledExtensions: { '@jupyterlab/debugger-extension': true },
  });
}
