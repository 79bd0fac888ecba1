import * as fs from 'fs';
import { expect } from 'chai';
import { FLOAT_FORMAT_NAMES, roundArray, useBackend } from '../../../src/mp';
import { roundOnWasmHeap } from '../../../src/mp/formats/round';
import { activeWasmBackend, wasmHeap } from '../../../src/mp/tfjs_internals';
import { getFloatFormat } from '../../../src/mp/formats/registry';
import type { RoundOptions } from '../../../src/mp/formats/round_options';
import { KERNELS, moduleSource } from '../../../scripts/build-wasm';
import { bitsOf } from '../../helpers';

/**
 * roundArray of x (through the SIMD kernel) gives `scalar` bit for bit, on a first call and a second: data
 * that flag many lanes make the second call run the full kernel (round_full).
 */
function expectSimdEqualsScalar(x: Float32Array, name: string, options: RoundOptions, scalar: Uint32Array): void {
  for (const call of ['first', 'second']) {
    const simd = bitsOf(roundArray(x, name, options));
    const i = simd.findIndex((b, j) => b !== scalar[j]);
    expect(i, `${name} ${JSON.stringify(options)} ${call}: x = ${x[i]} gives ${simd[i]} not ${scalar[i]}`).to.equal(-1);
  }
}

describe('the SIMD rounding kernel', () => {
  it('is committed as compiled from round.wat and amp.wat (run npm run build:wasm after editing them)', async () => {
    for (const kernel of KERNELS) {
      expect(fs.readFileSync(kernel.out, 'utf8'), kernel.wat).to.equal(await moduleSource(kernel));
    }
  });

  it('agrees with the scalar path at every length and chunk boundary, special lanes included', () => {
    // Lengths around the 16-lane turn and the 65536-element chunk; specials scattered through the data.
    for (const n of [1, 15, 16, 17, 65535, 65536, 65537, 200_003]) {
      const x = Float32Array.from({ length: n }, (_, i) =>
        i % 97 === 0 ? [NaN, Infinity, -0, 1e-6, 70000, -3e-8][i % 6]! : Math.sin(i) * 100,
      );
      const simd = bitsOf(roundArray(x, 'float16'));
      // One element at a time never reaches the kernel (it takes 16 lanes a turn): the scalar reference.
      const scalar = Uint32Array.from(x, (v) => bitsOf(roundArray(Float32Array.of(v), 'float16'))[0]!);
      expect(Buffer.from(simd.buffer).equals(Buffer.from(scalar.buffer)), `length ${n}`).to.equal(true);
    }
  });

  it('agrees with the scalar path on NaN bit patterns, 0xffffffff in an unsigned format included', () => {
    // 0xffffffff once matched the kernel's zero marker (−1) and skipped the scalar path in float8_e8m0fnu
    const bits = Uint32Array.from({ length: 64 }, (_, i) => [0xffffffff, 0x7fc00000, 0xff800001, 0x7f800001][i % 4]!);
    const x = new Float32Array(bits.buffer);
    for (const name of FLOAT_FORMAT_NAMES) {
      for (const rounding of ['nearest-even', 'toward-zero'] as const) {
        const simd = roundArray(x, name, { rounding });
        // bits all the way: reading a float32 signalling NaN into a JS number quiets it
        const scalar = Array.from(x, (_, i) => bitsOf(roundArray(x.subarray(i, i + 1), name, { rounding }))[0]!);
        expect([...bitsOf(simd)], `${name} ${rounding}`).to.deep.equal(scalar);
      }
    }
  });

  it('agrees with the scalar path for every float format and option, across exponents, subnormals and overflow', () => {
    const optionSets: RoundOptions[] = [
      {},
      { overflow: 'saturate' },
      { rounding: 'toward-zero' },
      { flushSubnormals: true },
      { overflow: 'saturate', flushSubnormals: true },
    ];
    for (const name of FLOAT_FORMAT_NAMES) {
      const f = getFloatFormat(name);
      // every sign and exponent, with scattered mantissas; then a dense grid around the subnormals, ties included
      const bits = Uint32Array.from({ length: 16384 }, (_, hi) => ((hi << 18) | ((hi * 7919) & 0x3ffff)) >>> 0);
      const grid = Array.from({ length: 801 }, (_, k) => ((k - 400) / 128) * f.minNormal);
      const over = Array.from({ length: 64 }, (_, k) => (k % 2 ? -1 : 1) * f.maxFinite * (1 + k / 256));
      const x = Float32Array.from([...new Float32Array(bits.buffer), ...grid, ...over]);
      for (const options of optionSets) {
        const scalar = Uint32Array.from(x, (v) => bitsOf(roundArray(Float32Array.of(v), name, options))[0]!);
        expectSimdEqualsScalar(x, name, options, scalar);
      }
    }
  });

  it('rounds in place on the wasm heap (src = dst), lanes it hands to the scalar path included', async () => {
    await useBackend('wasm');
    const backend = activeWasmBackend();
    const memory = wasmHeap(backend);
    const malloc = (bytes: number): number => backend.wasm._malloc(bytes);
    // subnormals, NaNs, infinities and overflow among normal values, for both kernels (round and round_full)
    const x = Float32Array.from({ length: 4099 }, (_, i) =>
      i % 7 === 0 ? [1e-6, NaN, -Infinity, 70000, -3e-8, 2e-45, 1e39][(i / 7) % 7]! : Math.sin(i) * 100,
    );
    for (const name of ['float16', 'bfloat16', 'float8_e4m3fn', 'float8_e8m0fnu']) {
      for (const call of ['first', 'second']) {
        const info = backend.makeOutput([x.length], 'float32');
        const view = (): Float32Array => backend.typedArrayFromHeap(info) as Float32Array;
        view().set(x);
        expect(roundOnWasmHeap(memory, malloc, view().byteOffset, view().byteOffset, x.length, name)).to.equal(true);
        expect([...bitsOf(view())], `${name}, ${call} call`).to.deep.equal([...bitsOf(roundArray(x, name))]);
        backend.disposeData(info.dataId);
      }
    }
  });

  it('agrees with the scalar path on ties and their float32 neighbours, from below the subnormals to overflow', () => {
    for (const name of FLOAT_FORMAT_NAMES) {
      const f = getFloatFormat(name);
      if (f.manBits === 23) continue; // float32 has no ties
      // every binade of the format (and one each side); in each, 64 values and midpoints (1 + k/2^(manBits+1))·2^e
      const [first, last] = [Math.log2(f.minSubnormal) - 1, Math.log2(f.maxFinite) + 2].map((e) =>
        Math.min(254, Math.max(1, Math.floor(e) + 127)),
      );
      const ks = Array.from({ length: 64 }, (_, j) => (j * 40503) % 2 ** (f.manBits + 1));
      const bits: number[] = [];
      for (let e = first!; e <= last!; e++) {
        for (const k of ks) {
          const u = (e << 23) | (k << (22 - f.manBits));
          bits.push(u - 1, u, u + 1, (u | 0x80000000) >>> 0);
        }
      }
      const x = new Float32Array(Uint32Array.from(bits).buffer);
      for (const options of [{}, { overflow: 'saturate' }, { flushSubnormals: true }] as RoundOptions[]) {
        // 15 values a call never reach the kernel (it takes 16 lanes a turn): the scalar reference
        const scalar = new Uint32Array(x.length);
        for (let i = 0; i < x.length; i += 15) scalar.set(bitsOf(roundArray(x.subarray(i, i + 15), name, options)), i);
        expectSimdEqualsScalar(x, name, options, scalar);
      }
    }
  });
});
