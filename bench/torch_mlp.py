"""Baseline for npm run bench: one epoch of the seed's MLP (784-64-10, Adam 1e-3, batch 128) in PyTorch
on one thread, on the same MNIST files, with the same 48 000-image training split. Prints JSON: the epoch in
seconds of wall and of this process's CPU time."""
import json
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(0)
data_dir = sys.argv[1]


def idx(name):
    raw = np.fromfile(f"{data_dir}/{name}", dtype=np.uint8)
    rank = raw[3]
    return raw[4 + 4 * rank:]


x = torch.from_numpy(idx("train-images-idx3-ubyte").reshape(-1, 784)[:48000].astype(np.float32) / 255)
y = torch.from_numpy(idx("train-labels-idx1-ubyte")[:48000].astype(np.int64))
model = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
start, cpu_start = time.perf_counter(), time.process_time()
for i in torch.randperm(48000).split(128):
    opt.zero_grad()
    loss_fn(model(x[i]), y[i]).backward()
    opt.step()
print(json.dumps({
    "epoch_seconds": time.perf_counter() - start,
    "epoch_cpu_seconds": time.process_time() - cpu_start,
    "torch": torch.__version__,
}))
