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
  /**
   * Rows and columns of C per thread (tiled kernels: (BN/TN)×(BM/TM) threads), or per subgroup of 32 lanes
   * (tensor-core kernel: (BN/TN)×(BM/TM) subgroups, each holding (TM/16)×(TN/16) 16×16 accumulators).
   */
  readonly TM: number;
  readonly TN: number;
}

/** 128×128 tiles, 8×8 outputs for each of 256 threads (H200, 4096³: 31 TFLOP/s, 28 with 8-deep slices). */
export const LARGE_TILE: Tile = { BM: 128, BN: 128, BK: 16, TM: 8, TN: 8 };
/** 64×64 tiles, 4×4 outputs per thread, for products too small to fill the GPU with large ones. */
export const SMALL_TILE: Tile = { BM: 64, BN: 64, BK: 16, TM: 4, TN: 4 };
/**
 * Tensor cores: 128×128 tiles, 2×2 subgroups of 32 lanes, each with 4×4 accumulators of 16×16 (measured on
 * the H200 at 4096³: 108 TFLOP/s, against 61 for 2×4 subgroups of 64×32 and 64 for 64-deep slices).
 */
export const MATRIX_TILE: Tile = { BM: 128, BN: 128, BK: 32, TM: 64, TN: 64 };
/** Tensor cores, 64×64 tiles of 2×2 subgroups with 2×2 accumulators each, for small products. */
export const SMALL_MATRIX_TILE: Tile = { BM: 64, BN: 64, BK: 32, TM: 32, TN: 32 };

/** Streaming multiprocessors on an H200: below this many large tiles, small tiles keep more of it busy. */
const FILL_WORKGROUPS = 132;

export function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** The tile for an M×N (×batch) product and kernel kind. */
export function chooseTile(kind: KernelKind, M: number, N: number, batch = 1): Tile {
  const large = ceilDiv(M, LARGE_TILE.BM) * ceilDiv(N, LARGE_TILE.BN) * batch;
  if (kind === 'subgroup-matrix') return large >= FILL_WORKGROUPS ? MATRIX_TILE : SMALL_MATRIX_TILE;
  return large >= FILL_WORKGROUPS ? LARGE_TILE : SMALL_TILE;
}

/** Workgroups to dispatch: x over the columns of C, y over its rows, z over the batch. */
export function dispatchSize(tile: Tile, M: number, N: number, batch: number): [number, number, number] {
  return [ceilDiv(N, tile.BN), ceilDiv(M, tile.BM), batch];
}

export function threadsPerWorkgroup(kind: KernelKind, tile: Tile): number {
  return (kind === 'subgroup-matrix' ? 32 : 1) * (tile.BM / tile.TM) * (tile.BN / tile.TN);
}

/** Row padding of the tensor-core kernel's f16 tiles (in elements), against bank conflicts. */
const PAD = 8;

