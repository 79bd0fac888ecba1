import * as fs from 'fs';
import * as path from 'path';

/** Reads a JSON fixture from test/fixtures. */
export function fixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')) as T;
}

/** Float32 values from their uint32 bit patterns, as the fixtures store them. */
export function floatsFromBits(bits: readonly number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

export function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

export const hex = (u: number): string => '0x' + (u >>> 0).toString(16).padStart(8, '0');

/** The error a promise rejects with; fails the test where it resolves. For `expect(...).to.be.instanceOf`. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Runs f and logs how long it took (a figure for the reader; no test asserts it). */
export function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const start = Date.now();
  return f().then((r) => {
    console.log(`      ${label}: ${((Date.now() - start) / 1000).toFixed(2)} s`);
    return r;
  });
}
