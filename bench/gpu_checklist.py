"""The one generator of notebooks/data/gpu_checklist.json: the PyTorch measurements behind lesson 5's checklist
"why is there no speed-up?", each stored with the setup that produced it. gpu_torch.py measures the headline
figures (h200_speed.json); this script measures what explains them:

- alignment: bfloat16 products whose dimensions are or are not multiples of 8 (GPT-2's vocabulary of 50257
  against nanoGPT's 50304, and square products one off 4096);
- batchSweep: one training step of the wide MLP (three 4096×4096 layers, SGD) and of the seed's MLP (Adam) per
  batch size, in float32 with TF32 off, float32 with TF32 on, and under bfloat16 autocast, with peak memory;
- profile: one training step of each model under torch.profiler: the kernels it launches, the time they run on
  the GPU against the step's wall time, and the time spent in dtype conversions.

    python bench/gpu_checklist.py --out notebooks/data/gpu_checklist.json       # on the GPU host
    python bench/gpu_checklist.py --quick --device cpu --out /tmp/smoke.json     # a smoke run, on any machine

Needs only Python, torch and numpy. Like gpu_torch.py (whose driver, clock and models it shares), a part that fails is
recorded under "skipped", and the file is rewritten after every part.
"""
import sys

import torch

from gpu_torch import mlp, run, sig, step_fn, tf32, uniform

SCHEMA = 1
# name -> (autocast dtype, TF32 on): the float32 baseline both without and with TF32, and bfloat16 autocast
SETTINGS = {"float32": (None, False), "tf32": (None, True), "mixed_bfloat16": (torch.bfloat16, False)}
WIDE = [4096] * 4
SEED = [784, 64, 10]


def matmul_tflops(clock, device, m, k, n, dtype):
    a = uniform((m, k), device, dtype, seed=1)
    b = uniform((k, n), device, dtype, seed=2)
    ms = clock.median_ms(lambda: a @ b)
    return 2 * m * k * n / (ms / 1000) / 1e12