/** Bytes of workgroup memory the kernel declares (the device must allow it; the H200 allows 49152). */
export function workgroupBytes(kind: KernelKind, tile: Tile): number {
  if (kind === 'subgroup-matrix') {
    const subgroups = (tile.BM / tile.TM) * (tile.BN / tile.TN);
    return 2 * (tile.BM * (tile.BK + PAD) + tile.BK * (tile.BN + PAD)) + 4 * 256 * subgroups;
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
  /**
   * Whether the rows of A, B (as stored) and C have a multiple of 4 elements: then those buffers are read or
   * written 4 elements at a time (vec4), else one at a time.
   */
  readonly vectorA: boolean;
  readonly vectorB: boolean;
  readonly vectorC: boolean;
}

/** The vector flags for an M×K·K×N product: the contiguous dimension of each buffer is a multiple of 4. */
export function vectorFlags(
  M: number,
  K: number,
  N: number,
  transposeA: boolean,
  transposeB: boolean,
): Pick<MatmulShader, 'vectorA' | 'vectorB' | 'vectorC'> {
  return { vectorA: (transposeA ? M : K) % 4 === 0, vectorB: (transposeB ? K : N) % 4 === 0, vectorC: N % 4 === 0 };
}

export function shaderKey(s: MatmulShader): string {
  const t = s.tile;
  const flags = [s.transposeA, s.transposeB, s.vectorA, s.vectorB, s.vectorC, s.bias].map(Number).join('');
  return `${s.kind}_${t.BM}x${t.BN}x${t.BK}_${t.TM}x${t.TN}_${flags}_${s.activation}`;
}

/** Uniform block shared by all kernels (8 u32s, 32 bytes), in this order. */
export const UNIFORM_FIELDS = ['M', 'N', 'K', 'strideA', 'strideB', 'biasSize', 'pad0', 'pad1'] as const;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const XYZW = 'xyzw';

function header(s: MatmulShader): string {
  const buffer = (vector: boolean): string => (vector ? 'array<vec4<f32>>' : 'array<f32>');
  return `struct Dims {
  M : u32, N : u32, K : u32,
  strideA : u32,  // elements between batches of A (0: broadcast)
  strideB : u32,
  biasSize : u32, // 1 or N
  pad0 : u32, pad1 : u32,
}

@group(0) @binding(0) var<storage, read_write> C : ${buffer(s.vectorC)};
@group(0) @binding(1) var<storage, read> A : ${buffer(s.vectorA)};
@group(0) @binding(2) var<storage, read> B : ${buffer(s.vectorB)};
${s.bias ? '@group(0) @binding(3) var<storage, read> bias : array<f32>;\n' : ''}@group(0) @binding(${s.bias ? 4 : 3}) var<uniform> dims : Dims;
// A[b] is M×K (stored ${s.transposeA ? 'transposed, K×M' : 'row-major'}), B[b] is K×N (stored ${s.transposeB ? 'transposed, N×K' : 'row-major'}).
${quadLoader('A', s.transposeA ? ['k', 'm', 'dims.M', 'dims.K'] : ['m', 'k', 'dims.K', 'dims.M'], s.vectorA)}
${quadLoader('B', s.transposeB ? ['n', 'k', 'dims.K', 'dims.N'] : ['k', 'n', 'dims.N', 'dims.K'], s.vectorB)}
${epilogue(s)}`;
}

/**
 * load<X>(base, r, c): the 4 elements at row r, columns c … c+3 of operand X as stored (row-major, `cols`
 * wide, `rows` high), zero outside it. With `vector`, cols is a multiple of 4 and one vec4 read does.
 */
function quadLoader(X: 'A' | 'B', [r, c, cols, rows]: string[], vector: boolean): string {
  const body = vector
    ? `  if (${r} >= ${rows} || ${c} >= ${cols}) { return vec4<f32>(); }
  return ${X}[(base + ${r} * ${cols} + ${c}) / 4u];`
    : `  var v = vec4<f32>();
  for (var j = 0u; j < 4u; j++) {
    if (${r} < ${rows} && ${c} + j < ${cols}) { v[j] = ${X}[base + ${r} * ${cols} + ${c} + j]; }
  }
  return v;`;
  return `fn load${X}(base : u32, ${r} : u32, ${c} : u32) -> vec4<f32> {
${body}
}
`;
}

/** store4(base, m, n, v): bias, activation and bounds check of C[m, n … n+3]. */
function epilogue(s: MatmulShader): string {
  const bias = s.bias
    ? `  if (dims.biasSize == 1u) { v += vec4<f32>(bias[0]); } else {
    for (var j = 0u; j < 4u; j++) { if (n + j < dims.N) { v[j] += bias[n + j]; } }
  }\n`
    : '';
  const act = s.activation === 'relu' ? '  v = max(v, vec4<f32>());\n' : '';
  const write = s.vectorC
    ? '  C[(base + m * dims.N + n) / 4u] = v;'
    : `  for (var j = 0u; j < 4u; j++) { if (n + j < dims.N) { C[base + m * dims.N + n + j] = v[j]; } }`;
  return `fn store4(base : u32, m : u32, n : u32, value : vec4<f32>) {
  if (m >= dims.M || n >= dims.N) { return; }
  var v = value;
${bias}${act}${write}
}
`;
}

/**
 * The quads (runs of 4 elements along the contiguous dimension) of a BM×BK tile of A or a BK×BN tile of B,
 * as "let" lines giving the tile coordinates of quad q: consecutive threads take consecutive quads, so that
 * global reads coalesce.
 */
function quadOf(s: MatmulShader, X: 'A' | 'B'): string {
  const { BM, BN, BK } = s.tile;
  if (X === 'A') {
    return s.transposeA
      ? `let k = q / ${BM / 4}u; let m = (q % ${BM / 4}u) * 4u;`
      : `let m = q / ${BK / 4}u; let k = (q % ${BK / 4}u) * 4u;`;
  }
  return s.transposeB
    ? `let n = q / ${BK / 4}u; let k = (q % ${BK / 4}u) * 4u;`
    : `let k = q / ${BN / 4}u; let n = (q % ${BN / 4}u) * 4u;`;
}

/** The global read of quad (m, k) of A or (k, n) of B, as stored. */
function quadRead(s: MatmulShader, X: 'A' | 'B'): string {
  if (X === 'A') return s.transposeA ? 'loadA(baseA, k0 + k, row0 + m)' : 'loadA(baseA, row0 + m, k0 + k)';
  return s.transposeB ? 'loadB(baseB, col0 + n, k0 + k)' : 'loadB(baseB, k0 + k, col0 + n)';
}

/** Whether the quad runs along the tile's k (so its 4 elements go to 4 rows of the staged tile). */
function alongK(s: MatmulShader, X: 'A' | 'B'): boolean {
  return X === 'A' ? !s.transposeA : s.transposeB;
}

/**
 * The tiled kernel: 256 threads each compute TM×TN outputs in registers, in groups of 4×4 spread over the
 * tile (rows g·4·(BM/TM) + 4·ty …, columns h·4·(BN/TN) + 4·tx …) so that the reads from workgroup memory
 * of neighbouring threads are neighbouring vec4s. The next K slice is read into registers while this one is
 * multiplied. kind 'f16' stages the tiles as f16 and multiplies in f16, adding each BK-deep partial sum into
 * the f32 accumulator.
 */
function tiledShader(s: MatmulShader): string {
  const { BM, BN, BK, TM, TN } = s.tile;
  const WX = BN / TN;
  const WY = BM / TM;
  const threads = WX * WY;
  const half = s.kind === 'f16';
  const T = half ? 'f16' : 'f32';
  const V = `vec4<${T}>`;
  const GM = TM / 4;
  const GN = TN / 4;
  const LA = (BM * BK) / 4 / threads;
  const LB = (BK * BN) / 4 / threads;
  const stage = (X: 'A' | 'B', L: number): string => {
    const [S, W, r, c] = X === 'A' ? ['As', BM, 'k', 'm'] : ['Bs', BN, 'k', 'n'];
    const lines = range(L).map((l) => {
      const put = alongK(s, X)
        ? range(4)
            .map((j) => `${S}[((${r} + ${j}u) * ${W}u + ${c}) / 4u][${c} % 4u] = ${T}(r${X}${l}.${XYZW[j]});`)
            .join(' ')
        : `${S}[(${r} * ${W}u + ${c}) / 4u] = ${V}(r${X}${l});`;
      return `    { let q = li + ${l * threads}u; ${quadOf(s, X)} ${put} }`;
    });
    return lines.join('\n');
  };
  const fetch = (X: 'A' | 'B', L: number): string =>
    range(L)
      .map((l) => `      { let q = li + ${l * threads}u; ${quadOf(s, X)} r${X}${l} = ${quadRead(s, X)}; }`)
      .join('\n');
  const sum = half ? 'part' : 'acc';
  const reads = [
    ...range(GM).map((g) => `      let a${g} = As[k * ${BM / 4}u + ${g * WY}u + lid.y];`),
    ...range(GN).map((h) => `      let b${h} = Bs[k * ${BN / 4}u + ${h * WX}u + lid.x];`),
  ].join('\n');
  const fmas = range(TM)
    .map(
      (i) =>
        '      ' +
        range(GN)
          .map((h) => {
            const a = `${sum}[${i * GN + h}]`;
            return `${a} = fma(${V}(a${Math.floor(i / 4)}.${XYZW[i % 4]}), b${h}, ${a});`;
          })
          .join(' '),
    )
    .join('\n');
  const adds = range(TM * GN)
    .map((i) => `acc[${i}] += vec4<f32>(part[${i}]);`)
    .join(' ');
  const stores = range(TM)
    .flatMap((i) =>
      range(GN).map(
        (h) =>
          `  store4(baseC, row0 + ${Math.floor(i / 4) * WY * 4 + (i % 4)}u + lid.y * 4u, col0 + ${h * WX * 4}u + lid.x * 4u, acc[${i * GN + h}]);`,
      ),
    )
    .join('\n');
  const regs = [...range(LA).map((l) => `rA${l}`), ...range(LB).map((l) => `rB${l}`)];
  return `${half ? 'enable f16;\n\n' : ''}${header(s)}
var<workgroup> As : array<${V}, ${(BK * BM) / 4}>; // element (k, m) at As[(k * ${BM} + m) / 4][m % 4]
var<workgroup> Bs : array<${V}, ${(BK * BN) / 4}>; // element (k, n) at Bs[(k * ${BN} + n) / 4][n % 4]

@compute @workgroup_size(${WX}, ${WY}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>,
        @builtin(local_invocation_index) li : u32) {
  let row0 = wg.y * ${BM}u;
  let col0 = wg.x * ${BN}u;
  let baseA = wg.z * dims.strideA;
  let baseB = wg.z * dims.strideB;
  var acc : array<vec4<f32>, ${TM * GN}>; // row group g·4 + i, column group h at acc[(g * 4 + i) * ${GN} + h]
${regs.map((r) => `  var ${r} : vec4<f32>;`).join('\n')}
  var k0 = 0u;
${fetch('A', LA).replace(/^ {6}/gm, '  ')}
${fetch('B', LB).replace(/^ {6}/gm, '  ')}
  for (; k0 < dims.K; k0 += ${BK}u) {
${stage('A', LA)}
${stage('B', LB)}
    workgroupBarrier();
    if (k0 + ${BK}u < dims.K) {
      let k0 = k0 + ${BK}u; // the next slice, read while this one is multiplied
${fetch('A', LA)}
${fetch('B', LB)}
    }
${half ? `    var part = array<${V}, ${TM * GN}>(); // zero\n` : ''}    for (var k = 0u; k < ${BK}u; k++) {
${reads}
${fmas}
    }
${half ? '    ' + adds + '\n' : ''}    workgroupBarrier();
  }
  let baseC = wg.z * dims.M * dims.N;
