"""Writes test/fixtures/te_nvfp4.json: NVFP4 quantization as Transformer Engine's reference computes it, transcribed
in torch (float32 on the CPU) from TE's own source:

- transformer_engine/pytorch/experimental/quantization_microblock_ref.py, `NVFP4QuantizerRef`: `_quantize` (the
  global amax, zero padding to whole tiles) and `_quantize_blockwise_reference` (1x16 or 16x16 tiles, no power-of-two
  scales): the global encode scale 448*6 / amax, the per-tile E4M3 decode scale, the per-tile encode scale, the clamp
  to +-6 and `cast_to_fp4x2`'s rounding table. Without the random Hadamard transform and stochastic rounding, which
  the recipe applies to some GEMM operands only.
- transformer_engine/common/cast/nvfp4/dequantize_nvfp4.cuh, `dequantize_fp4_kernel`: a value is its E2M1 element
  times (E4M3 scale * amax * (1 / (6 * 448))), in float32.

cast_to_fp4x2 codes -0.0 as +0 (its first row catches x >= 0.0); the inputs here hold no -0.0, and a small negative
value still gets the -0 code, as an IEEE cast gives. Every float is stored as its float32 bit pattern.
Run: .venv/bin/python test/oracles/te_nvfp4.py
"""

import json
import os

import numpy as np
import torch

FP4_MAX = torch.tensor(6.0, dtype=torch.float32)
E4M3_MAX = torch.tensor(448.0, dtype=torch.float32)
F32_MAX = torch.tensor(torch.finfo(torch.float32).max, dtype=torch.float32)
FP4_VALUES = torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0])


def cast_to_fp4(x: torch.Tensor) -> torch.Tensor:
    """cast_to_fp4x2's table, one code per value (unpacked)."""
    r = torch.zeros_like(x, dtype=torch.uint8)
    r[(x >= 0.0) & (x <= 0.25)] = 0
    r[(x > 0.25) & (x < 0.75)] = 1
    r[(x >= 0.75) & (x <= 1.25)] = 2
    r[(x > 1.25) & (x < 1.75)] = 3
    r[(x >= 1.75) & (x <= 2.5)] = 4
    r[(x > 2.5) & (x < 3.5)] = 5
    r[(x >= 3.5) & (x <= 5.0)] = 6
    r[x > 5.0] = 7
    r[(x >= -0.25) & (x < -0.0)] = 8
    r[(x < -0.25) & (x > -0.75)] = 9
    r[(x <= -0.75) & (x >= -1.25)] = 10
    r[(x < -1.25) & (x > -1.75)] = 11
    r[(x <= -1.75) & (x >= -2.5)] = 12
    r[(x < -2.5) & (x > -3.5)] = 13
    r[(x <= -3.5) & (x >= -5.0)] = 14
    r[x < -5.0] = 15
    return r


def quantize(x: torch.Tensor, tile_rows: int):
    """NVFP4QuantizerRef._quantize (rowwise) and _quantize_blockwise_reference; then the dequantize kernel."""
    m, n = x.shape
    global_amax = torch.max(torch.abs(x)).to(torch.float32).view(1)
    xp = torch.nn.functional.pad(x, (0, (-n) % 16, 0, (-m) % tile_rows))
    mp, np_ = xp.shape
    if tile_rows == 16:
        blocks = xp.unfold(0, 16, 16).unfold(1, 16, 16).to(torch.float32)
        vec_max = torch.amax(torch.abs(blocks), dim=(-1, -2)).repeat_interleave(16, dim=0).unsqueeze(-1)
    else:
        vec_max = torch.amax(torch.abs(xp.view(mp, np_ // 16, 16)), dim=-1, keepdim=True).to(torch.float32)
    xb = xp.view(mp, np_ // 16, 16)
    decode_scale = torch.div(vec_max, FP4_MAX)
    global_encode_scale = torch.div(E4M3_MAX * FP4_MAX, global_amax)
    global_encode_scale = torch.min(global_encode_scale, F32_MAX)
    if global_encode_scale == torch.tensor(0.0):
        global_encode_scale = torch.tensor(1.0)
    global_decode_scale = torch.div(1.0, global_encode_scale)
    decode_scale = decode_scale * global_encode_scale
    decode_scale = torch.min(decode_scale, F32_MAX)
    decode_scale = torch.clamp(decode_scale, min=-E4M3_MAX, max=E4M3_MAX).to(torch.float8_e4m3fn)
    encode_scale = torch.min(torch.div(1.0, decode_scale.to(torch.float32) * global_decode_scale), F32_MAX)
    scaled_x = xb.to(torch.float32) * encode_scale
    clipped = torch.clamp(scaled_x, -FP4_MAX, FP4_MAX).reshape(mp, np_)
    codes = cast_to_fp4(clipped)
    elements = FP4_VALUES[codes.long()]
    # dequantize_fp4_kernel: final_scale = scale * amax * factor_inv, in float32
    factor_inv = torch.tensor(1.0 / (6.0 * 448.0), dtype=torch.float32)
    final = (decode_scale.to(torch.float32) * global_amax) * factor_inv
    deq = (elements.view(mp, np_ // 16, 16) * final).reshape(mp, np_)
    scales = decode_scale.to(torch.float32).squeeze(-1)
    if tile_rows == 16:
        scales = scales[::16]  # one per 16x16 tile
    return elements[:m, :n], deq[:m, :n], scales, global_amax, global_encode_scale


def bits(t) -> list:
    return np.asarray(t, dtype=np.float32).ravel().view(np.uint32).tolist()


def main() -> None:
    gen = torch.Generator().manual_seed(5)
    cases = []
    for shape, tile_rows in (((8, 64), 1), ((5, 40), 1), ((32, 48), 16), ((20, 40), 16)):
        m, n = shape
        row_scale = 10.0 ** torch.randint(-6, 6, (m, 1), generator=gen).to(torch.float32)
        x = torch.randn(m, n, generator=gen) * row_scale
        x[0, 16:32] = 0  # an all-zero tile row
        x[1, :8] = torch.tensor([6.0, 2.5, 0.25, -0.75, 1.25, 3.5, -5.0, 0.125]) * 1e-3  # near element midpoints
        x[x == 0] = 0.0  # no -0.0: cast_to_fp4x2 would code it +0
        elements, deq, scales, amax, enc = quantize(x, tile_rows)
        cases.append({"shape": list(shape), "tile_shape": [tile_rows, 16], "x": bits(x), "elements": bits(elements),
                      "dequantized": bits(deq), "block_scales": bits(scales), "global_amax": bits(amax)[0],
                      "global_encode_scale": bits(enc.view(1))[0]})
    zeros = torch.zeros(2, 32)
    elements, deq, scales, amax, enc = quantize(zeros, 1)
    cases.append({"shape": [2, 32], "tile_shape": [1, 16], "x": bits(zeros), "elements": bits(elements),
                  "dequantized": bits(deq), "block_scales": bits(scales), "global_amax": bits(amax)[0],
                  "global_encode_scale": bits(enc.view(1))[0]})
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "te_nvfp4.json")
    with open(out, "w") as f:
        json.dump({"generated_with": {"torch": torch.__version__}, "cases": cases}, f)
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
