"""PyTorch on the same GPU, for scripts/gpu-report.ts: matmul TFLOP/s (fp32 with TF32 off, fp16), the seed's
MLP on MNIST (Adam 1e-3, batch 128, 48 000 images) in fp32 and under autocast fp16/bf16, and s/step of the
4096-wide MLP. Prints JSON.  Usage: python gpu_torch.py MNIST_DIR [--quick]"""
import json
import sys
import time

import numpy as np
import torch

quick = "--quick" in sys.argv
data_dir = sys.argv[1]
dev = "cuda"
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
out = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "matmul": [], "mnist": [], "wideMlp": []}


def timed(fn, min_s=0.3):
    fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.4:  # warm-up: clocks ramp up
        fn()
    torch.cuda.synchronize()
    reps = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < min_s:
        fn()
        reps += 1
        if reps % 5 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) / reps


for n in [1024, 2048] if quick else [2048, 4096, 8192]:
    for dtype in [torch.float32, torch.float16]:
        a = torch.rand(n, n, device=dev, dtype=dtype) * 2 - 1
        b = torch.rand(n, n, device=dev, dtype=dtype) * 2 - 1
        s = timed(lambda: a @ b)
        out["matmul"].append({"n": n, "dtype": str(dtype).split(".")[1], "TFLOPs": round(2 * n**3 / s / 1e12, 1)})


def idx(name):
    raw = np.fromfile(f"{data_dir}/{name}", dtype=np.uint8)
    return raw[4 + 4 * raw[3]:]


x = torch.from_numpy(idx("train-images-idx3-ubyte").reshape(-1, 784)[:48000].astype(np.float32) / 255).to(dev)
y = torch.from_numpy(idx("train-labels-idx1-ubyte")[:48000].astype(np.int64)).to(dev)
xt = torch.from_numpy(idx("t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255).to(dev)
yt = torch.from_numpy(idx("t10k-labels-idx1-ubyte").astype(np.int64)).to(dev)
epochs = 1
for name, dtype in [("float32", None), ("mixed_float16", torch.float16), ("mixed_bfloat16", torch.bfloat16)]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    scaler = torch.amp.GradScaler(enabled=dtype == torch.float16)
    per_epoch = []
    for _ in range(epochs):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for i in torch.randperm(48000, device=dev).split(128):
            opt.zero_grad()
            with torch.autocast("cuda", dtype=dtype or torch.float32, enabled=dtype is not None):
                loss = torch.nn.functional.cross_entropy(model(x[i]), y[i])
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        torch.cuda.synchronize()
        per_epoch.append(time.perf_counter() - t0)
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    out["mnist"].append({"policy": name, "secondsPerEpoch": per_epoch, "testAccuracy": acc})

width = 4096
for name, dtype in [("float32", None), ("mixed_float16", torch.float16), ("mixed_bfloat16", torch.bfloat16)]:
    torch.manual_seed(0)
    layers = [torch.nn.Linear(width, width), torch.nn.ReLU(), torch.nn.Linear(width, width), torch.nn.ReLU(),
              torch.nn.Linear(width, width)]
    model = torch.nn.Sequential(*layers).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    xb = torch.rand(width, width, device=dev) * 2 - 1

    def step():
        opt.zero_grad()
        with torch.autocast("cuda", dtype=dtype or torch.float32, enabled=dtype is not None):
            loss = model(xb).float().square().mean()
        loss.backward()
        opt.step()

    out["wideMlp"].append({"policy": name, "msPerStep": round(timed(step) * 1000, 2)})

print(json.dumps(out, indent=1))
