"""A live cross-check, on a machine with CUDA: runs each op of the course's autocast table under
torch.autocast('cuda', float16 | bfloat16) on low-precision inputs and on a low input next to a float32 one, and
prints the output dtypes next to what test/fixtures/autocast_lists.json (torch's own lists) predicts. The tests
never run it (no GPU there); it shows that the lists' categories are what CUDA autocast does.

    python3 test/oracles/autocast_cuda_check.py
"""

import json
import os

import torch
import torch.nn.functional as F

N = 8


def t(dtype: torch.dtype, *shape: int) -> torch.Tensor:
    return torch.rand(*(shape or (N, N)), device="cuda", dtype=dtype) + 0.5


# the course's op name -> a call on inputs (a, b) of one shape; b is None for one-input ops
CALLS = {
    "matmul": lambda a, b: torch.matmul(a, b),
    "mm": lambda a, b: torch.mm(a, b),
    "bmm": lambda a, b: torch.bmm(a[None], b[None]),
    "addmm": lambda a, b: torch.addmm(a, a, b),
    "baddbmm": lambda a, b: torch.baddbmm(a[None], a[None], b[None]),
    "linear": lambda a, b: F.linear(a, b),
    "conv1d": lambda a, b: F.conv1d(a[None], b[:, :, None]),
    "conv2d": lambda a, b: F.conv2d(a[None, :, :, None], b[:, :, None, None]),
    "conv3d": lambda a, b: F.conv3d(a[None, :, :, None, None], b[:, :, None, None, None]),
    "exp": lambda a, b: torch.exp(a),
    "log": lambda a, b: torch.log(a),
    "pow": lambda a, b: torch.pow(a, 2.0),
    "sqrt": lambda a, b: torch.sqrt(a),
    "reciprocal": lambda a, b: torch.reciprocal(a),
    "rsqrt": lambda a, b: torch.rsqrt(a),
    "sum": lambda a, b: torch.sum(a),
    "mean": lambda a, b: torch.mean(a),
    "prod": lambda a, b: torch.prod(a),
    "cumsum": lambda a, b: torch.cumsum(a, 0),
    "norm": lambda a, b: torch.norm(a),
    "softmax": lambda a, b: torch.softmax(a, 1),
    "log_softmax": lambda a, b: torch.log_softmax(a, 1),
    "layer_norm": lambda a, b: F.layer_norm(a, (N,)),
    "batch_norm": lambda a, b: F.batch_norm(a, None, None, training=True),
    "cross_entropy": lambda a, b: F.cross_entropy(a, torch.zeros(N, dtype=torch.long, device="cuda")),
    "binary_cross_entropy_with_logits": lambda a, b: F.binary_cross_entropy_with_logits(a, torch.rand_like(a)),
    "mse_loss": lambda a, b: F.mse_loss(a, b),
    "add": lambda a, b: torch.add(a, b),
    "mul": lambda a, b: torch.mul(a, b),
    "relu": lambda a, b: torch.relu(a),
    "gelu": lambda a, b: F.gelu(a),
    "sigmoid": lambda a, b: torch.sigmoid(a),
    "tanh": lambda a, b: torch.tanh(a),
    "dropout": lambda a, b: F.dropout(a, 0.5),
    "max_pool2d": lambda a, b: F.max_pool2d(a[None], 2),
    "avg_pool2d": lambda a, b: F.avg_pool2d(a[None], 2),
    "cat": lambda a, b: torch.cat([a, b]),
    "stack": lambda a, b: torch.stack([a, b]),
}
COMPOSITES = {"cross_entropy": ["log_softmax", "nll_loss"]}
TWO_INPUTS = {"matmul", "mm", "bmm", "addmm", "baddbmm", "linear", "conv1d", "conv2d", "conv3d", "mse_loss", "add",
              "mul", "cat", "stack"}


def main() -> None:
    with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "autocast_lists.json")) as f:
        lists = json.load(f)
    disagree = 0
    for low_name, low in (("float16", torch.float16), ("bfloat16", torch.bfloat16)):
        for inputs in ("low", "mixed"):
            for op, call in CALLS.items():
                if inputs == "mixed" and op not in TWO_INPUTS:
                    continue
                parts = COMPOSITES.get(op, [op])
                category = lists["ops"].get(parts[0], {}).get("category", "absent")
                expected = lists["expected"][category][low_name][inputs]
                a, b = t(low), t(low if inputs == "low" else torch.float32)
                with torch.autocast("cuda", dtype=low):
                    got = str(call(a, b).dtype).removeprefix("torch.")
                mark = "" if got == expected else "  <-- differs"
                disagree += got != expected
                print(f"{low_name:8} {inputs:5} {op:34} {category:18} expected {expected:8} got {got}{mark}")
    print(f"{disagree} disagreements; torch {torch.__version__}, {torch.cuda.get_device_name()}")


if __name__ == "__main__":
    main()
