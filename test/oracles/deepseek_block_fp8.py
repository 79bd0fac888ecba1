"""Writes test/fixtures/deepseek_block_fp8.json: DeepSeek-V3's block-scaled FP8, transcribed into numpy float32 from
deepseek-ai/DeepSeek-V3 inference/kernel.py and the technical report (arXiv:2412.19437, section 3.3):

- `act_quant` / `weight_quant`: one tile per 1x128 activation slice or 128x128 weight block; its scale
  s = amax / 448 in float32 is stored, the elements are e4m3, and `weight_dequant` / `fp8_gemm` multiply by s.
- `fp8_gemm`: for every 128 values along K, the tile's dot product is formed, multiplied by the two tiles' scales
  and added to a float32 accumulator.

Two rules are the library's, stated in src/mp/quant/block_fp8.ts, not kernel.py's:
- encoding multiplies by 448 / amax in float32 (the library's one scaled cast) where the kernel divides by s with
  Triton's approximate float32 division; an all-zero tile gets zeros where the kernel computes 0/0;
- a dot product over one 128-value interval keeps 14 significant bits, truncated toward zero after each addition:
  the report's "around 14 bits" of Hopper's FP8 tensor cores, as a model.

Run: .venv/bin/python test/oracles/deepseek_block_fp8.py
"""

import json
import os

import ml_dtypes
import numpy as np

F32 = np.float32
TILE = 128
E4M3_MAX = F32(448)


def bits(a) -> list:
    return np.asarray(a, dtype=F32).ravel().view(np.uint32).tolist()


def quantize(x: np.ndarray, tile_rows: int):
    """act_quant (tile_rows 1) or weight_quant (tile_rows 128) on a [rows, cols] matrix, partial tiles allowed."""
    rows, cols = x.shape
    grid = (-(-rows // tile_rows), -(-cols // TILE))
    elements = np.empty_like(x)
    deq = np.empty_like(x)
    scales = np.empty(grid, dtype=F32)
    for r in range(grid[0]):
        for c in range(grid[1]):
            tile = (slice(r * tile_rows, (r + 1) * tile_rows), slice(c * TILE, (c + 1) * TILE))
            amax = F32(np.max(np.abs(x[tile])))
            s = F32(amax / E4M3_MAX)
            enc = F32(E4M3_MAX / amax) if amax > 0 else F32(1)
            enc = np.finfo(F32).max if np.isinf(enc) else enc
            q = np.clip((x[tile] * enc).astype(F32), -E4M3_MAX, E4M3_MAX).astype(ml_dtypes.float8_e4m3fn).astype(F32)
            elements[tile] = q
            deq[tile] = (q * s).astype(F32)
            scales[r, c] = s
    return elements, deq, scales


def truncate(x: np.ndarray, keep: int) -> np.ndarray:
    """x truncated toward zero to `keep` significant bits (frexp: x = m * 2^e, m in [0.5, 1))."""
    _, e = np.frexp(x)
    step = np.ldexp(1.0, e - keep)
    return np.where(x == 0, x, np.trunc(x / step) * step)


def gemm(a: np.ndarray, b: np.ndarray, keep: int = 14) -> np.ndarray:
    """fp8_gemm's loop over K tiles, a [m, k] in 1x128 tiles, b [k, n] in 128x128 blocks."""
    qa, _, sa = quantize(a, 1)
    qb, _, sb = quantize(b, TILE)
    m, k = a.shape
    n = b.shape[1]
    acc = np.zeros((m, n), dtype=F32)
    col_block = np.arange(n) // TILE
    for t in range(-(-k // TILE)):
        partial = np.zeros((m, n), dtype=np.float64)
        for p in range(t * TILE, min(k, (t + 1) * TILE)):
            partial = truncate(partial + np.outer(qa[:, p].astype(np.float64), qb[p, :]), keep)
        scaled = ((partial * sa[:, t][:, None]).astype(F32) * sb[t, col_block][None, :]).astype(F32)
        acc = (acc + scaled).astype(F32)
    return acc


def pattern(rows: int, cols: int, seed: int) -> np.ndarray:
    """Inputs both sides can make exactly (the fixture stores none): 16-bit integers times powers of two, row by row
    over 7 binades. The test builds the same values from the same formula."""
    i = np.arange(rows * cols, dtype=np.int64).reshape(rows, cols)
    k = (i * 40503 + seed * 977) % 65536 - 32768
    return (k * np.ldexp(1.0, -15 + (np.arange(rows)[:, None] % 7) - 3)).astype(F32)


def main() -> None:
    cases = []
    for (rows, cols), tile_rows, seed in (((4, 300), 1, 1), ((129, 130), 128, 2)):
        x = pattern(rows, cols, seed)
        x[0, 128:256] = 0  # an all-zero tile
        elements, deq, scales = quantize(x, tile_rows)
        cases.append({"shape": [rows, cols], "tile_shape": [tile_rows, TILE], "seed": seed,
                      "elements": elements.ravel().tolist(), "dequantized": bits(deq), "scales": bits(scales)})
    products = []
    for m, k, n, keep, seed in ((3, 300, 130, 14, 3), (2, 256, 5, 24, 4)):
        a, b = pattern(m, k, seed), pattern(k, n, seed + 10)
        products.append({"m": m, "k": k, "n": n, "accumulator_bits": keep, "seed": seed,
                         "product": bits(gemm(a, b, keep))})
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "deepseek_block_fp8.json")
    with open(out, "w") as f:
        json.dump({"generated_with": {"numpy": np.__version__, "ml_dtypes": ml_dtypes.__version__},
                   "quantize": cases, "matmul": products}, f)
        f.write("\n")
    print(f"{len(cases)} quantize and {len(products)} matmul cases -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
