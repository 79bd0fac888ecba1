"""Writes test/fixtures/torch_amp_loop.json: the canonical AMP training loop's pieces as torch runs them on CPU.

torch.amp.GradScaler('cpu') with torch.nn.utils.clip_grad_norm_, in float32 (the scaler's bookkeeping is the same on
every device: one _amp_update_scale_ op and one _amp_foreach_non_finite_check_and_unscale_ op). Three parts:

  state_dicts    a scaler (init 2**10, growth interval 3) fed a fixed pattern of overflowing steps (an inf written
                 into a gradient after backward): state_dict() after every update(); and a second scaler, built with
                 other settings, that load_state_dict()s the first one's state after step `resume_after` and runs
                 the remaining steps: its state_dict() after each.
  clip           scaled gradients (g·S) unscaled by unscale_(), then clip_grad_norm_(max_norm): the total norm, the
                 clipped gradients, whether the step ran, the parameters and the scale after step() and update().
  accumulation   a linear model's mean-squared error over 8 rows, as 4 micro-batches of 2 rows, each loss divided
                 by 4, scaled and backpropagated into the same .grad, then unscale_(): the accumulated gradient,
                 and the full batch's gradient without a scaler.

Floats are stored as the uint32 bit patterns of float32 values. Run:

    .venv/bin/python test/oracles/torch_amp_loop.py
"""

import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "torch_amp_loop.json")


def bits(t):
    return np.asarray(t.detach().cpu(), dtype=np.float32).reshape(-1).view(np.uint32).tolist()


def state_dicts():
    config = {"init_scale": 2.0**10, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 3}
    overflow = [False, False, True, False, False, False, False, True, True, False, False, False, False, False]
    resume_after = 8

    def run(scaler, flags):
        p = torch.nn.Parameter(torch.ones(2))
        opt = torch.optim.SGD([p], lr=0.1)
        dicts = []
        for inf in flags:
            opt.zero_grad()
            scaler.scale((p * torch.tensor([1.5, -2.0])).sum()).backward()
            if inf:
                p.grad[0] = float("inf")
            scaler.step(opt)
            scaler.update()
            dicts.append(scaler.state_dict())
        return dicts

    first = torch.amp.GradScaler("cpu", **config)
    trace = run(first, overflow[:resume_after])
    saved = first.state_dict()
    trace += run(first, overflow[resume_after:])
    resumed = torch.amp.GradScaler("cpu", init_scale=3.0, growth_factor=4.0, backoff_factor=0.25, growth_interval=7)
    resumed.load_state_dict(saved)
    after = run(resumed, overflow[resume_after:])
    return {
        "config": config,
        "overflow": overflow,
        "trace": trace,
        "resume_after": resume_after,
        "resumed": after,
    }


CLIP_CASES = [
    {"name": "the norm exceeds max_norm: every gradient shrinks", "grads": [[3.0, -4.0], [12.0]], "scale": 2.0**16, "max_norm": 1.0},
    {"name": "the norm is below max_norm: nothing changes", "grads": [[0.03, -0.04], [0.012]], "scale": 2.0**12, "max_norm": 1.0},
    {"name": "a gradient is inf: the step is skipped", "grads": [[float("inf"), 1.0], [2.0]], "scale": 2.0**10, "max_norm": 1.0},
]


def clip_case(case):
    params = [torch.nn.Parameter(torch.zeros(len(g))) for g in case["grads"]]
    opt = torch.optim.SGD(params, lr=0.5)
    scaler = torch.amp.GradScaler("cpu", init_scale=case["scale"])
    scaler.scale(torch.zeros(()))  # makes the scale tensor; the gradients are then written as backward would
    for p, g in zip(params, case["grads"]):
        p.grad = torch.tensor(g, dtype=torch.float32) * case["scale"]
    scaler.unscale_(opt)
    total = torch.nn.utils.clip_grad_norm_(params, case["max_norm"])
    clipped = [bits(p.grad) for p in params]
    before = [p.detach().clone() for p in params]
    scaler.step(opt)
    scaler.update()
    stepped = any(not torch.equal(b, p.detach()) for b, p in zip(before, params))
    return {
        **case,
        "grads": [bits(torch.tensor(g, dtype=torch.float32)) for g in case["grads"]],
        "total_norm": bits(total),
        "clipped": clipped,
        "stepped": stepped,
        "params_after": [bits(p) for p in params],
        "scale_after": scaler.get_scale(),
    }


def accumulation():
    rng = np.random.default_rng(0)
    x = (rng.integers(-8, 9, size=(8, 3)) / 8).astype(np.float32)
    y = (rng.integers(-8, 9, size=(8, 2)) / 4).astype(np.float32)
    w0 = (rng.integers(-8, 9, size=(3, 2)) / 16).astype(np.float32)
    micro, parts = 2, 4

    w = torch.nn.Parameter(torch.tensor(w0))
    opt = torch.optim.SGD([w], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8)
    for i in range(parts):
        xb, yb = torch.tensor(x[i * micro : (i + 1) * micro]), torch.tensor(y[i * micro : (i + 1) * micro])
        loss = ((xb @ w - yb) ** 2).mean() / parts
        scaler.scale(loss).backward()
    scaler.unscale_(opt)
    accumulated = bits(w.grad)

    full = torch.nn.Parameter(torch.tensor(w0))
    ((torch.tensor(x) @ full - torch.tensor(y)) ** 2).mean().backward()
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "w": w0.tolist(),
        "micro_batch": micro,
        "micro_batches": parts,
        "scale": 2.0**8,
        "accumulated_grad": accumulated,
        "full_batch_grad": bits(full.grad),
    }


def main():
    fixture = {
        "generated_with": {"torch": torch.__version__, "numpy": np.__version__},
        "state_dicts": state_dicts(),
        "clip": [clip_case(c) for c in CLIP_CASES],
        "accumulation": accumulation(),
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
