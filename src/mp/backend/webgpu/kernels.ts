/**
 * The project's matmul kernels on tfjs-backend-webgpu. The few WebGPU shapes they use are declared in
 * backend_like.ts, so no WebGPU types reach the notebooks.
 *
 * installWebGpuMatmul() replaces the 'webgpu' backend factory with one that asks the adapter for shader-f16
 * and subgroup matrices, and registers BatchMatMul and _FusedMatMul kernels that run the WGSL of wgsl.ts
 * through the backend's own command encoder. Cases they do not cover (int32, mismatched batch shapes,
 * prelu/leaky/sigmoid epilogues, a bias that is not a row of N) go to tfjs's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import {
  gpuMatmulCompute,
  kernelForCompute,
  selectMatmulPath,
  F16_FEATURE,
  SUBGROUP_MATRIX_FEATURE,
  type AdapterFeatures,
  type MatmulPath,
  type PathChoice,
  type SubgroupMatrixConfig,
} from './select_path';
import { pipelineFor, recordDispatch } from './backend_like';
import { activeWebGpuBackend, tfjsKernel, type GpuDevice, type WebGpuBackendLike } from '../../tfjs_internals';
import {
  chooseTile,
  dispatchSize,
  matmulShader,
  shaderKey,
  vectorFlags,
  type Activation,
  type KernelKind,
} from './wgsl';

interface GpuAdapter {
  readonly features: Iterable<string> & { has(name: string): boolean };
  readonly limits: Record<string, number>;
  readonly info?: {
    vendor?: string;
    architecture?: string;
    description?: string;
    subgroupMinSize?: number;
    subgroupMaxSize?: number;
    subgroupMatrixConfigs?: readonly SubgroupMatrixConfig[];
  };
  requestDevice(d: unknown): Promise<GpuDevice>;
}
interface Gpu {
  requestAdapter(o?: unknown): Promise<GpuAdapter | null>;
}

export interface GpuMatmulInfo {
  /** The path matmuls under a float16 policy take; float32 ones run the f32 kernel unless this is 'tfjs'. */
  readonly path: MatmulPath;
  readonly reason: string;
  readonly features: string[];
  readonly subgroupMatrixConfigs: readonly SubgroupMatrixConfig[];
  readonly adapter: string;
  /** Kernels that failed their start-up self-test, with the error. */
  readonly rejected: Record<string, string>;
}

/** WebGPU's default limit of workgroups per dispatch dimension. */
const MAX_WORKGROUPS = 65535;

let info: GpuMatmulInfo | null = null;
let registered = false;
let forced: KernelKind | 'tfjs' | null = null;
let adapterFeatures: AdapterFeatures | null = null;

/** What runs, once the backend has started (null before). */
export function gpuMatmulInfo(): GpuMatmulInfo | null {
  return info;
}

interface MatmulArgs {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  bias?: tf.TensorInfo | undefined;
  activation: Activation;
}

/** Batch shapes C gets from A and B, or null where they broadcast other than whole (tfjs handles those). */
function batchShape(a: number[], b: number[]): number[] | null {
  const size = (s: number[]): number => s.reduce((x, y) => x * y, 1);
  if (size(a) === 1) return b;
  if (size(b) === 1 || (a.length === b.length && a.every((d, i) => d === b[i]))) return a;
  return null;
}

/** Records one matmul on the backend's command encoder; returns C, or null where it does not apply. */
function runKernel(backend: WebGpuBackendLike, kind: KernelKind, args: MatmulArgs): tf.TensorInfo | null {
  const { a, b, transposeA, transposeB, bias, activation } = args;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || (bias && bias.dtype !== 'float32')) return null;
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const [ra, ca] = a.shape.slice(-2) as [number, number];
  const [rb, cb] = b.shape.slice(-2) as [number, number];
  const M = transposeA ? ca : ra;
  const K = transposeA ? ra : ca;
  const N = transposeB ? rb : cb;
  if ((transposeB ? cb : rb) !== K) return null;
  const outBatch = batchShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!outBatch) return null;
  const batch = outBatch.reduce((x, y) => x * y, 1);
  if (batch > MAX_WORKGROUPS) return null; // the batch is the dispatch's z count
  const biasSize = bias ? bias.shape.reduce((x, y) => x * y, 1) : 1;
  // a row of N (any leading 1s) or one value; tfjs broadcasts other shapes, e.g. a column [N, 1]
  if (bias && biasSize !== 1 && !(biasSize === N && bias.shape[bias.shape.length - 1] === N)) return null;
  const rank = Math.max(a.shape.length, b.shape.length);
  const outShape = [...outBatch, M, N].slice(-rank);
  const out = backend.makeTensorInfo(outShape, 'float32');
  if (batch * M * N === 0) return out;
  const tile = chooseTile(kind, M, N, batch);
  const shader = {
    kind,
    tile,
    transposeA,
    transposeB,
    bias: bias !== undefined,
    activation,
    ...vectorFlags(M, K, N, transposeA, transposeB),
  };
  const p = pipelineFor(backend.device, shaderKey(shader), () => matmulShader(shader));
  const sizeA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const sizeB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const dims = [M, N, K, sizeA === 1 ? 0 : M * K, sizeB === 1 ? 0 : K * N, biasSize, 0, 0];
  const uniforms = backend.makeUniforms(dims.map((x) => ({ type: 'uint32', data: [x] })));
  // the backend's own encoder and pass, as tfjs's programs use, so the order of work is kept
  recordDispatch(backend, p, bias ? [out, a, b, bias] : [out, a, b], uniforms, dispatchSize(tile, M, N, batch));
  return out;
}

