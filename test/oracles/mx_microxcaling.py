"""Writes test/fixtures/mx_microxcaling.json: OCP MX quantization as microsoft/microxcaling computes it, transcribed
into numpy float32 from mx/mx_ops.py (`_reshape_to_blocks`, `_shared_exponents`, `_quantize_mx`,
`_undo_reshape_to_blocks`), mx/elemwise_ops.py (`_quantize_elemwise_core`, `_round_mantissa`) and mx/formats.py
(`_get_format_params`), with scale_bits = 8, shared_exp_method = 'max', flush_fp32_subnorms = False and
round = 'even' (microxcaling's round-half-to-even; its default 'nearest' rounds half away from zero, while the OCP
FP8 conversions, ml_dtypes and Transformer Engine round to even).

Three departures from microxcaling, where the spec is exact and the emulation is not:
- floor(log2(amax)) is taken exactly (np.frexp). microxcaling's float32 torch.log2 rounds up to the next integer
  for an amax within a few ulps below a power of two, which gives such a block twice the spec's scale.
- an all-zero block gets the shared exponent -127 (floor(log2(0)) = -inf, clamped), where microxcaling's
  FP32_MIN_NORMAL trick gives -126 for MXINT8 (emax 0) and -127 for the float elements; MXINT8 elements, two's
  complement integers, have no -0 (microxcaling's sign(A)*floor(...) keeps the -0 of a small negative value).
- the sign of a zero element is the value's sign (copysign), as in an IEEE conversion and ml_dtypes. microxcaling's
  sign(A)*floor(...) gives -0 for a small negative value, but +0 for one whose scaling by 2^-e already underflowed
  to -0 in float32, since torch.sign(-0.0) is 0.

This is a second implementation, independent of the library's ml_dtypes-checked rounding: the elements are
rounded by microxcaling's mantissa arithmetic, not by a cast. Run: .venv/bin/python test/oracles/mx_microxcaling.py
"""

import json
import os
import warnings

import numpy as np

warnings.simplefilter("ignore")  # NaN and inf blocks: the values are what we record
F32 = np.float32

# mx/formats.py _get_format_params: ebits, mbits (sign and implicit bit included), emax, max_norm
FORMATS = {
    "MXFP8_E5M2": (5, 4, 15, 2.0**15 * 7 / 4),
    "MXFP8_E4M3": (4, 5, 8, 2.0**8 * 1.75),
    "MXFP6_E3M2": (3, 4, 4, 2.0**4 * 7 / 4),
    "MXFP6_E2M3": (2, 5, 2, 2.0**2 * 15 / 8),
    "MXFP4_E2M1": (2, 3, 2, 2.0**2 * 3 / 2),
    "MXINT8": (0, 8, 0, 127 / 64),
}
SCALE_EMAX = 127  # 2**(scale_bits - 1) - 1


def bits(a) -> list:
    return np.asarray(a, dtype=F32).ravel().view(np.uint32).tolist()


def floor_log2(a: np.ndarray) -> np.ndarray:
    """floor(log2(a)), exact, for a > 0 (frexp: a = m * 2^e with m in [0.5, 1))."""
    _, e = np.frexp(a.astype(np.float64))
    return (e - 1).astype(np.float64)


def round_even(a: np.ndarray) -> np.ndarray:
    """_round_mantissa, round='even', with the sign applied by copysign (see the header)."""
    abs_a = np.abs(a)
    mask = ((abs_a - F32(0.5)) % 2 == 0).astype(F32)
    return np.copysign(np.floor(abs_a + F32(0.5)) - mask, a).astype(F32)


def quantize_elemwise_core(a: np.ndarray, bits_: int, exp_bits: int, max_norm: float) -> np.ndarray:
    """_quantize_elemwise_core with saturate_normals=True, allow_denorm=True."""
    out = a
    if exp_bits != 0:
        private_exp = floor_log2(np.abs(a) + (a == 0).astype(F32))
        min_exp = -(2 ** (exp_bits - 1)) + 2
        private_exp = np.clip(private_exp, min_exp, None)
        out = (out / F32(2) ** private_exp.astype(F32) * F32(2 ** (bits_ - 2))).astype(F32)  # _safe_lshift
    else:
        out = (out * F32(2 ** (bits_ - 2))).astype(F32)
    out = round_even(out)
    if exp_bits != 0:
        out = (out / F32(2 ** (bits_ - 2)) * F32(2) ** private_exp.astype(F32)).astype(F32)  # _safe_rshift
    else:
        out = (out / F32(2 ** (bits_ - 2))).astype(F32)
        out = out + F32(0)  # two's complement: no -0
    out = np.clip(out, F32(-max_norm), F32(max_norm))
    out[a == np.inf] = np.inf
    out[a == -np.inf] = -np.inf
    out[np.isnan(a)] = np.nan
    return out.astype(F32)


