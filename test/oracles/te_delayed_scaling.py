"""Writes test/fixtures/te_delayed_scaling.json: Transformer Engine's DelayedScaling recipe for one tensor, step by
step, transcribed into numpy float32 from TE's own source:

- transformer_engine/common/recipe/__init__.py, `DelayedScaling`: fields margin, amax_history_len, amax_compute_algo
  ('max' | 'most_recent'); the scale is (FP8_MAX / amax) / 2^margin.
- transformer_engine/pytorch/fp8.py: `_update_amax_history` (torch.roll by -1, then slot 0 = 0),
  `_default_get_amax_and_update_history` (max over the history, or slot 0, taken before the roll),
  `_default_sf_compute` (the scale; the previous one where amax is 0 or not finite; inf -> float32 max),
  `DelayedScalingRecipeState` (scale starts at 1, the history at 0; a cast's amax goes to history[0]).
- the cast: x * scale in float32, converted with saturation (CUDA's __NV_SATFINITE: finite values and inf clamp to
  the format's max, NaN stays NaN), dequantized as q * scale_inv with scale_inv = 1 / scale in float32. The amax of
  a tensor is fmaxf over |x| (common/recipe/current_scaling.cu amax_kernel): NaN values are skipped.

Every float is stored as its float32 bit pattern. Run: .venv/bin/python test/oracles/te_delayed_scaling.py
"""

import json
import os
import warnings

import ml_dtypes
import numpy as np

warnings.simplefilter("ignore")  # inf * 0, casts of NaN: the values are what we record
F32 = np.float32
FP8 = {"float8_e4m3fn": (ml_dtypes.float8_e4m3fn, F32(448)), "float8_e5m2": (ml_dtypes.float8_e5m2, F32(57344))}


def bits(a) -> list:
    return np.asarray(a, dtype=F32).view(np.uint32).tolist()


def amax_of(x: np.ndarray) -> np.float32:
    a = np.abs(x)
    a = a[~np.isnan(a)]
    return F32(a.max()) if a.size else F32(0)


def cast(x: np.ndarray, scale: np.float32, fmt: str) -> np.ndarray:
    dtype, fp8_max = FP8[fmt]
    scaled = (x * scale).astype(F32)
    q = np.clip(scaled, -fp8_max, fp8_max).astype(dtype).astype(F32)
    scale_inv = F32(1) / scale
    return (q * scale_inv).astype(F32)


def update(history: np.ndarray, scale: np.float32, fmt: str, algo: str, margin: int):
    """_default_get_amax_and_update_history, then _default_sf_compute."""
    amax = F32(np.max(history)) if algo == "max" else F32(history[0])
    if history.shape[0] > 1:
        history = np.roll(history, -1)
    history = history.copy()
    history[0] = 0
    fp8_max = FP8[fmt][1]
    sf = F32(F32(fp8_max / amax) / F32(2.0**margin))
    sf = sf if amax > 0 else scale
    sf = sf if np.isfinite(amax) else scale
    sf = np.finfo(F32).max if np.isinf(sf) else sf
    return history, F32(sf), amax


def run(name: str, fmt: str, length: int, algo: str, margin: int, steps: list) -> dict:
    history = np.zeros(length, dtype=F32)
    scale = F32(1)
    out = []
    for x in steps:
        x = np.asarray(x, dtype=F32)
        y = cast(x, scale, fmt)
        used = scale
        history[0] = max(history[0], amax_of(x))
        history, scale, reduced = update(history, scale, fmt, algo, margin)
        out.append(
            {
                "x": bits(x),
                "y": bits(y),
                "scale": bits([used])[0],
                "reduced_amax": bits([reduced])[0],
                "history": bits(history),
            }
        )
    return {"name": name, "format": fmt, "history_length": length, "amax_compute_algo": algo, "margin": margin,
            "steps": out}


def main() -> None:
    rng = np.random.default_rng(7)
    normal = lambda scale, n=48: (rng.standard_normal(n) * scale).astype(F32)  # noqa: E731
    zeros = np.zeros(48, dtype=F32)
    with_inf = normal(1.0)
    with_inf[5] = np.inf
    with_nan = normal(2.0)
    with_nan[3] = np.nan
    tiny = np.full(8, 1e-41, dtype=F32)  # 448 / amax overflows float32: the scale becomes float32's max
    cases = [
        run("e4m3, history 4, max: growth, an all-zero window, an Inf amax, a NaN value, a tiny amax", "float8_e4m3fn",
            4, "max", 0,
            [normal(1), normal(3), normal(0.5), normal(40), normal(0.01), zeros, zeros, zeros, zeros, zeros,
             normal(2), with_inf, normal(1), normal(1), normal(1), normal(1), with_nan, tiny, normal(1e-3)]),
        run("e5m2, history 3, most_recent, margin 2", "float8_e5m2", 3, "most_recent", 2,
            [normal(1e-4), normal(1e-6), zeros, normal(300), with_inf, normal(1e-5), normal(1e-5)]),
        run("e4m3, history 1, max, margin 1", "float8_e4m3fn", 1, "max", 1,
            [normal(5), normal(0.2), zeros, normal(7), tiny, normal(1)]),
        run("e4m3, history 5, max, margin -1", "float8_e4m3fn", 5, "max", -1,
            [normal(1), normal(8), normal(1), normal(1), normal(1), normal(1), normal(1)]),
    ]
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "te_delayed_scaling.json")
    with open(out, "w") as f:
        json.dump({"generated_with": {"numpy": np.__version__, "ml_dtypes": ml_dtypes.__version__}, "cases": cases},
                  f)
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
