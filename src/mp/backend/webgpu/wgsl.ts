/**
 * WGSL source of the matmul kernels, and their tiling. Pure string building: the CPU tests check it, and
 * kernels.ts compiles it on the device.
 *
 * Every kernel computes C[b] = act(op(A[b])·op(B[b]) + bias) for float32 buffers A, B, C, where op is an
 * optional transpose fixed when the shader is generated. A workgroup computes one BM×BN tile of C, looping
 * over K in BK-deep slices that it stages in workgroup memory.
 */
import type { MatmulPath } from './select_path';

export type KernelKind = Exclude<MatmulPath, 'tfjs'>;

export interface Tile {
  /** Rows and columns of C per workgroup, and the depth of one K slice. */
  readonly BM: number;
  readonly BN: number;
  readonly BK: number;
  /** Rows and columns of C per thread (tiled kernels); the workgroup is (BN/TN)×(BM/TM) threads. */
  readonly TM: number;
  readonly TN: number;
}

/** 128×128 tiles, 8×8 outputs for each of 256 threads: the kernel measured at 31 TFLOP/s at 4096³. */
export const LARGE_TILE: Tile = { BM: 128, BN: 128, BK: 16, TM: 8, TN: 8 };
/** 64×64 tiles, 4×4 outputs per thread, for products too small to fill the GPU with large ones. */
export const SMALL_TILE: Tile = { BM: 64, BN: 64, BK: 16, TM: 4, TN: 4 };
/**
 * Tensor-core kernel: one subgroup of 32 lanes per workgroup, owning a 64×64 block of C (4×4 matrices of
 * 16×16). Dawn requires the offsets of subgroup-matrix loads and stores to be uniform across the workgroup,
 * so a workgroup is one subgroup (measured: 'subgroupMatrixStore requires argument 1 to be uniform').
 */
export const MATRIX_TILE: Tile = { BM: 64, BN: 64, BK: 32, TM: 64, TN: 64 };

/** Streaming multiprocessors on an H200: below this many large tiles, small tiles keep more of it busy. */
const FILL_WORKGROUPS = 132;

export function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** The tile for an M×N (×batch) product and kernel kind. */
export function chooseTile(kind: KernelKind, M: number, N: number, batch = 1): Tile {
  if (kind === 'subgroup-matrix') return MATRIX_TILE;
  const large = ceilDiv(M, LARGE_TILE.BM) * ceilDiv(N, LARGE_TILE.BN) * batch;
  return large >= FILL_WORKGROUPS ? LARGE_TILE : SMALL_TILE;
}

/** Workgroups to dispatch: x over the columns of C, y over its rows, z over the batch. */
export function dispatchSize(tile: Tile, M: number, N: number, batch: number): [number, number, number] {
  return [ceilDiv(N, tile.BN), ceilDiv(M, tile.BM), batch];
}

export function threadsPerWorkgroup(kind: KernelKind, tile: Tile): number {
  return kind === 'subgroup-matrix'
    ? 32 * (tile.BM / tile.TM) * (tile.BN / tile.TN)
    : (tile.BM / tile.TM) * (tile.BN / tile.TN);
}

/** Bytes of workgroup memory the kernel declares (the device must allow it; the H200 allows 49152). */
export function workgroupBytes(kind: KernelKind, tile: Tile): number {
  if (kind === 'subgroup-matrix') {
    const subgroups = (tile.BM / tile.TM) * (tile.BN / tile.TN);
    return 2 * (tile.BM * tile.BK + tile.BK * tile.BN) + 4 * 256 * subgroups;
  }
  return (kind === 'f16' ? 2 : 4) * tile.BK * (tile.BM + tile.BN);
}

export type Activation = 'linear' | 'relu';

export interface MatmulShader {
  readonly kind: KernelKind;
  readonly tile: Tile;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** Adds a bias of N values (or 1, broadcast) before the activation. */
  readonly bias: boolean;
  readonly activation: Activation;
}

export function shaderKey(s: MatmulShader): string {
  const t = s.tile;
  return `${s.kind}_${t.BM}x${t.BN}x${t.BK}_${t.TM}x${t.TN}_${+s.transposeA}${+s.transposeB}_${+s.bias}${s.activation}`;
}

/** Uniform block shared by all kernels (8 u32s, 32 bytes), in this order. */
export const UNIFORM_FIELDS = ['M', 'N', 'K', 'strideA', 'strideB', 'biasSize', 'pad0', 'pad1'] as const;

