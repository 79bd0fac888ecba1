"""Executes notebooks through the Jupyter protocol (nbclient), cell by cell, and reports each one.

    python execute.py [--kernel NAME] [--timeout S] [--out DIR] NOTEBOOK...

Each notebook runs in its own folder with the given kernel. A cell fails when it raises or writes to stderr
(tslab reports compile errors and throws as stderr). The first failure prints the notebook, the cell and the
message, and the run exits 1. Timings go to stdout, one line per notebook; a JSON summary goes to --out.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

PLOTLY = "application/vnd.plotly.v1+json"


def stderr_of(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stderr")


def first_line(cell):
    return next((line for line in cell.source.splitlines() if line.strip()), "")[:100]


def execute(path, kernel, timeout, out_dir):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=timeout, resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}
    )
    start = time.time()
    failure = None
    cells = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            t = time.time()
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError) as e:
                failure = stderr_of(cell) or str(e)
            else:
                if stderr_of(cell):
                    failure = "the cell wrote to stderr:\n" + stderr_of(cell)
            cells.append({"index": index, "seconds": round(time.time() - t, 2)})
            if failure:
                failure = f"cell {index} ({first_line(cell)}):\n{failure.strip()}"
                break
    plots = sum(1 for c in nb.cells for o in c.get("outputs", []) if PLOTLY in o.get("data", {}))
    if out_dir:
        nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
    return {
        "notebook": os.path.basename(path),
        "seconds": round(time.time() - start, 1),
        "plots": plots,
        "cells": cells,
        "error": failure,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--kernel", default="mixed-precision")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--out", help="folder for the executed notebooks and summary.json")
    args = parser.parse_args()
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    results = []
    for path in args.notebooks:
        r = execute(path, args.kernel, args.timeout, args.out)
        results.append(r)
        status = "ok" if not r["error"] else "FAILED"
        print(f"{status:6} {r['notebook']}: {r['seconds']} s, {len(r['cells'])} code cells, {r['plots']} plots", flush=True)
        if r["error"]:
            print(f"  {r['notebook']}, {r['error']}", flush=True)
    if args.out:
        with open(os.path.join(args.out, "summary.json"), "w") as f:
            json.dump(results, f, indent=1)
    sys.exit(1 if any(r["error"] for r in results) else 0)


if __name__ == "__main__":
    main()
