"""The one generator of notebooks/data/h200_speed.json: PyTorch speed figures on one GPU, each stored with the
exact setup that produced it, so that the lessons (through src/course/data/gpu_speed.ts) show no figure that
this script did not measure.

    python bench/gpu_torch.py --out notebooks/data/h200_speed.json        # on the GPU host
    python bench/gpu_torch.py --quick --device cpu --out /tmp/smoke.json   # a smoke run, on any machine
    python bench/gpu_torch.py --mnist DIR --out gpu-torch.json             # also one MNIST epoch per policy

Needs only Python, torch and numpy (no network). It measures: matmul TFLOP/s per input dtype and size (float32
with TF32 off, tf32, float16, bfloat16, float8 e4m3 through torch._scaled_mm); an elementwise op's bandwidth;
the seed's first layer; one training step of the seed's MLP and of a wide MLP under each policy (the models,
optimizers, TF32 setting and FLOPs per step are written next to the figures), with peak memory. A part that
fails is recorded under "skipped" with its error, and the file is rewritten after every part, so a cut-off
run keeps what it measured.
"""
import argparse
import datetime
import json
import platform
import subprocess
import sys
import time

import numpy as np
import torch

SCHEMA = 1
MATMUL_DTYPES = ["float32", "tf32", "float16", "bfloat16", "float8_e4m3fn"]
# policy name (as the course names it) -> autocast dtype; float16 also scales the loss (torch.amp.GradScaler)
POLICIES = {"float32": None, "mixed_bfloat16": torch.bfloat16, "mixed_float16": torch.float16}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", help="write the JSON here (default: print it)")
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--quick", action="store_true", help="small sizes and short timings: a smoke run")
    p.add_argument("--mnist", metavar="DIR", help="MNIST idx files: also one epoch of the seed's MLP per policy")
    return p.parse_args(argv)


class Clock:
    """Times a call: CUDA events on a GPU, perf_counter on the CPU. median_ms(fn) is the median time per call
    over `repeats` batches of at least `min_batch_s` seconds each, after `warmup_s` of calls (clocks ramp up)."""

    def __init__(self, device, quick):
        self.device = device
        self.warmup_s, self.repeats, self.min_batch_s = (0.05, 3, 0.01) if quick else (0.3, 5, 0.05)

    def describe(self):
        clock = "CUDA events" if self.device == "cuda" else "time.perf_counter"
        return (
            f"{clock}; per call, the median of {self.repeats} batches of calls of at least "
            f"{self.min_batch_s * 1000:.0f} ms each, after {self.warmup_s:.2f} s of warm-up calls"
        )

    def sync(self):
        if self.device == "cuda":
            torch.cuda.synchronize()

    def median_ms(self, fn):
        fn()
        self.sync()
        calls, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < self.warmup_s or calls < 2:
            fn()
            calls += 1
        self.sync()
        per_call = max((time.perf_counter() - t0) / calls, 1e-7)
        batch = max(1, int(self.min_batch_s / per_call))
        times = []
        for _ in range(self.repeats):
            times.append(self._batch_ms(fn, batch) / batch)
        return float(np.median(times))

    def _batch_ms(self, fn, calls):
        if self.device == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(calls):
                fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end)
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - t0) * 1000


def tf32(on):
    """TF32 for float32 matmuls: 'high' lets them round inputs to TF32 on tensor cores, 'highest' does not."""
    torch.set_float32_matmul_precision("high" if on else "highest")


def sig(x):
    """x to 4 significant digits: enough for any figure here, on a fast GPU or a slow CPU."""
    return float(f"{x:.4g}")


def uniform(shape, device, dtype=torch.float32, seed=0):
    g = torch.Generator(device=device).manual_seed(seed)
    return (torch.rand(shape, generator=g, device=device) * 2 - 1).to(dtype)


def matmul_part(out, clock, device, quick):
    sizes = [256, 512] if quick else [1024, 2048, 4096, 8192]
    out["matmul"] = {
        "what": (
            "C = A·B for square n×n inputs uniform in [-1, 1); TFLOP/s = 2n³ / time per product. float32 with "
            "TF32 off, tf32 = float32 inputs with TF32 on; float16 and bfloat16 return their own dtype; "
            "float8_e4m3fn: torch._scaled_mm with scales 1, bfloat16 output, use_fast_accum=False"
        ),
        "rows": [],
    }
    for n in sizes:
        for dtype in MATMUL_DTYPES:
            if dtype == "tf32" and device == "cpu":
                skip(out, f"matmul {n} tf32", "TF32 exists on NVIDIA tensor cores only")
                continue
            try:
                fn = matmul_call(n, dtype, device)
                tf32(dtype == "tf32")
                ms = clock.median_ms(fn)
            except Exception as e:  # one dtype the device lacks must not cost the other figures
                skip(out, f"matmul {n} {dtype}", e)
                continue
            finally:
                tf32(False)
            tflops = 2 * n**3 / (ms / 1000) / 1e12
            out["matmul"]["rows"].append(
                {"n": n, "dtype": dtype, "tf32": dtype == "tf32", "TFLOPs": sig(tflops)}
            )


