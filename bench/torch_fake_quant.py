"""Baseline for npm run bench: torch.fake_quantize_per_tensor_affine throughput (M elements/s, one thread)."""
import json
import sys
import timeit

import torch

torch.set_num_threads(1)
n = int(sys.argv[1])
x = torch.randn(n) * 3
runs, _ = timeit.Timer(lambda: torch.fake_quantize_per_tensor_affine(x, 0.05, 0, -128, 127)).autorange()
best = min(timeit.repeat(lambda: torch.fake_quantize_per_tensor_affine(x, 0.05, 0, -128, 127), number=runs, repeat=5)) / runs
print(json.dumps({"mps": n / best / 1e6, "torch": torch.__version__}))