/** The kernel a matmul takes now: forced, else from the compute format and the adapter's path. */
function currentKernel(): KernelKind | 'tfjs' {
  if (forced) return forced;
  if (!info) return 'tfjs';
  return kernelForCompute(gpuMatmulCompute(), info.path).kernel;
}

/**
 * BatchMatMul and _FusedMatMul: the project's kernel where it covers the case (a linear or relu epilogue,
 * a bias of N), else tfjs's own (`original`). BatchMatMul carries no bias and no activation.
 */
function matMulKernel(original: tf.KernelConfig) {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo => {
    const kind = currentKernel();
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean; activation?: string };
    const activation = attrs.activation ?? 'linear';
    const simple = (activation === 'linear' || activation === 'relu') && !args.inputs['preluActivationWeights'];
    const out =
      kind === 'tfjs' || !simple
        ? null
        : runKernel(args.backend as WebGpuBackendLike, kind, {
            a: args.inputs['a']!,
            b: args.inputs['b']!,
            transposeA: Boolean(attrs.transposeA),
            transposeB: Boolean(attrs.transposeB),
            bias: args.inputs['bias'],
            activation: activation as Activation,
          });
    return out ?? (original.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo);
  };
}

function registerKernels(): void {
  if (registered) return;
  const [batch, fused] = [tfjsKernel('BatchMatMul', 'webgpu'), tfjsKernel('_FusedMatMul', 'webgpu')];
  registered = true;
  for (const original of [batch, fused]) {
    tf.unregisterKernel(original.kernelName, 'webgpu');
    tf.registerKernel({ ...original, kernelFunc: matMulKernel(original) as tf.KernelFunc });
  }
}

/** The start-up self-test's products: each layout, a batch, and the Dense layer's fused bias and relu. */
const SELF_TEST_CASES = [
  { M: 100, K: 72, N: 40, batch: 1, tA: false, tB: false, fused: false },
  { M: 33, K: 130, N: 17, batch: 1, tA: true, tB: false, fused: false },
  { M: 20, K: 36, N: 28, batch: 3, tA: false, tB: true, fused: false },
  { M: 64, K: 50, N: 24, batch: 1, tA: false, tB: false, fused: true },
] as const;

/**
 * Checks a kernel on the device: compiles it, and compares the SELF_TEST_CASES with float64 on the CPU.
 * Returns null when it passes, else why it failed.
 */
async function selfTest(device: GpuDevice, kind: KernelKind): Promise<string | null> {
  let failure: string | null = null;
  const result = await compare(device, kind).finally(async () => {
    const error = await device.popErrorScope().catch(() => null);
    if (error) failure = error.message;
  });
  return failure ?? result;
}

async function compare(device: GpuDevice, kind: KernelKind): Promise<string | null> {
  const tol = kind === 'f32' ? 1e-5 : 2e-2;
  const previous = forced;
  forced = kind;
  device.pushErrorScope('validation');
  try {
    for (const { M, K, N, batch, tA, tB, fused } of SELF_TEST_CASES) {
      // A[b] is M×K and B[b] K×N, row-major; stored transposed where the case says so
      const av = Float32Array.from({ length: batch * M * K }, (_, i) => Math.sin(i * 0.37));
      const bv = Float32Array.from({ length: batch * K * N }, (_, i) => Math.cos(i * 0.91));
      const biasv = Float32Array.from({ length: N }, (_, n) => Math.sin(n * 1.3));
      const got = await tf
        .tidy(() => {
          const a = tf.tensor3d(av, [batch, M, K]);
          const b = tf.tensor3d(bv, [batch, K, N]);
          const [sa, sb] = [tA ? tf.transpose(a, [0, 2, 1]) : a, tB ? tf.transpose(b, [0, 2, 1]) : b];
          return fused
            ? tf.fused.matMul({
                a: sa,
                b: sb,
                transposeA: tA,
                transposeB: tB,
                bias: tf.tensor1d(biasv),
                activation: 'relu',
              })
            : tf.matMul(sa, sb, tA, tB);
        })
        .data();
      for (let i = 0; i < batch * M * N; i++) {
        const [bi, m, n] = [Math.floor(i / (M * N)), Math.floor(i / N) % M, i % N];
        let want = fused ? biasv[n]! : 0;
        let scale = Math.abs(want);
        for (let k = 0; k < K; k++) {
          const p = av[(bi * M + m) * K + k]! * bv[(bi * K + k) * N + n]!;
          want += p;
          scale += Math.abs(p);
        }
        if (fused) want = Math.max(want, 0);
        if (!(Math.abs(got[i]! - want) <= tol * scale)) {
          return `${batch}×${M}×${K}·${K}×${N} (transposed ${tA}/${tB}${fused ? ', bias, relu' : ''}): C[${i}] = ${got[i]}, float64 ${want}`;
        }
      }
    }
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    forced = previous;
  }
}