def matmul_call(n, dtype, device):
    a = uniform((n, n), device, seed=1)
    b = uniform((n, n), device, seed=2)
    if dtype == "float8_e4m3fn":
        a8 = a.to(torch.float8_e4m3fn)
        b8 = b.t().contiguous().to(torch.float8_e4m3fn).t()  # _scaled_mm wants its second operand column-major
        one = torch.ones((), device=device)
        return lambda: torch._scaled_mm(a8, b8, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
    t = {"float32": torch.float32, "tf32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
    a, b = a.to(t[dtype]), b.to(t[dtype])
    return lambda: a @ b


def elementwise_part(out, clock, device, quick):
    values = 2**20 if quick else 2**28
    out["elementwise"] = {
        "what": f"y = x·2 into a preallocated y, {values} values; GB/s counts the bytes read and written",
        "values": values,
        "rows": [],
    }
    for name, dtype in [("float32", torch.float32), ("float16", torch.float16), ("bfloat16", torch.bfloat16)]:
        x = uniform((values,), device, dtype)
        y = torch.empty_like(x)
        ms = clock.median_ms(lambda: torch.mul(x, 2, out=y))
        moved = 2 * values * x.element_size()
        out["elementwise"]["rows"].append({"dtype": name, "ms": sig(ms), "GBps": sig(moved / ms / 1e6)})
        del x, y


def seed_layer_part(out, clock, device, quick):
    out["seedLayer"] = {
        "what": "the seed MLP's first layer at batch 128: a 128×784 by 784×64 product, back to back, TF32 off",
        "rows": [],
    }
    for name, dtype in [("float32", torch.float32), ("float16", torch.float16), ("bfloat16", torch.bfloat16)]:
        a = uniform((128, 784), device, dtype, seed=3)
        w = uniform((784, 64), device, dtype, seed=4)
        us = clock.median_ms(lambda: a @ w) * 1000
        out["seedLayer"]["rows"].append({"dtype": name, "us": sig(us)})


def flops_per_step(layers, batch):
    """The matrix products of one training step of a stack of Linear layers (2·m·n·k each): the forward pass,
    every weight gradient, and the input gradient of every layer but the first (its input is data)."""
    products = [2 * batch * a * b for a, b in zip(layers, layers[1:])]
    return 3 * sum(products) - products[0]


def mlp(layers, device):
    mods = []
    for i, (a, b) in enumerate(zip(layers, layers[1:])):
        mods.append(torch.nn.Linear(a, b))
        if i < len(layers) - 2:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods).to(device)


def model_spec(layers, batch, optimizer, loss, data):
    return {
        "layers": layers,
        "shape": " → ".join(map(str, layers)) + ", ReLU between layers",
        "batch": batch,
        "optimizer": optimizer,
        "loss": loss,
        "lossScaling": "torch.amp.GradScaler under mixed_float16 only",
        "tf32": False,
        "flopsPerStep": flops_per_step(layers, batch),
        "data": data,
    }


def step_fn(model, opt, dtype, device, loss_of):
    """One training step under a policy: autocast to `dtype` (none for float32), GradScaler for float16.
    step(*args) computes loss_of(model, *args)."""
    scaler = torch.amp.GradScaler(device, enabled=dtype == torch.float16)

    def step(*args):
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device, dtype=dtype or torch.float32, enabled=dtype is not None):
            loss = loss_of(model, *args)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    return step


def peak_mib(device):
    return round(torch.cuda.max_memory_allocated() / 2**20, 1) if device == "cuda" else None