def quantize_mx(a: np.ndarray, fmt: str, block_size: int, axis: int):
    """_quantize_mx for one axis: returns (dequantized, elements, shared exponents in block order)."""
    ebits, mbits, emax, max_norm = FORMATS[fmt]
    axis = axis % a.ndim
    # _reshape_to_blocks: pad the axis to a multiple of block_size, split it into (blocks, block_size)
    length = a.shape[axis]
    pad = (-length) % block_size
    widths = [(0, 0)] * a.ndim
    widths[axis] = (0, pad)
    padded = np.pad(a, widths)
    blocks = padded.reshape(*padded.shape[:axis], (length + pad) // block_size, block_size, *padded.shape[axis + 1:])
    # _shared_exponents, method 'max', ebits = 0; then the offset and the scale's range
    amax = np.max(np.abs(blocks), axis=axis + 1, keepdims=True)
    shared = np.where(amax > 0, floor_log2(np.where(amax > 0, amax, 1)), -np.inf)
    shared[~np.isfinite(amax)] = np.nan
    shared = shared - emax
    shared[shared > SCALE_EMAX] = np.nan
    shared[shared < -SCALE_EMAX] = -SCALE_EMAX
    scaled = (blocks / np.power(2.0, shared)).astype(F32)  # a power of two: exact
    elements = quantize_elemwise_core(scaled, mbits, ebits, max_norm)
    deq = (elements.astype(np.float64) * np.power(2.0, shared)).astype(F32)
    # _undo_reshape_to_blocks
    unblock = lambda t: t.reshape(padded.shape)[tuple(slice(0, n) for n in a.shape)]  # noqa: E731
    return unblock(deq), unblock(elements), shared.ravel()


def main() -> None:
    rng = np.random.default_rng(11)

    def rows(n_rows: int, n: int) -> np.ndarray:
        """Rows of very different magnitudes, with ties, exact powers of two, zeros, NaN and inf among them."""
        out = np.empty((n_rows, n), dtype=F32)
        for r in range(n_rows):
            out[r] = rng.standard_normal(n) * F32(10.0 ** rng.integers(-8, 8))
        out[0, :8] = [4, 2.5, 0.25, -0.75, 1.25, 3.5, -5, 0.125]  # amax 4: element midpoints of e2m1 at e = 0
        out[1 % n_rows, :40] = 0  # an all-zero block
        if n_rows > 2:
            out[2, 3] = np.nan
            out[3 % n_rows, n - 1] = np.inf
            out[4 % n_rows, 5] = F32(2.0**-140)  # subnormal float32 next to larger values
            out[4 % n_rows, 6] = F32(1e38)
        return out

    small = (rng.standard_normal(64) * F32(1e-39)).astype(F32)  # a block of float32 subnormals: scale 2^-127
    cases = []
    for fmt in FORMATS:
        for shape, axis, block in (((5, 70), -1, 32), ((70, 5), 0, 32), ((3, 40, 4), 1, 16)):
            x = rows(int(np.prod(shape)) // shape[axis], shape[axis])
            x = np.moveaxis(x.reshape(*[d for i, d in enumerate(shape) if i != axis % len(shape)], shape[axis]),
                            -1, axis % len(shape))
            x = np.ascontiguousarray(x, dtype=F32)
            deq, elem, shared = quantize_mx(x, fmt, block, axis)
            cases.append({"format": fmt, "shape": list(shape), "axis": axis, "block_size": block, "x": bits(x),
                          "dequantized": bits(deq), "elements": bits(elem),
                          "scale_exponents": [None if np.isnan(e) else int(e) for e in shared]})
        deq, elem, shared = quantize_mx(small, fmt, 32, -1)
        cases.append({"format": fmt, "shape": [64], "axis": -1, "block_size": 32, "x": bits(small),
                      "dequantized": bits(deq), "elements": bits(elem),
                      "scale_exponents": [None if np.isnan(e) else int(e) for e in shared]})
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "mx_microxcaling.json")
    with open(out, "w") as f:
        json.dump({"generated_with": {"numpy": np.__version__}, "cases": cases}, f)
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
