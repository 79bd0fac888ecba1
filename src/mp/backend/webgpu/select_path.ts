/**
 * Which matmul kernel the WebGPU backend runs, chosen from the adapter's features at start-up. Pure logic:
 * no WebGPU types, so CPU tests (and the notebooks' compilers) can load it.
 *
 *     selectMatmulPath({ features: ['shader-f16', 'chromium-experimental-subgroup-matrix'],
 *                        subgroupMatrixConfigs: [{ componentType: 'f16', resultComponentType: 'f32', M: 16, N: 16, K: 16 }] })
 *     // → { path: 'subgroup-matrix', reason: 'tensor cores: f16 → f32 subgroup matrices 16×16×16' }
 */

/** The Dawn toggles that expose shader-f16 and subgroup matrices on NVIDIA (measured on the H200, docs/gpu.md). */
export const DAWN_TOGGLES = ['enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia'] as const;

export const F16_FEATURE = 'shader-f16';
export const SUBGROUP_MATRIX_FEATURE = 'chromium-experimental-subgroup-matrix';

/** One entry of Dawn's `adapter.info.subgroupMatrixConfigs`. */
export interface SubgroupMatrixConfig {
  readonly componentType: string;
  readonly resultComponentType: string;
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

export interface AdapterFeatures {
  readonly features: Iterable<string>;
  readonly subgroupMatrixConfigs?: readonly SubgroupMatrixConfig[];
  /** Smallest subgroup size the adapter may use (the tensor-core kernel assumes 32 lanes). */
  readonly subgroupMinSize?: number;
  readonly subgroupMaxSize?: number;
}

/**
 * - `subgroup-matrix`: f16 operands on the tensor cores, f32 accumulation (16×16×16 subgroup matrices);
 * - `f16`: tiled kernel with f16 tiles and f16 products, summed in f32 once per 16-deep slice;
 * - `f32`: tiled f32 kernel (128×128 tiles, 8×8 outputs per thread);
 * - `tfjs`: tfjs-backend-webgpu's own kernels, where the project's failed their start-up self-test.
 * The f32 kernel exists wherever the others do: float32 and bfloat16 policies run it on every adapter.
 */
export type MatmulPath = 'subgroup-matrix' | 'f16' | 'f32' | 'tfjs';

export interface PathChoice {
  /** The fastest low-precision path (or f32 where there is none). */
  readonly path: MatmulPath;
  readonly reason: string;
}

/** The tensor-core tile the kernel uses: f16 inputs, f32 results, 16×16×16. */
export const TENSOR_CORE_TILE = { componentType: 'f16', resultComponentType: 'f32', M: 16, N: 16, K: 16 } as const;

/** Picks the matmul path from the adapter's features; `disabled` lists paths a self-test rejected. */
export function selectMatmulPath(adapter: AdapterFeatures, disabled: readonly MatmulPath[] = []): PathChoice {
  const features = new Set(adapter.features);
  const ok = (p: MatmulPath): boolean => !disabled.includes(p);
  // float32 and bfloat16 policies need the f32 kernel: without it, tfjs's own kernels run everything
  if (!ok('f32')) return { path: 'tfjs', reason: "the f32 kernel failed its start-up self-test, so tfjs's own run" };
  const notes: string[] = [];
  if (features.has(SUBGROUP_MATRIX_FEATURE) && features.has(F16_FEATURE)) {
    const t = TENSOR_CORE_TILE;
    const hasTile = (adapter.subgroupMatrixConfigs ?? []).some(
      (c) =>
        c.componentType === t.componentType &&
        c.resultComponentType === t.resultComponentType &&
        c.M === t.M &&
        c.N === t.N &&
        c.K === t.K,
    );
    const lanes32 = (adapter.subgroupMinSize ?? 32) === 32 && (adapter.subgroupMaxSize ?? 32) === 32;
    if (!hasTile) notes.push('subgroup matrices lack an f16→f32 16×16×16 config');
    else if (!lanes32) notes.push('subgroup matrices need 32-lane subgroups here');
    else if (!ok('subgroup-matrix')) notes.push('the subgroup-matrix kernel failed its start-up self-test');
    else return { path: 'subgroup-matrix', reason: 'tensor cores: f16 → f32 subgroup matrices 16×16×16' };
  } else {
    notes.push(`no ${features.has(F16_FEATURE) ? SUBGROUP_MATRIX_FEATURE : F16_FEATURE} feature`);
  }
  const why = notes.join('; ');
  if (features.has(F16_FEATURE) && ok('f16')) {
    return { path: 'f16', reason: `${why}; f16 tiles and products, f32 sums per 16-deep slice` };
  }
  return { path: 'f32', reason: `${why}; tiled f32 kernel only` };
}

/**
 * Which kernel a matmul runs under a compute format. Products of two float16 values are exact in float32,
 * so on operands already rounded to float16 the tensor cores (f32 accumulation) give the emulation's result
 * up to the order of the sums. bfloat16 has no WGSL type: it stays emulated (bf16-rounded operands through
 * the f32 kernel). That is also exact per product (8+8 significand bits fit in float32's 24), so only the
 * speed differs from a bf16 tensor core, not the values. Other formats run the f32 kernel on emulated values.
 * The `f16` fallback is no emulation: it multiplies and sums in f16 (partial sums of 16), so it is less
 * accurate than the casts it stands for, and backendInfo says which path runs.
 */
export function kernelForCompute(compute: string, path: MatmulPath): { kernel: MatmulPath; note: string } {
  if (path === 'tfjs') return { kernel: 'tfjs', note: "tfjs's own kernels" };
  if (compute === 'float16' && (path === 'subgroup-matrix' || path === 'f16')) {
    return { kernel: path, note: 'float16 operands in real f16' };
  }
  if (compute === 'bfloat16') return { kernel: 'f32', note: 'bfloat16 emulated (no bf16 in WGSL), f32 kernel' };
  return { kernel: 'f32', note: compute === 'float32' ? 'float32' : `${compute} emulated over float32` };
}

let computeFormat = 'float32';

/**
 * Sets the compute format the WebGPU matmul kernels honour (a policy's `compute.name`); returns the previous
 * one. 'float16' runs matmuls on the tensor cores where the adapter has them; anything else runs f32.
 */
export function setGpuMatmulCompute(format: string): string {
  const previous = computeFormat;
  computeFormat = format;
  return previous;
}

export function gpuMatmulCompute(): string {
  return computeFormat;
}

/**
 * Runs fn with matmuls in `format` on the WebGPU kernels (a no-op elsewhere), e.g. inside a layer's product
 * and its gradient, so that each matmul follows its own policy:
 *
 *     withGpuMatmulCompute(policy.compute.name, () => tf.matMul(x, w))
 */
export function withGpuMatmulCompute<T>(format: string, fn: () => T): T {
  const previous = setGpuMatmulCompute(format);
  try {
    return fn();
  } finally {
    setGpuMatmulCompute(previous);
  }
}
