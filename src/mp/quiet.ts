/**
 * tfjs's cpu backend greets Node users once, on its first tensor, with advice to install tfjs-node. The
 * project chooses its backend on purpose (useBackend), so before any backend exists the library registers the
 * cpu backend again with that greeting marked as given; every other tfjs warning still prints. The index
 * imports this module first.
 */
import * as tf from '@tensorflow/tfjs';

/** The priority tfjs-backend-cpu registers itself with (below wasm's and the native backends'). */
const CPU_PRIORITY = 1;

const cpu = tf.findBackendFactory('cpu');
if (cpu && !tf.engine().backendName) {
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => Object.assign(cpu() as tf.KernelBackend, { firstUse: false }), CPU_PRIORITY);
}