const WANTED_FEATURES = ['timestamp-query', F16_FEATURE, SUBGROUP_MATRIX_FEATURE, 'subgroups'];

/**
 * Wraps the 'webgpu' backend factory and replaces the matmul kernels. Call after tfjs-backend-webgpu has
 * loaded and before tf.setBackend('webgpu'). tfjs's factory still builds the backend; it is handed an
 * adapter whose requestDevice also asks for shader-f16 and subgroup matrices where the adapter has them,
 * and the chosen path is recorded (gpuMatmulInfo()).
 */
export function installWebGpuMatmul(): void {
  registerKernels();
  const original = tf.findBackendFactory('webgpu');
  if (!original) throw new Error('tfjs-backend-webgpu is not loaded');
  if (wrapped.has(original)) return;
  const factory = async (): Promise<tf.KernelBackend> => {
    const g = globalThis as unknown as { navigator: { gpu: Gpu } };
    const navigator = g.navigator;
    const gpu = navigator.gpu;
    const shim: Gpu = {
      requestAdapter: async (o?: unknown) => {
        const adapter = await gpu.requestAdapter(o);
        return adapter && withFeatures(adapter);
      },
    };
    Object.defineProperty(globalThis, 'navigator', { value: { ...navigator, gpu: shim }, configurable: true });
    try {
      return (await original()) as tf.KernelBackend;
    } finally {
      Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true });
    }
  };
  wrapped.add(factory);
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', factory, 3);
}

const wrapped = new WeakSet<object>();

/** The adapter, with requestDevice asking for the features the kernels use; records the path. */
function withFeatures(adapter: GpuAdapter): GpuAdapter {
  const ai = adapter.info ?? {};
  const configs = ai.subgroupMatrixConfigs ?? [];
  adapterFeatures = {
    features: [...adapter.features].map(String),
    // Dawn's config objects keep their fields as getters on the prototype: read each one
    subgroupMatrixConfigs: configs.map((c) => ({
      componentType: String(c.componentType),
      resultComponentType: String(c.resultComponentType),
      M: Number(c.M),
      N: Number(c.N),
      K: Number(c.K),
    })),
    ...(ai.subgroupMinSize === undefined ? {} : { subgroupMinSize: ai.subgroupMinSize }),
    ...(ai.subgroupMaxSize === undefined ? {} : { subgroupMaxSize: ai.subgroupMaxSize }),
  };
  info = {
    ...selectMatmulPath(adapterFeatures),
    features: [...adapterFeatures.features].sort(),
    subgroupMatrixConfigs: adapterFeatures.subgroupMatrixConfigs ?? [],
    adapter: [ai.vendor, ai.architecture, ai.description].filter(Boolean).join(' '),
    rejected: {},
  };
  const extra = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  return new Proxy(adapter, {
    get(target, key) {
      if (key === 'requestDevice') {
        return (d: { requiredFeatures?: unknown[] } = {}) =>
          target.requestDevice({ ...d, requiredFeatures: [...new Set([...(d.requiredFeatures ?? []), ...extra])] });
      }
      const v = (target as unknown as Record<string | symbol, unknown>)[key];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** After tf.setBackend('webgpu'): self-tests the chosen kernels, falls back where one fails; returns the result. */
export async function verifyWebGpuMatmul(): Promise<GpuMatmulInfo | null> {
  if (!info || tf.getBackend() !== 'webgpu') return info;
  const device = activeWebGpuBackend().device;
  const rejected: Record<string, string> = { ...info.rejected };
  const disabled: MatmulPath[] = Object.keys(rejected) as MatmulPath[];
  let choice: PathChoice = selectMatmulPath(adapterFeatures!, disabled);
  for (;;) {
    const kinds: KernelKind[] = choice.path === 'tfjs' ? [] : choice.path === 'f32' ? ['f32'] : [choice.path, 'f32'];
    let failed: KernelKind | null = null;
    for (const k of kinds) {
      const why = await selfTest(device, k);
      if (why !== null) {
        rejected[k] = why;
        failed = k;
        break;
      }
    }
    if (!failed) break;
    disabled.push(failed);
    choice = selectMatmulPath(adapterFeatures!, disabled);
  }
  info = { ...info, ...choice, rejected };
  return info;
}

/** Runs one matmul with a given kernel (benchmarks and tests), whatever the compute format says. */
export function matMulWith(
  kind: KernelKind | 'tfjs',
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA = false,
  transposeB = false,
) {
  const previous = forced;
  forced = kind;
  try {
    return tf.matMul(a, b, transposeA, transposeB);
  } finally {
    forced = previous;
  }
}
