"""Baseline for npm run bench: numpy/ml_dtypes cast throughput on this machine, in M elements/s of this process's
CPU time (the bench times ours the same way, so that other programs on a busy machine barely disturb the ratio),
the median of 5 repeats (JSON)."""
import json
import sys
import time
import timeit

import ml_dtypes
import numpy as np

n = int(sys.argv[1])
x = (np.random.default_rng(0).standard_normal(n) * 10).astype(np.float32)


def rate(fn):
    timer = timeit.Timer(fn, timer=time.process_time)
    runs, _ = timer.autorange()
    middle = sorted(timer.repeat(number=runs, repeat=5))[2] / runs
    return n / middle / 1e6


print(json.dumps({
    "float16": rate(lambda: x.astype(np.float16)),
    "bfloat16": rate(lambda: x.astype(ml_dtypes.bfloat16)),
    "copy": rate(lambda: x.copy()),
}))
