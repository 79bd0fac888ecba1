import { expect } from 'chai';
import {
  DAWN_TOGGLES,
  kernelForCompute,
  selectMatmulPath,
  setGpuMatmulCompute,
  gpuMatmulCompute,
  type SubgroupMatrixConfig,
} from '../../../src/mp/backend/webgpu/select_path';
import {
  ceilDiv,
  chooseTile,
  dispatchSize,
  LARGE_TILE,
  MATRIX_TILE,
  matmulShader,
  shaderKey,
  SMALL_MATRIX_TILE,
  SMALL_TILE,
  vectorFlags,
  threadsPerWorkgroup,
  workgroupBytes,
  type KernelKind,
  type MatmulShader,
} from '../../../src/mp/backend/webgpu/wgsl';

const F16_F32: SubgroupMatrixConfig = { componentType: 'f16', resultComponentType: 'f32', M: 16, N: 16, K: 16 };
const F16_F16: SubgroupMatrixConfig = { componentType: 'f16', resultComponentType: 'f16', M: 16, N: 16, K: 16 };
const ALL = ['shader-f16', 'chromium-experimental-subgroup-matrix', 'subgroups'];

describe('webgpu matmul: path selection from adapter features', () => {
  it('picks the tensor cores when the adapter has an f16→f32 16×16×16 config', () => {
    const c = selectMatmulPath({ features: ALL, subgroupMatrixConfigs: [F16_F16, F16_F32] });
    expect(c.path).to.equal('subgroup-matrix');
    expect(c.reason).to.contain('tensor cores');
  });
  it('falls back to plain f16 without the right config, 32-lane subgroups, or a passing self-test', () => {
    expect(selectMatmulPath({ features: ALL, subgroupMatrixConfigs: [F16_F16] }).path).to.equal('f16');
    expect(
      selectMatmulPath({ features: ALL, subgroupMatrixConfigs: [F16_F32], subgroupMinSize: 16, subgroupMaxSize: 64 })
        .path,
    ).to.equal('f16');
    const c = selectMatmulPath({ features: ALL, subgroupMatrixConfigs: [F16_F32] }, ['subgroup-matrix']);
    expect(c.path).to.equal('f16');
    expect(c.reason).to.contain('self-test');
  });
  it('uses f32 without shader-f16 (Dawn on NVIDIA without its toggle) and tfjs when every kernel failed', () => {
    const c = selectMatmulPath({ features: ['subgroups', 'timestamp-query'] });
    expect(c.path).to.equal('f32');
    expect(c.reason).to.contain('no shader-f16');
    expect(selectMatmulPath({ features: [] }, ['f32']).path).to.equal('tfjs');
    // float32 policies need the f32 kernel, so its failure sends everything to tfjs
    expect(selectMatmulPath({ features: ALL, subgroupMatrixConfigs: [F16_F32] }, ['f32']).path).to.equal('tfjs');
  });
  it('asks Dawn for both toggles', () => {
    expect(DAWN_TOGGLES[0]).to.contain('allow_unsafe_apis').and.contain('vulkan_enable_f16_on_nvidia');
  });
});

describe('webgpu matmul: kernel per compute format', () => {
  it("runs float16 in real f16 where a path has it, bfloat16 and float32 on the project's f32 kernel", () => {
    expect(kernelForCompute('float16', 'subgroup-matrix').kernel).to.equal('subgroup-matrix');
    expect(kernelForCompute('float16', 'f16').kernel).to.equal('f16');
    expect(kernelForCompute('float16', 'f32').kernel).to.equal('f32');
    expect(kernelForCompute('bfloat16', 'subgroup-matrix')).to.deep.include({ kernel: 'f32' });
    expect(kernelForCompute('bfloat16', 'subgroup-matrix').note).to.contain('emulated');
    expect(kernelForCompute('float32', 'subgroup-matrix').kernel).to.equal('f32');
    expect(kernelForCompute('float16', 'tfjs').kernel).to.equal('tfjs');
  });
  it('setGpuMatmulCompute returns the previous format', () => {
    expect(setGpuMatmulCompute('float16')).to.equal('float32');
    expect(gpuMatmulCompute()).to.equal('float16');
    expect(setGpuMatmulCompute('float32')).to.equal('float16');
  });
});

describe('webgpu matmul: tiling', () => {
  it('covers C with whole tiles', () => {
    expect(ceilDiv(1000, 128)).to.equal(8);
    expect(dispatchSize(LARGE_TILE, 1000, 513, 3)).to.deep.equal([5, 8, 3]);
  });
  it('uses large tiles only when they fill the GPU', () => {
    expect(chooseTile('f32', 4096, 4096)).to.equal(LARGE_TILE);
    expect(chooseTile('f32', 128, 64)).to.equal(SMALL_TILE);
    expect(chooseTile('f32', 128, 64, 200)).to.equal(LARGE_TILE);
    expect(chooseTile('subgroup-matrix', 128, 64)).to.equal(SMALL_MATRIX_TILE);
    expect(chooseTile('subgroup-matrix', 4096, 4096)).to.equal(MATRIX_TILE);
  });
  it('stays within the H200 limits (49152 bytes of workgroup memory), each thread loading whole quads', () => {
    for (const kind of ['f32', 'f16', 'subgroup-matrix'] as KernelKind[]) {
      const tiles = kind === 'subgroup-matrix' ? [MATRIX_TILE, SMALL_MATRIX_TILE] : [LARGE_TILE, SMALL_TILE];
      for (const tile of tiles) {
        const threads = threadsPerWorkgroup(kind, tile);
        expect(workgroupBytes(kind, tile)).to.be.at.most(49152);
        expect(threads).to.be.at.most(256);
        expect(((tile.BM * tile.BK) / 4) % threads).to.equal(0);
        expect(((tile.BK * tile.BN) / 4) % threads).to.equal(0);
        expect(tile.TM % (kind === 'subgroup-matrix' ? 16 : 4)).to.equal(0);
        expect(tile.TN % (kind === 'subgroup-matrix' ? 16 : 4)).to.equal(0);
      }
    }
  });
});