function header(s: MatmulShader): string {
  return `struct Dims {
  M : u32, N : u32, K : u32,
  strideA : u32,  // elements between batches of A (0: broadcast)
  strideB : u32,
  biasSize : u32, // 1 or N
  pad0 : u32, pad1 : u32,
}

@group(0) @binding(0) var<storage, read_write> C : array<f32>;
@group(0) @binding(1) var<storage, read> A : array<f32>;
@group(0) @binding(2) var<storage, read> B : array<f32>;
@group(0) @binding(3) var<uniform> dims : Dims;
${s.bias ? '@group(0) @binding(4) var<storage, read> bias : array<f32>;\n' : ''}
// A[b] is M×K (stored ${s.transposeA ? 'transposed, K×M' : 'row-major'}), B[b] is K×N (stored ${s.transposeB ? 'transposed, N×K' : 'row-major'}).
fn loadA(base : u32, m : u32, k : u32) -> f32 {
  if (m >= dims.M || k >= dims.K) { return 0.0; }
  return A[base + ${s.transposeA ? 'k * dims.M + m' : 'm * dims.K + k'}];
}

fn loadB(base : u32, k : u32, n : u32) -> f32 {
  if (k >= dims.K || n >= dims.N) { return 0.0; }
  return B[base + ${s.transposeB ? 'n * dims.K + k' : 'k * dims.N + n'}];
}

// Bias, activation and bounds check of one output element.
fn storeC(base : u32, m : u32, n : u32, value : f32) {
  if (m >= dims.M || n >= dims.N) { return; }
  var v = value;
${s.bias ? '  v += bias[select(n, 0u, dims.biasSize == 1u)];\n' : ''}${s.activation === 'relu' ? '  v = max(v, 0.0);\n' : ''}  C[base + m * dims.N + n] = v;
}
`;
}

/**
 * The tiled kernel: each thread computes TM×TN outputs in registers, rows ty·TM … and columns tx·TN … of the
 * tile, reading its operands from workgroup memory four at a time (vec4). kind 'f16' stages the tiles as
 * f16 and multiplies in f16, adding each BK-deep partial sum into the f32 accumulator.
 */
function tiledShader(s: MatmulShader): string {
  const { BM, BN, BK, TM, TN } = s.tile;
  const WX = BN / TN;
  const WY = BM / TM;
  const threads = WX * WY;
  const half = s.kind === 'f16';
  const T = half ? 'f16' : 'f32';
  const V = `vec4<${T}>`;
  // coalesced loads: the index that is contiguous in memory varies fastest across threads
  const aLoad = s.transposeA ? `let m = i % ${BM}u; let k = i / ${BM}u;` : `let k = i % ${BK}u; let m = i / ${BK}u;`;
  const bLoad = s.transposeB ? `let k = i % ${BK}u; let n = i / ${BK}u;` : `let n = i % ${BN}u; let k = i / ${BN}u;`;
  // Every index below is a constant, so that the accumulators stay in registers.
  const I = Array.from({ length: TM }, (_, i) => i);
  const H = Array.from({ length: TN / 4 }, (_, h) => h);
  const sum = half ? 'part' : 'acc';
  const reads = [
    ...Array.from({ length: TM / 4 }, (_, q) => `      let a${q} = As[k * ${BM / 4}u + lid.y * ${TM / 4}u + ${q}u];`),
    ...H.map((h) => `      let b${h} = Bs[k * ${BN / 4}u + lid.x * ${TN / 4}u + ${h}u];`),
  ].join('\n');
  const xyzw = 'xyzw';
  const fmas = I.map(
    (i) =>
      '      ' +
      H.map(
        (h) =>
          `${sum}[${i * H.length + h}] = fma(${V}(a${Math.floor(i / 4)}.${xyzw[i % 4]}), b${h}, ${sum}[${i * H.length + h}]);`,
      ).join(' '),
  ).join('\n');
  const adds = I.map(
    (i) => '    ' + H.map((h) => `acc[${i * H.length + h}] += vec4<f32>(part[${i * H.length + h}]);`).join(' '),
  ).join('\n');
  const stores = I.flatMap((i) =>
    H.flatMap((h) =>
      [0, 1, 2, 3].map(
        (c) =>
          `  storeC(baseC, row0 + lid.y * TM + ${i}u, col0 + lid.x * TN + ${4 * h + c}u, acc[${i * H.length + h}].${xyzw[c]});`,
      ),
    ),
  ).join('\n');
  return `${half ? 'enable f16;\n\n' : ''}${header(s)}
const BM = ${BM}u;
const BN = ${BN}u;
const BK = ${BK}u;
const TM = ${TM}u;
const TN = ${TN}u;

var<workgroup> As : array<${V}, ${(BK * BM) / 4}>; // element (k, m) at As[(k * BM + m) / 4][m % 4]
var<workgroup> Bs : array<${V}, ${(BK * BN) / 4}>; // element (k, n) at Bs[(k * BN + n) / 4][n % 4]

@compute @workgroup_size(${WX}, ${WY}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>,
        @builtin(local_invocation_index) li : u32) {
  let row0 = wg.y * BM;
  let col0 = wg.x * BN;
  let baseA = wg.z * dims.strideA;
  let baseB = wg.z * dims.strideB;
  var acc : array<vec4<f32>, ${(TM * TN) / 4}>; // row i, columns 4h … 4h+3 at acc[i * ${TN / 4} + h]
  for (var k0 = 0u; k0 < dims.K; k0 += BK) {
    for (var i = li; i < BM * BK; i += ${threads}u) {
      ${aLoad}
      As[(k * BM + m) / 4u][m % 4u] = ${T}(loadA(baseA, row0 + m, k0 + k));
    }
    for (var i = li; i < BK * BN; i += ${threads}u) {
      ${bLoad}
      Bs[(k * BN + n) / 4u][n % 4u] = ${T}(loadB(baseB, k0 + k, col0 + n));
    }
    workgroupBarrier();
${half ? `    var part = array<${V}, ${(TM * TN) / 4}>(); // zero\n` : ''}    for (var k = 0u; k < BK; k++) {
${reads}
${fmas}
    }
