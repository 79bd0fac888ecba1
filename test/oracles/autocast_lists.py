"""Writes test/fixtures/autocast_lists.json from torch's own autocast test lists.

Source: torch/testing/_internal/autocast_test_lists.py, class AutocastTestLists (the lists test/test_cuda.py checks
CUDA autocast against; its ops take float16 inputs). The class only builds example arguments, so it is constructed
on 'cpu' and read as data: no GPU is needed. Its module imports two names from common_utils, which needs the test-only
package expecttest; a stand-in module gives those two names (not on ROCm, a plain base class), so the lists
themselves are torch's, unchanged.

Each op gets the category torch gives it under CUDA autocast:
  lower_precision_fp   torch_fp16, nn_fp16, linalg_fp16, methods_fp16: runs in the autocast dtype
  fp32                 torch_fp32, nn_fp32, methods_fp32: runs in float32
  promote              torch_need_autocast_promote: autocast casts the inputs to the widest input dtype
  builtin_promote      torch_expect_builtin_promote, methods_expect_builtin_promote: not autocast's business; the
                       op's own type promotion gives the widest input dtype
  banned               banned: raises under autocast
and every op absent from the lists runs in its input's dtype.

`expected` gives, per category, the output dtype for inputs of one low dtype (float16 under float16 autocast,
bfloat16 under bfloat16 autocast) and for a low input next to a float32 one. Run:

    .venv/bin/python test/oracles/autocast_lists.py
"""

import json
import os
import sys
import types

import torch

_common_utils = types.ModuleType("torch.testing._internal.common_utils")
_common_utils.TEST_WITH_ROCM = False
_common_utils.TestCase = object
sys.modules.setdefault("torch.testing._internal.common_utils", _common_utils)

from torch.testing._internal.autocast_test_lists import AutocastTestLists  # noqa: E402

LISTS = {
    "torch_fp16": "lower_precision_fp",
    "nn_fp16": "lower_precision_fp",
    "linalg_fp16": "lower_precision_fp",
    "methods_fp16": "lower_precision_fp",
    "torch_fp32": "fp32",
    "nn_fp32": "fp32",
    "methods_fp32": "fp32",
    "torch_need_autocast_promote": "promote",
    "torch_expect_builtin_promote": "builtin_promote",
    "methods_expect_builtin_promote": "builtin_promote",
    "banned": "banned",
}


def output_dtype(category: str, low: str, inputs: str) -> str:
    """The dtype an op of `category` returns under autocast(dtype=low), for `inputs` 'low' or 'mixed' (low, float32)."""
    if category == "lower_precision_fp":
        return low
    if category == "fp32":
        return "float32"
    if category in ("promote", "builtin_promote", "absent"):
        return low if inputs == "low" else "float32"
    return "error"


def main() -> None:
    lists = AutocastTestLists("cpu")
    ops: dict = {}
    for list_name, category in LISTS.items():
        for entry in getattr(lists, list_name):
            op = entry[0]
            seen = ops.setdefault(op, {"category": category, "lists": []})
            if seen["category"] != category:
                raise SystemExit(f"{op} is in two categories: {seen['category']} and {category}")
            if list_name not in seen["lists"]:
                seen["lists"].append(list_name)
            if category == "builtin_promote":  # these entries end with the dtype torch expects for mixed inputs
                seen["mixed_output"] = str(entry[-1]).removeprefix("torch.")
    categories = [*dict.fromkeys(LISTS.values()), "absent"]
    # What torch calls an op: a function of torch or torch.nn.functional, or a Tensor method. The test uses it to
    # tell an op absent from the lists (it runs in its input's dtype) from one torch does not have at all.
    names = {
        n
        for space in (torch, torch.nn.functional, torch.Tensor)
        for n in dir(space)
        if n[0].islower() and callable(getattr(space, n, None))
    }
    fixture = {
        "generated_with": {"torch": torch.__version__},
        "source": "torch/testing/_internal/autocast_test_lists.py: AutocastTestLists",
        "ops": dict(sorted(ops.items())),
        "torch_names": sorted(names),
        "expected": {
            c: {low: {i: output_dtype(c, low, i) for i in ("low", "mixed")} for low in ("float16", "bfloat16")}
            for c in categories
        },
    }
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "autocast_lists.json")
    with open(out, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"{len(ops)} ops -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
