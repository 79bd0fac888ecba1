import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { BackendError, FLOAT_FORMAT_NAMES, getFormat, useBackend, type FloatFormat } from '../../../src/mp';
import { probeBits, roundMismatches } from '../../../src/mp/formats/probe_values';
import { resolveRoundOptions, type RoundOptions } from '../../../src/mp/formats/round_options';
import { KERNELS } from '../../../src/mp/ops/kernel_names';
import type { GpuDevice, WebGpuBackendLike } from '../../../src/mp/tfjs_internals';
import { installWebGpuQuantize } from '../../../src/mp/backend/webgpu/quantize_kernel';
import {
  MAX_WORKGROUPS,
  quantizeDispatch,
  quantizeKey,
  quantizeParams,
  quantizeShader,
  ROUND_BITS_WGSL,
  webGpuQuantizeSupports,
} from '../../../src/mp/backend/webgpu/quantize_wgsl';
import { fixture, hex } from '../../helpers';

type Vectors = Record<string, number[]>;
const casts = fixture<Vectors>('cast_vectors.json');
const castInput = Uint32Array.from(casts.input!);
const probes = probeBits(1 << 20);
const OPTION_SETS: Required<RoundOptions>[] = (['nearest-even', 'toward-zero'] as const).flatMap((rounding) =>
  (['ieee', 'saturate'] as const).flatMap((overflow) =>
    [false, true].map((flushSubnormals) => resolveRoundOptions({ rounding, overflow, flushSubnormals, seed: 0 })),
  ),
);
const label = (o: RoundOptions): string => `${o.rounding}/${o.overflow}${o.flushSubnormals ? '/flush' : ''}`;
const float = (name: string): FloatFormat => getFormat(name) as FloatFormat;

/** The first few mismatches with roundArray, quoted. */
function differences(input: Uint32Array, got: Uint32Array, name: string, o: RoundOptions): string[] {
  return roundMismatches(input, got, name, o)
    .slice(0, 5)
    .map((i) => `${hex(input[i]!)} -> ${hex(got[i]!)} (${name}, ${label(o)})`);
}

/**
 * The WGSL as JavaScript, by a few textual rewrites (u32 literals, var, >> as >>>, select, min/max). Every
 * comparison in the shader is on values below 2^31, so JavaScript's int32 bit operations give its u32 results
 * (the caller reads results through a Uint32Array). Bindings and the uniform struct come from `scope`.
 */