describe('webgpu matmul: WGSL generation', () => {
  const base: MatmulShader = {
    kind: 'f32',
    tile: LARGE_TILE,
    transposeA: false,
    transposeB: false,
    bias: false,
    activation: 'linear',
    ...vectorFlags(4096, 4096, 4096, false, false),
  };
  it('is complete WGSL: no template holes, an entry point, f16 enabled only where used', () => {
    for (const kind of ['f32', 'f16', 'subgroup-matrix'] as KernelKind[]) {
      const code = matmulShader({ ...base, kind, tile: chooseTile(kind, 4096, 4096) });
      expect(code).not.to.match(/\$\{|undefined|NaN/);
      expect(code).to.contain('fn main(');
      expect(code.includes('enable f16;')).to.equal(kind !== 'f32');
      expect(code.includes('chromium_experimental_subgroup_matrix')).to.equal(kind === 'subgroup-matrix');
    }
  });
  it('writes every product of a thread with constant indices', () => {
    const code = matmulShader(base);
    const fmas = code.match(/acc\[\d+\] = fma\(/g) ?? [];
    expect(fmas.length).to.equal((LARGE_TILE.TM * LARGE_TILE.TN) / 4);
    expect(code.match(/store4\(baseC/g)?.length).to.equal((LARGE_TILE.TM * LARGE_TILE.TN) / 4);
  });
  it('reads 4 elements at a time where rows allow, one at a time otherwise', () => {
    const vector = matmulShader(base);
    expect(vector).to.contain('var<storage, read> A : array<vec4<f32>>');
    expect(vector)
      .to.contain('return A[(base + m * dims.K + k) / 4u];')
      .and.contain('C[(base + m * dims.N + n) / 4u] = v;');
    const ragged = matmulShader({ ...base, ...vectorFlags(100, 777, 513, false, false) });
    expect(ragged).to.contain('var<storage, read> A : array<f32>').and.contain('v[j] = A[base + m * dims.K + k + j]');
    expect(vectorFlags(100, 777, 512, true, true)).to.deep.equal({ vectorA: true, vectorB: false, vectorC: true });
  });
  it('indexes transposed operands and adds the epilogue only when asked', () => {
    const plain = matmulShader(base);
    expect(plain).to.contain('loadA(baseA, row0 + m, k0 + k)').and.contain('loadB(baseB, k0 + k, col0 + n)');
    expect(plain).not.to.contain('read> bias').and.not.to.contain('max(v, vec4<f32>())');
    const t = matmulShader({ ...base, transposeA: true, transposeB: true, bias: true, activation: 'relu' });
    expect(t).to.contain('loadA(baseA, k0 + k, row0 + m)').and.contain('loadB(baseB, col0 + n, k0 + k)');
    expect(t)
      .to.contain('return A[(base + k * dims.M + m) / 4u];')
      .and.contain('return B[(base + n * dims.K + k) / 4u];');
    expect(t)
      .to.contain('@binding(3) var<storage, read> bias')
      .and.contain('@binding(4) var<uniform> dims')
      .and.contain('max(v, vec4<f32>())');
  });
  it('gives subgroup-matrix loads and stores offsets that are constants (plus the uniform kk), per subgroup', () => {
    const code = matmulShader({ ...base, kind: 'subgroup-matrix', tile: MATRIX_TILE });
    expect(code).to.contain('@workgroup_size(128, 1, 1)').and.contain('@builtin(subgroup_id) sg');
    expect(code.match(/case \du:/g)?.length).to.equal(4 * (1 + 16)); // the multiply, and each accumulator's store
    expect(code.match(/subgroupMatrixMultiplyAccumulate/g)?.length).to.equal(4 * 16);
    const offsets = [...code.matchAll(/subgroupMatrix(?:Load<\w+>|Store)\(&\w+, ([^,]+),/g)].map((m) => m[1]);
    expect(offsets.length).to.be.greaterThan(0);
    for (const o of offsets) expect(o).to.match(/^(\d+u( \+ kk)?|kk \* \d+u \+ \d+u)$/);
  });
  it('gives each variant its own pipeline key', () => {
    const keys = new Set(
      [false, true].flatMap((tA) =>
        (['linear', 'relu'] as const).map((activation) => shaderKey({ ...base, transposeA: tA, activation })),
      ),
    );
    expect(keys.size).to.equal(4);
  });
});
