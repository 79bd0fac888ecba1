/** Deterministic uniform values in [-1, 1) (a 32-bit LCG), the inputs of the GPU scripts' matmuls. */
export function uniformValues(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}
