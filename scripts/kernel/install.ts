/**
 * npm run kernel [-- --prefix DIR]: registers the course kernel for the current user (honouring
 * JUPYTER_DATA_DIR), or under DIR/share/jupyter (a venv's prefix, or /usr/local for every user).
 */
import { parseArgs } from 'node:util';
import { installKernel, KERNEL_DISPLAY_NAME, KERNEL_NAME } from './kernelspec';

const { values } = parseArgs({ options: { prefix: { type: 'string' } } });
const dir = installKernel(values.prefix);
console.log(`Installed kernel "${KERNEL_NAME}" (${KERNEL_DISPLAY_NAME}) in ${dir}`);
