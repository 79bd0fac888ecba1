"""Baseline for npm run bench: numpy/ml_dtypes cast throughput on this machine, in M elements/s (JSON)."""
import json
import sys
import timeit

import ml_dtypes
import numpy as np

n = int(sys.argv[1])
x = (np.random.default_rng(0).standard_normal(n) * 10).astype(np.float32)


def rate(fn):
    runs, total = timeit.Timer(fn).autorange()
    best = min(timeit.repeat(fn, number=runs, repeat=5)) / runs
    return n / best / 1e6


print(json.dumps({
    "float16": rate(lambda: x.astype(np.float16)),
    "bfloat16": rate(lambda: x.astype(ml_dtypes.bfloat16)),
    "copy": rate(lambda: x.copy()),
}))
