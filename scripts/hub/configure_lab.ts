/**
 * tsx scripts/hub/configure_lab.ts PREFIX: JupyterLab settings for every user of the Jupyter installed in
 * PREFIX (an image's ${NB_PYTHON_PREFIX}, a TLJH user environment): the course's own lab settings (no news
 * fetched from the network, no debugger: scripts/course/lab_config.ts), an extension manager that never asks
 * PyPI (students install nothing on a hub) and lesson 1 as the page a new session opens. binder/postBuild
 * runs it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configureLab } from '../course/lab_config';

const FIRST_LESSON_URL = '/lab/tree/notebooks/01_what_is_mixed_precision.ipynb';

/** Sets some of `app`'s settings in a Jupyter config file, keeping what else it holds. */
function configure(file: string, app: string, settings: Record<string, string>): void {
  const config = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, object>) : {};
  config[app] = { ...config[app], ...settings };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
}

const prefix = process.argv[2];
if (!prefix) {
  console.error('Usage: tsx scripts/hub/configure_lab.ts PREFIX   (the environment that runs Jupyter)');
  process.exit(2);
}
configureLab(prefix);
// `jupyter lab` takes its start page from LabApp, `jupyter server` from ServerApp; neither reads it from a
// config.d folder. JupyterHub and BinderHub pass their own (singleuser.defaultUrl, a badge's urlpath).
const etc = path.join(prefix, 'etc', 'jupyter');
configure(path.join(etc, 'jupyter_lab_config.json'), 'LabApp', {
  default_url: FIRST_LESSON_URL,
  extension_manager: 'readonly',
});
configure(path.join(etc, 'jupyter_server_config.json'), 'ServerApp', { default_url: FIRST_LESSON_URL });
console.log(`Lesson 1 opens first: ${FIRST_LESSON_URL} (${etc})`);
