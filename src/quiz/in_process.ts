/**
 * check()'s last resort: a cell's function that needs notebook state, which cannot go to a sandbox, runs in
 * the notebook's own process. Asynchronous work has a time limit; a synchronous infinite loop needs the
 * kernel's Interrupt. Nothing isolates or limits it otherwise, which is why check() calls such a result
 * unchecked.
 */
import { MSG } from './messages';
import type { CallOutcome } from './runner';
import { fromWire, toWire } from './wire';

type Engine = { memory(): { numTensors: number } };
const tensors = (): number => (globalThis as { _tfengine?: Engine })._tfengine?.memory().numTensors ?? 0;

export async function callInProcess(
  fn: (...a: unknown[]) => unknown,
  args: readonly unknown[],
  timeoutMs: number,
): Promise<CallOutcome> {
  const copy = fromWire(toWire(args)) as unknown[]; // the function gets its own copy of the arguments
  const before = toWire(copy);
  const live = tensors();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      Promise.resolve().then(() => fn(...copy)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(), { name: 'Timeout' })), timeoutMs);
      }),
    ]);
    const mutated = toWire(copy) !== before;
    const decoded = value === undefined || typeof value === 'function' ? null : fromWire(toWire(value) ?? 'null');
    return { status: 'ok', value: decoded, type: typeof value, leaked: tensors() - live, mutated };
  } catch (e) {
    const err = e as Error;
    return err?.name === 'Timeout'
      ? { status: 'timeout', detail: MSG.inProcessTimeout(timeoutMs) }
      : { status: 'error', error: { name: String(err?.name ?? 'Error'), message: String(err?.message ?? e) } };
  } finally {
    clearTimeout(timer);
  }
}