function wgslAsJs(code: string): string {
  return code
    .replace(/^(struct|@group|@compute).*$/gm, '')
    .replace(/@builtin\(\w+\)/g, '')
    .replace(/fn (\w+)\(([^)]*)\)(\s*->\s*\w+)?/g, (_m, name: string, args: string) => {
      const names = args.split(',').map((a) => a.split(':')[0]!.trim());
      return `function ${name}(${names.filter(Boolean).join(', ')})`;
    })
    .replace(/\b(0x[0-9a-f]+|\d+)u\b/g, '$1')
    .replace(/\bvar\b/g, 'let')
    .replace(/>>/g, '>>>')
    .replace(/\bselect\(/g, '((f, t, c) => (c ? t : f))(')
    .replace(/\b(max|min)\(/g, 'Math.$1(');
}

/** roundBits of the shader for (format, options), as a JavaScript function. */
function wgslRoundBits(f: FloatFormat, o: Required<RoundOptions>): (u: number) => number {
  const code = quantizeShader(f, o).replace(/^@compute[\s\S]*$/m, ''); // constants and functions, no entry point
  return new Function(`${wgslAsJs(code)}\nreturn roundBits;`)() as (u: number) => number;
}

/** The shader's roundBits, run as JavaScript, on every input. */
function shaderBits(input: Uint32Array, name: string, o: Required<RoundOptions>): Uint32Array {
  const roundBits = wgslRoundBits(float(name), o);
  return input.map((u) => roundBits(u));
}

describe('webgpu quantize: WGSL generation', () => {
  it('declares every constant the rounding functions use, and leaves no template holes', () => {
    const code = quantizeShader(float('float8_e4m3fn'), OPTION_SETS[0]!);
    const declared = new Set([...code.matchAll(/^const (\w+)/gm)].map((m) => m[1]));
    const used = new Set(ROUND_BITS_WGSL.match(/\b[A-Z][A-Z0-9_]+\b/g));
    expect([...used].filter((name) => !declared.has(name))).to.be.empty;
    expect(declared.size).to.equal(Object.keys(quantizeParams(float('float16'), OPTION_SETS[0]!)).length + 2);
    expect(code).not.to.match(/\$\{|undefined|NaN/);
    expect(code).to.contain('fn main(').and.contain('var<storage, read> x : array<u32>');
  });
  it('does no float arithmetic: the shader never names f32, f16 or a bitcast', () => {
    for (const name of FLOAT_FORMAT_NAMES) {
      for (const o of OPTION_SETS)
        expect(quantizeShader(float(name), o)).not.to.match(/\bf32\b|\bf16\b|bitcast|\d\.\d/);
    }
  });
  it('gives each format and option set its own pipeline key', () => {
    const keys = FLOAT_FORMAT_NAMES.flatMap((name) => OPTION_SETS.map((o) => quantizeKey(float(name), o)));
    expect(new Set(keys).size).to.equal(15 * 8);
  });
  it('dispatches one thread per value up to 65535 workgroups, and a grid-stride loop beyond', () => {
    expect(quantizeDispatch(0)).to.equal(1);
    expect(quantizeDispatch(257)).to.equal(2);
    expect(quantizeDispatch(2 ** 30)).to.equal(MAX_WORKGROUPS);
    expect(quantizeShader(float('float16'), OPTION_SETS[0]!)).to.contain('i += groups.x * 256u');
  });
  it('runs float formats under nearest-even and toward-zero; stochastic rounding and integer grids are not exact', () => {
    const o = OPTION_SETS[0]!;
    expect(webGpuQuantizeSupports(float('float16'), o)).to.equal(true);
    expect(webGpuQuantizeSupports(float('float16'), { ...o, rounding: 'stochastic' })).to.equal(false);
    expect(webGpuQuantizeSupports(getFormat('int8'), o)).to.equal(false);
  });
});

describe('webgpu quantize: the WGSL itself, run as JavaScript', () => {
  before(async () => {
    await useBackend('cpu'); // the kernel runs on a simulated webgpu backend; tfjs itself needs one to start
  });

  for (const name of Object.keys(casts).filter((k) => k !== 'input')) {
    it(`matches every ml_dtypes ${name} cast vector bit for bit`, () => {
      const got = shaderBits(castInput, name, OPTION_SETS[0]!);
      const want = casts[name]!;
      const wrong = want.flatMap((w, i) => (got[i] === w ? [] : [`${hex(castInput[i]!)} -> ${hex(got[i]!)}`]));
      expect(wrong, wrong.slice(0, 5).join('\n')).to.be.empty;
    });
  }
  for (const name of FLOAT_FORMAT_NAMES) {
    it(`rounds 2^20 probe values and the cast vectors to ${name} like roundArray, under all 8 option sets`, () => {
      for (const o of OPTION_SETS) {
        for (const input of [probes, castInput]) {
          const wrong = differences(input, shaderBits(input, name, o), name, o);
          expect(wrong, wrong.join('\n')).to.be.empty;
        }
      }
    });
  }

  const sample = probes.subarray(0, 1 << 16);
  it('runs in the kernel on a simulated backend: bindings, uniforms and the grid-stride loop', () => {
    installWebGpuQuantize();
    const flag = 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'; // tfjs-backend-webgpu registers it where it is loaded
    if (!(flag in tf.env().getFlags())) tf.env().registerFlag(flag, () => 15);
    const n = MAX_WORKGROUPS * 256 + 1000; // the last 1000 values take the loop's second turn
    const input = new Uint32Array(n);
    for (let i = 0; i < n; i += sample.length) input.set(sample.subarray(0, Math.min(sample.length, n - i)), i);
    const sim = simulatedBackend();
    const x = sim.makeTensorInfo([n], 'float32', new Float32Array(input.buffer));
    const kernel = tf.getKernel(KERNELS.quantize, 'webgpu')!;
    const attrs = { format: 'float8_e5m2', ...OPTION_SETS[0]! } as unknown as tf.NamedAttrMap;
    const out = kernel.kernelFunc({
      inputs: { x },
      backend: sim as unknown as tf.KernelBackend,
      attrs,
    }) as tf.TensorInfo;
    expect(sim.dispatches).to.deep.equal([[MAX_WORKGROUPS, 1, 1]]);
    const got = sim.bits(out);
    const wrong = differences(input, got, 'float8_e5m2', OPTION_SETS[0]!);
    expect(wrong, wrong.join('\n')).to.be.empty;
    const bad = { format: 'int8', ...OPTION_SETS[0]! } as unknown as tf.NamedAttrMap;
    expect(() =>
      kernel.kernelFunc({ inputs: { x }, backend: sim as unknown as tf.KernelBackend, attrs: bad }),
    ).to.throw(BackendError, /float formats/);
  });
});

/** A stand-in for tfjs-backend-webgpu whose dispatches run the shader's WGSL as JavaScript. */
function simulatedBackend() {
  type Buffer = { size: number; data: Uint32Array };
  const tensors = new Map<object, { resource: Buffer | null; dtype: string; values: unknown; shape: number[] }>();
  let pipeline: { code: string } | null = null;
  let group: { binding: number; resource: { buffer?: Buffer; data?: Uint32Array } }[] = [];
  const dispatches: number[][] = [];
  const device = {
    createShaderModule: (d: { code: string }) => d,
    createComputePipeline: (d: { compute: { module: { code: string } } }) => ({
      code: d.compute.module.code,
      getBindGroupLayout: () => ({}),
    }),
    createBindGroup: (d: { entries: typeof group }) => d.entries,
  } as unknown as GpuDevice;
  const pass = {
    setPipeline: (p: unknown) => (pipeline = p as { code: string }),
    setBindGroup: (_i: number, g: unknown) => (group = g as typeof group),
    dispatchWorkgroups(...size: number[]) {
      dispatches.push(size);
      // bindings by the shader's own declarations: var<...> name at @binding(i)
      const scope: Record<string, unknown> = {};
      for (const [, i, name] of pipeline!.code.matchAll(/@binding\((\d+)\) var<[^>]+> (\w+)/g)) {
        const r = group.find((e) => e.binding === Number(i))!.resource;
        scope[name!] = r.buffer ? r.buffer.data : r.data;
      }
      const fields = /struct Params \{([^}]*)\}/.exec(pipeline!.code)![1]!.split(',');
      const uniform = scope['params'] as Uint32Array;
      scope['params'] = Object.fromEntries(fields.map((f, i) => [f.split(':')[0]!.trim(), uniform[i]]));
      const main = new Function(...Object.keys(scope), `${wgslAsJs(pipeline!.code)}\nreturn main;`)(
        ...Object.values(scope),
      ) as (gid: { x: number }, groups: { x: number }) => void;
      for (let g = 0; g < size[0]! * 256; g++) main({ x: g }, { x: size[0]! });
    },
    end: () => {},
  };
  const backend: WebGpuBackendLike & { dispatches: number[][]; bits(t: tf.TensorInfo): Uint32Array } = {
    device,
    commandEncoder: { beginComputePass: () => pass },
    computePassEncoder: null,
    dispatchCountInPass: 0,
    commandQueueOwnedIds: new WeakSet(),
    tensorMap: { get: (id) => tensors.get(id)! },
    uploadToGPU(id) {
      const t = tensors.get(id)!;
      if (t.resource) return;
      const data = new Uint32Array(t.shape.reduce((a, b) => a * b, 1));
      if (t.values) data.set(new Uint32Array((t.values as Float32Array).buffer));
      t.resource = { size: data.byteLength, data };
    },
    makeTensorInfo(shape: number[], dtype: string, values?: Float32Array) {
      const dataId = {};
      tensors.set(dataId, { resource: null, dtype, values: values ?? null, shape });
      return { dataId, shape, dtype: dtype as tf.DataType };
    },
    makeUniforms: (u) => ({ data: Uint32Array.from(u.flatMap((d) => d.data)) }),
    ensureCommandEncoderReady: () => {},
    endComputePassEncoder: () => (backend.computePassEncoder = null),
    submitQueue: () => {},
    dispatches,
    bits: (t) => tensors.get(t.dataId)!.resource!.data,
  };
  return backend;
}