${half ? adds + '\n' : ''}    workgroupBarrier();
  }
  let baseC = wg.z * dims.M * dims.N;
${stores}
}
`;
}

/**
 * The tensor-core kernel: tiles of A and B are rounded to f16 in workgroup memory; each subgroup multiplies
 * 16×16×16 subgroup matrices into (TM/16)×(TN/16) f32 accumulators, then writes them through a 16×16 f32
 * scratch so that the bounds check, bias and activation apply per element.
 */
function matrixShader(s: MatmulShader): string {
  const { BM, BN, BK, TM, TN } = s.tile;
  const SY = BM / TM; // subgroups down the tile
  const SX = BN / TN; // and across
  const subgroups = SX * SY;
  const threads = 32 * subgroups;
  const RI = TM / 16;
  const RJ = TN / 16;
  const aLoad = s.transposeA ? `let m = i % ${BM}u; let k = i / ${BM}u;` : `let k = i % ${BK}u; let m = i / ${BK}u;`;
  const bLoad = s.transposeB ? `let k = i % ${BK}u; let n = i / ${BK}u;` : `let n = i % ${BN}u; let k = i / ${BN}u;`;
  const pairs: [number, number][] = [];
  for (let i = 0; i < RI; i++) for (let j = 0; j < RJ; j++) pairs.push([i, j]);
  const rows = Array.from({ length: RI }, (_, i) => i);
  const cols = Array.from({ length: RJ }, (_, j) => j);
  return `enable f16;
enable chromium_experimental_subgroup_matrix;

${header(s)}
const BM = ${BM}u;
const BN = ${BN}u;
const BK = ${BK}u;

alias Left = subgroup_matrix_left<f16, 16, 16>;
alias Right = subgroup_matrix_right<f16, 16, 16>;
alias Result = subgroup_matrix_result<f32, 16, 16>;

var<workgroup> As : array<f16, ${BM * BK}>; // row-major BM×BK
var<workgroup> Bs : array<f16, ${BK * BN}>; // row-major BK×BN
var<workgroup> Cs : array<f32, ${256 * subgroups}>; // one 16×16 scratch per subgroup

@compute @workgroup_size(${threads}, 1, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_index) li : u32) {
  let row0 = wg.y * BM;
  let col0 = wg.x * BN;
  let baseA = wg.z * dims.strideA;
  let baseB = wg.z * dims.strideB;
${
  subgroups === 1
    ? `  const sg = 0u;   // one subgroup: every offset stays uniform
  let lane = li;
  const sgRow = 0u;
  const sgCol = 0u;`
    : `  let sg = li / 32u;          // subgroup (32 lanes)
  let lane = li % 32u;
  let sgRow = (sg / ${SX}u) * ${TM}u; // this subgroup's block of C within the tile
  let sgCol = (sg % ${SX}u) * ${TN}u;`
}
${pairs.map(([i, j]) => `  var acc${i}${j} = Result();`).join('\n')}
  for (var k0 = 0u; k0 < dims.K; k0 += BK) {
    for (var i = li; i < BM * BK; i += ${threads}u) {
      ${aLoad}
      As[m * BK + k] = f16(loadA(baseA, row0 + m, k0 + k));
    }
    for (var i = li; i < BK * BN; i += ${threads}u) {
      ${bLoad}
      Bs[k * BN + n] = f16(loadB(baseB, k0 + k, col0 + n));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk += 16u) {
${rows.map((i) => `      let a${i} = subgroupMatrixLoad<Left>(&As, (sgRow + ${16 * i}u) * BK + kk, false, BK);`).join('\n')}
${cols.map((j) => `      let b${j} = subgroupMatrixLoad<Right>(&Bs, kk * BN + sgCol + ${16 * j}u, false, BN);`).join('\n')}
${pairs.map(([i, j]) => `      acc${i}${j} = subgroupMatrixMultiplyAccumulate(a${i}, b${j}, acc${i}${j});`).join('\n')}
    }
    workgroupBarrier();
  }
  let baseC = wg.z * dims.M * dims.N;
${pairs
  .map(
    ([i, j]) => `  subgroupMatrixStore(&Cs, sg * 256u, acc${i}${j}, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    storeC(baseC, row0 + sgRow + ${16 * i}u + e / 16u, col0 + sgCol + ${16 * j}u + e % 16u, Cs[sg * 256u + e]);
  }
  workgroupBarrier();`,
  )
  .join('\n')}
}
`;
}

export function matmulShader(s: MatmulShader): string {
  return s.kind === 'subgroup-matrix' ? matrixShader(s) : tiledShader(s);
}
