/**
 * One body for a sync API and its async twin. The body is a generator that yields each read back as a Read;
 * runSync does them with dataSync (cpu, wasm), runAsync awaits them (every backend, WebGPU included).
 *
 *     function* body() { const w = yield* read({ sync: () => t.dataSync(), async: () => t.data() }); ... }
 *     const f = () => runSync(body());  const fAsync = () => runAsync(body());
 */

/** A read back, in both forms. */
export interface Read<T> {
  sync(): T;
  async(): Promise<T>;
}

export type Reading<T> = Generator<Read<unknown>, T, unknown>;

/** Yields a read to the driver and returns its result. */
export function* read<T>(r: Read<T>): Generator<Read<unknown>, T, unknown> {
  return (yield r) as T;
}

/** Runs a body doing each read synchronously. */
export function runSync<T>(body: Reading<T>): T {
  try {
    let r = body.next();
    // casts, not narrowing on r.done: tslab compiles notebooks without strictNullChecks
    while (!r.done) r = body.next((r.value as Read<unknown>).sync());
    return r.value as T;
  } finally {
    body.return(undefined as T); // runs the body's finally blocks if a read threw
  }
}

/** Runs a body awaiting each read. */
export async function runAsync<T>(body: Reading<T>): Promise<T> {
  try {
    let r = body.next();
    while (!r.done) r = body.next(await (r.value as Read<unknown>).async());
    return r.value as T;
  } finally {
    body.return(undefined as T);
  }
}