${stores}
}
`;
}

/**
 * The tensor-core kernel: tiles of A and B are rounded to f16 in workgroup memory (rows padded against bank
 * conflicts); each subgroup multiplies 16×16×16 subgroup matrices into (TM/16)×(TN/16) f32 accumulators,
 * then writes them through a 16×16 f32 scratch so that the bounds check, bias and activation apply per
 * element. Dawn requires subgroup-matrix offsets and control flow that it can prove uniform across the
 * subgroup: so each subgroup (by its subgroup_id) runs its own case of a switch, in which every offset is a
 * constant plus the uniform kk.
 */
function matrixShader(s: MatmulShader): string {
  const { BM, BN, BK, TM, TN } = s.tile;
  const SX = BN / TN; // subgroups across the tile
  const subgroups = SX * (BM / TM);
  const threads = 32 * subgroups;
  const RI = TM / 16;
  const RJ = TN / 16;
  const SA = BK + PAD; // row stride of the staged A tile
  const SB = BN + PAD;
  const LA = (BM * BK) / 4 / threads;
  const LB = (BK * BN) / 4 / threads;
  const stage = (X: 'A' | 'B', L: number): string => {
    const at =
      X === 'A'
        ? (j: number): string => (alongK(s, X) ? `As[m * ${SA}u + k + ${j}u]` : `As[(m + ${j}u) * ${SA}u + k]`)
        : (j: number): string => (alongK(s, X) ? `Bs[(k + ${j}u) * ${SB}u + n]` : `Bs[k * ${SB}u + n + ${j}u]`);
    return range(L)
      .map(
        (l) =>
          `    { let q = li + ${l * threads}u; ${quadOf(s, X)} let v = ${quadRead(s, X)}; ` +
          range(4)
            .map((j) => `${at(j)} = f16(v.${XYZW[j]});`)
            .join(' ') +
          ' }',
      )
      .join('\n');
  };
  const pairs = range(RI).flatMap((i) => range(RJ).map((j) => [i, j] as const));
  // One case per subgroup, so that every subgroup-matrix offset is a constant plus kk (see above).
  const perSubgroup = (body: (row: number, col: number, sg: number) => string, indent: string): string =>
    `${indent}switch sg {\n` +
    range(subgroups)
      .map((g) => `${indent}  case ${g}u: {\n${body(Math.floor(g / SX) * TM, (g % SX) * TN, g)}${indent}  }\n`)
      .join('') +
    `${indent}  default: {}\n${indent}}`;
  const multiply = (row: number, col: number): string =>
    [
      ...range(RI)
        .map((i) => `subgroupMatrixLoad<Left>(&As, ${(row + 16 * i) * SA}u + kk, false, ${SA}u)`)
        .map((e, i) => `let a${i} = ${e};`),
      ...range(RJ).map(
        (j) => `let b${j} = subgroupMatrixLoad<Right>(&Bs, kk * ${SB}u + ${col + 16 * j}u, false, ${SB}u);`,
      ),
      ...pairs.map(([i, j]) => `acc${i}${j} = subgroupMatrixMultiplyAccumulate(a${i}, b${j}, acc${i}${j});`),
    ]
      .map((l) => `          ${l}\n`)
      .join('');
  return `enable f16;
enable subgroups;
enable chromium_experimental_subgroup_matrix;
diagnostic(off, subgroup_uniformity);

${header(s)}
alias Left = subgroup_matrix_left<f16, 16, 16>;
alias Right = subgroup_matrix_right<f16, 16, 16>;
alias Result = subgroup_matrix_result<f32, 16, 16>;

var<workgroup> As : array<f16, ${BM * SA}>; // row-major BM×BK, rows ${SA} apart
var<workgroup> Bs : array<f16, ${BK * SB}>; // row-major BK×BN, rows ${SB} apart
var<workgroup> Cs : array<f32, ${256 * subgroups}>; // one 16×16 scratch per subgroup

@compute @workgroup_size(${threads}, 1, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_index) li : u32,
        @builtin(subgroup_id) sg : u32, @builtin(subgroup_invocation_id) lane : u32) {
  let row0 = wg.y * ${BM}u;
  let col0 = wg.x * ${BN}u;
  let baseA = wg.z * dims.strideA;
  let baseB = wg.z * dims.strideB;
  // this subgroup's block of C within the tile
  let sgRow = (sg / ${SX}u) * ${TM}u;
  let sgCol = (sg % ${SX}u) * ${TN}u;
${pairs.map(([i, j]) => `  var acc${i}${j} = Result();`).join('\n')}
  for (var k0 = 0u; k0 < dims.K; k0 += ${BK}u) {
${stage('A', LA)}
${stage('B', LB)}
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk += 16u) {
${perSubgroup(multiply, '      ')}
    }
    workgroupBarrier();
  }
  let baseC = wg.z * dims.M * dims.N;
${pairs
  .map(
    ([
      i,
      j,
    ]) => `${perSubgroup((_r, _c, g) => `      subgroupMatrixStore(&Cs, ${256 * g}u, acc${i}${j}, false, 16u);\n`, '  ')}
  workgroupBarrier();
  for (var e = lane * 4u; e < 256u; e += 128u) {
    let q = vec4<f32>(Cs[sg * 256u + e], Cs[sg * 256u + e + 1u], Cs[sg * 256u + e + 2u], Cs[sg * 256u + e + 3u]);
    store4(baseC, row0 + sgRow + ${16 * i}u + e / 16u, col0 + sgCol + ${16 * j}u + e % 16u, q);
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