def alignment_part(out, clock, device, quick):
    scale = 8 if quick else 1
    shapes = [
        ("GPT-2 output layer, vocabulary 50257", 8192 // scale, 768 // scale, 50257 // scale),
        ("the same, vocabulary padded to 50304 (nanoGPT)", 8192 // scale, 768 // scale, 50304 // scale),
    ] + [(f"square n = {n}", n // scale, n // scale, n // scale) for n in (4096, 4095, 4097, 4104)]
    out["alignment"] = {
        "what": (
            "C = A·B with A m×k and B k×n in bfloat16 (uniform in [-1, 1)); TFLOP/s = 2mkn / time per product. "
            "Tensor cores want every dimension a multiple of 8 bfloat16 values (16 bytes)"
        ),
        "rows": [],
    }
    for name, m, k, n in shapes:
        tflops = matmul_tflops(clock, device, m, k, n, torch.bfloat16)
        out["alignment"]["rows"].append({"shape": name, "m": m, "k": k, "n": n, "TFLOPs": sig(tflops)})


def timed_step(clock, device, layers, batch, setting, optimizer):
    """Milliseconds per training step and peak MiB of `layers` at `batch` under a SETTINGS entry."""
    dtype, tf32_on = SETTINGS[setting]
    torch.manual_seed(0)
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    model = mlp(layers, device)
    x = uniform((batch, layers[0]), device, seed=5)
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        y = torch.randint(0, layers[-1], (batch,), device=device)
        loss_of = lambda m: torch.nn.functional.cross_entropy(m(x), y)  # noqa: E731
    else:
        opt = torch.optim.SGD(model.parameters(), lr=1e-3)
        loss_of = lambda m: m(x).float().square().mean()  # noqa: E731
    step = step_fn(model, opt, dtype, device, loss_of)
    tf32(tf32_on)
    try:
        ms = clock.median_ms(step)
    finally:
        tf32(False)
    peak = round(torch.cuda.max_memory_allocated() / 2**20, 1) if device == "cuda" else None
    return ms, peak, step


def batch_sweep_part(out, clock, device, quick):
    wide = [256] * 4 if quick else WIDE
    models = {
        "wideMlp": (wide, "sgd", [32, 128, 512] if quick else [32, 128, 512, 2048, 8192]),
        "seedMlp": (SEED, "adam", [128, 1024] if quick else [128, 1024, 8192, 65536]),
    }
    out["batchSweep"] = {
        "what": (
            "one training step (forward, loss, backward, optimizer; GradScaler off: bfloat16 needs none) per batch "
            "size. float32: TF32 off; tf32: float32 with TF32 on; mixed_bfloat16: torch.autocast to bfloat16 with "
            "TF32 off. Peak MiB: torch.cuda.max_memory_allocated over the timing"
        ),
        "models": {},
        "rows": [],
    }
    for name, (layers, optimizer, batches) in models.items():
        out["batchSweep"]["models"][name] = {
            "layers": layers,
            "optimizer": "Adam, lr 1e-3" if optimizer == "adam" else "SGD, lr 1e-3",
            "loss": "cross-entropy on random labels" if optimizer == "adam" else "mean of the squared outputs",
        }
        for batch in batches:
            for setting in SETTINGS:
                if name == "seedMlp" and setting == "tf32":
                    continue  # its products are too small for TF32 to matter; the sweep shows overhead
                ms, peak, _ = timed_step(clock, device, layers, batch, setting, optimizer)
                row = {"model": name, "batch": batch, "setting": setting, "msPerStep": sig(ms), "peakMiB": peak}
                out["batchSweep"]["rows"].append(row)


def is_cast(name):
    """Kernels and ops that convert dtypes: autocast's casts of weights and activations."""
    low = name.lower()
    return "copy" in low or "convert" in low or "_to_copy" in low


def profile_part(out, clock, device, quick):
    wide_batch = 256 if quick else 4096
    cases = [("seedMlp", SEED, 128, "adam"), ("wideMlp", [256] * 4 if quick else WIDE, wide_batch, "sgd")]
    steps = 5 if quick else 20
    activity = torch.profiler.ProfilerActivity.CUDA if device == "cuda" else torch.profiler.ProfilerActivity.CPU
    out["profile"] = {
        "what": (
            f"{steps} training steps under torch.profiler after warm-up. kernels: GPU kernels launched per step "
            "(on a CPU: leaf operators); gpuMs: their summed run time per step; wallMs: the step's time on the "
            "clock; castMs and casts: the kernels that convert dtypes (names with copy or convert)"
        ),
        "rows": [],
    }
    for name, layers, batch, optimizer in cases:
        for setting in ("float32", "mixed_bfloat16"):
            ms, _, step = timed_step(clock, device, layers, batch, setting, optimizer)
            with torch.profiler.profile(activities=[activity]) as prof:
                for _ in range(steps):
                    step()
                clock.sync()
            if device == "cuda":
                kernels = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
            else:
                kernels = [e for e in prof.events() if not e.cpu_children]
            busy = sum(e.time_range.elapsed_us() for e in kernels) / 1000 / steps
            casts = [e for e in kernels if is_cast(e.name)]
            cast_ms = sum(e.time_range.elapsed_us() for e in casts) / 1000 / steps
            out["profile"]["rows"].append(
                {
                    "model": name,
                    "batch": batch,
                    "setting": setting,
                    "wallMs": sig(ms),
                    "gpuMs": sig(busy),
                    "kernels": round(len(kernels) / steps, 1),
                    "casts": round(len(casts) / steps, 1),
                    "castMs": sig(cast_ms),
                }
            )


def main(argv):
    run(argv, "gpu_checklist.py", SCHEMA, lambda args: [alignment_part, batch_sweep_part, profile_part])


if __name__ == "__main__":
    main(sys.argv[1:])