def seed_mlp_part(out, clock, device, quick):
    layers, batch = [784, 64, 10], 128
    out["seedMlp"] = {
        "model": model_spec(
            layers, batch, "Adam, lr 1e-3", "cross-entropy",
            "one batch of uniform [0, 1) inputs and random labels (MNIST's shape; the time does not depend on values)",
        ),
        "rows": [],
    }
    x = torch.rand(batch, 784, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    for policy, dtype in POLICIES.items():
        torch.manual_seed(0)
        model = mlp(layers, device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        step = step_fn(model, opt, dtype, device, lambda m: torch.nn.functional.cross_entropy(m(x), y))
        us = clock.median_ms(step) * 1000
        out["seedMlp"]["rows"].append({"policy": policy, "usPerStep": sig(us)})


def wide_mlp_part(out, clock, device, quick):
    """The wide MLP that scripts/gpu-report.ts also runs on WebGPU (MixedDense layers, SGD, the same loss)."""
    width = 256 if quick else 4096
    layers, batch = [width] * 4, width
    out["wideMlp"] = {
        "model": model_spec(
            layers, batch, "SGD, lr 1e-3", "mean of the squared outputs", f"one {batch}×{width} batch in [-1, 1)"
        ),
        "rows": [],
    }
    x = uniform((batch, width), device, seed=5)
    for policy, dtype in POLICIES.items():
        torch.manual_seed(0)
        if device == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        model = mlp(layers, device)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3)
        step = step_fn(model, opt, dtype, device, lambda m: m(x).float().square().mean())
        ms = clock.median_ms(step)
        row = {"policy": policy, "msPerStep": sig(ms), "peakMiB": peak_mib(device)}
        out["wideMlp"]["rows"].append(row)
        del model, opt, step


def mnist_part(out, device, data_dir, quick):
    """One epoch of the seed's recipe on real MNIST per policy (48 000 training images), for scripts/gpu-report.ts."""

    def idx(name):
        raw = np.fromfile(f"{data_dir}/{name}", dtype=np.uint8)
        return raw[4 + 4 * raw[3]:]

    n = 4096 if quick else 48000
    x = torch.from_numpy(idx("train-images-idx3-ubyte").reshape(-1, 784)[:n].astype(np.float32) / 255).to(device)
    y = torch.from_numpy(idx("train-labels-idx1-ubyte")[:n].astype(np.int64)).to(device)
    xt = torch.from_numpy(idx("t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255).to(device)
    yt = torch.from_numpy(idx("t10k-labels-idx1-ubyte").astype(np.int64)).to(device)
    out["mnistEpoch"] = {
        "model": model_spec([784, 64, 10], 128, "Adam, lr 1e-3", "cross-entropy", f"the first {n} MNIST images"),
        "rows": [],
    }
    for policy, dtype in POLICIES.items():
        torch.manual_seed(0)
        model = mlp([784, 64, 10], device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        step = step_fn(model, opt, dtype, device, lambda m, i: torch.nn.functional.cross_entropy(m(x[i]), y[i]))
        if device == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        for i in torch.randperm(n, device=device).split(128):
            step(i)
        if device == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            acc = (model(xt).argmax(1) == yt).float().mean().item()
        out["mnistEpoch"]["rows"].append({"policy": policy, "secondsPerEpoch": sig(seconds), "testAccuracy": acc})


def skip(out, what, reason):
    out["skipped"].append({"what": what, "reason": str(reason).splitlines()[0][:300]})
    print(f"skipped {what}: {reason}", file=sys.stderr)


def driver_version():
    try:
        r = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20,
        )
        return r.stdout.strip().splitlines()[0] if r.returncode == 0 and r.stdout.strip() else None
    except (OSError, subprocess.SubprocessError):
        return None


def header(args, clock, script, schema):
    cuda = args.device == "cuda"
    props = torch.cuda.get_device_properties(0) if cuda else None
    return {
        "schema": schema,
        "carriedOver": None,
        "quick": args.quick,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": f"python bench/{script} " + " ".join(sys.argv[1:]),
        "device": {
            "name": props.name if cuda else platform.processor() or platform.machine(),
            "driver": driver_version() if cuda else None,
            "memoryGiB": round(props.total_memory / 2**30, 1) if cuda else None,
            "multiprocessors": props.multi_processor_count if cuda else None,
        },
        "software": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "cuda": torch.version.cuda,
            "cudnn": torch.backends.cudnn.version() if cuda else None,
            "numpy": np.__version__,
        },
        "timing": clock.describe(),
        "skipped": [],
    }


def run(argv, script, schema, parts):
    """What every GPU script does: its header, then each of `parts(args)` in turn into one file, saved after each
    part; a part that fails is skipped, saying why, and the others still run."""
    args = parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("No CUDA device: run on the GPU host, or pass --device cpu for a smoke run.")
    clock = Clock(args.device, args.quick)
    tf32(False)
    out = header(args, clock, script, schema)

    def save():
        text = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
        if args.out:
            with open(args.out, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    for part in parts(args):
        t0 = time.perf_counter()
        try:
            part(out, clock, args.device, args.quick)
        except Exception as e:  # one part failing must not cost the others
            skip(out, part.__name__, e)
        print(f"{part.__name__}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        save()
    text = save()
    if not args.out:
        print(text, end="")


def main(argv):
    def parts(args):
        def mnist(out, clock, device, quick):
            mnist_part(out, device, args.mnist, quick)

        mnist.__name__ = "mnist_part"
        return [matmul_part, elementwise_part, seed_layer_part, seed_mlp_part, wide_mlp_part] + (
            [mnist] if args.mnist else []
        )

    run(argv, "gpu_torch.py", SCHEMA, parts)


if __name__ == "__main__":
    main(sys.argv[1:])
