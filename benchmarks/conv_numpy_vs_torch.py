"""NumPy convolution (notebook 04's solution) against torch.nn.functional.conv2d, forward and backward.

The NumPy functions are not copied here: they are read from the solution notebook
(solutions/04_backprop_and_speed/04_backprop_and_speed.ipynb) at run time, and only the cells that
define them are executed (grade ids conv2d_naive, conv2d_backward, conv2d_fast,
conv2d_backward_fast). Change the notebook and this benchmark measures the change.

What is timed, in one process, float32, the same number of threads for NumPy's BLAS and torch:

* forward:  conv2d_fast(x, w, b, stride, padding)          vs  F.conv2d(x, w, b, stride, padding)
* backward: conv2d_backward_fast(dout, x, w, stride, pad)  vs  torch.ops.aten.convolution_backward,
  the op autograd runs for F.conv2d, asked for the same three gradients (dx, dw, db).

The layer is N=64 images, 64 -> 64 channels, 32x32, 3x3 filters, at stride 1 (padding 1) and
stride 2 (padding 1). Each candidate is warmed up, then the candidates are timed in turn,
interleaved, `--repeats` times, and the median is reported: on a shared machine, interleaving
spreads background load over all candidates instead of penalising whichever ran during a spike.

The naive loops would take minutes at N=64, so they are timed on a batch of `--naive-batch`
images (2 by default, one repeat after no warm-up: the loops have nothing to warm up). Two
naive -> fast speedups are reported: against the fast version on the same small batch (where its
fixed overheads weigh most), and with the naive time scaled linearly to N=64 (the loops' cost is
exactly proportional to N) against the fast version at N=64.

Usage:
    python benchmarks/conv_numpy_vs_torch.py               # full benchmark (a few minutes)
    python benchmarks/conv_numpy_vs_torch.py --markdown    # also print a table for RESULTS.md
    python benchmarks/conv_numpy_vs_torch.py --smoke       # tiny sizes, seconds (used by the tests)

Goals (issue 3): fast forward and fast backward each within 1.5x of torch; fast at least 200x
faster than naive.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from tools.course import ROOT

NOTEBOOK = ROOT / "solutions" / "04_backprop_and_speed" / "04_backprop_and_speed.ipynb"
CELLS = ("conv2d_naive", "conv2d_backward", "conv2d_fast", "conv2d_backward_fast")
FUNCTIONS = ("conv2d", "conv2d_backward", "conv2d_fast", "conv2d_backward_fast")
GOAL_VS_TORCH = 1.5
GOAL_SPEEDUP = 200.0


def load_solution_functions(notebook: Path = NOTEBOOK) -> dict:
    """Execute only the notebook cells that define the convolution functions; return those functions."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells if c.cell_type == "code"}
    missing = [cell_id for cell_id in CELLS if cell_id not in by_id]
    if missing:
        raise KeyError(f"{notebook} has no cell(s) with grade id {missing}")
    namespace: dict = {"__name__": "conv04_solution"}
    for cell_id in CELLS:
        exec(compile(by_id[cell_id].source, f"{notebook.name}:{cell_id}", "exec"), namespace)
    return {name: namespace[name] for name in FUNCTIONS}


def machine_description(threads: int) -> dict:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import torch
    from threadpoolctl import threadpool_info

    blas = [f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{model}, {os.cpu_count()} logical cores",
        "threads": threads,
        "python": platform.python_version(),
        "numpy": f"{np.__version__}, BLAS {', '.join(blas) or 'unknown'}",
        "torch": f"{torch.__version__} (mkldnn {'on' if torch.backends.mkldnn.is_available() else 'off'})",
        "load": "%.2f %.2f %.2f" % os.getloadavg(),
    }


def time_interleaved(candidates: dict, repeats: int, warmup: int) -> dict:
    """Median seconds of each zero-argument callable, timed in turn (interleaved) ``repeats`` times."""
    for fn in candidates.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, fn in candidates.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def run(smoke: bool = False, repeats: int | None = None, threads: int | None = None,
        naive_batch: int | None = None) -> dict:
    import torch
    import torch.nn.functional as F
    from threadpoolctl import threadpool_limits

    fns = load_solution_functions()
    if smoke:
        N, C, F_out, size, repeats, naive_batch = 4, 4, 4, 8, repeats or 2, naive_batch or 1
    else:
        N, C, F_out, size = 64, 64, 64, 32
        repeats, naive_batch = repeats or 15, naive_batch or 2
    threads = threads or torch.get_num_threads()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, size, size)).astype(np.float32)
    w = (rng.standard_normal((F_out, C, 3, 3)) / np.sqrt(9 * C)).astype(np.float32)
    b = rng.standard_normal(F_out).astype(np.float32)
    x_t, w_t, b_t = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)

    rows = []
    threads_before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with threadpool_limits(limits=threads), torch.no_grad():
            for stride, padding in [(1, 1), (2, 1)]:
                out_ref = F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding)
                dout = rng.standard_normal(tuple(out_ref.shape)).astype(np.float32)
                dout_t = torch.from_numpy(dout)

                def torch_backward(dout_t=dout_t, stride=stride, padding=padding):
                    return torch.ops.aten.convolution_backward(
                        dout_t, x_t, w_t, [F_out], [stride, stride], [padding, padding], [1, 1], False,
                        [0, 0], 1, [True, True, True])

                # The fast functions must be right before their speed means anything.
                out = fns["conv2d_fast"](x, w, b, stride, padding)
                np.testing.assert_allclose(out, out_ref.numpy(), rtol=1e-3, atol=1e-3)
                for ours, theirs in zip(fns["conv2d_backward_fast"](dout, x, w, stride, padding),
                                        torch_backward()):
                    theirs = theirs.numpy()
                    np.testing.assert_allclose(ours, theirs, rtol=1e-3,
                                               atol=2e-3 * float(np.abs(theirs).max()))

                med = time_interleaved({
                    "torch forward": lambda: F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding),
                    "fast forward": lambda: fns["conv2d_fast"](x, w, b, stride, padding),
                    "torch backward": torch_backward,
                    "fast backward": lambda: fns["conv2d_backward_fast"](dout, x, w, stride, padding),
                }, repeats=repeats, warmup=2)

                # Naive vs fast on the same small batch; the fast one gets the same warm-up and repeats.
                xs, douts = x[:naive_batch], dout[:naive_batch]
                small = time_interleaved({
                    "fast forward": lambda: fns["conv2d_fast"](xs, w, b, stride, padding),
                    "fast backward": lambda: fns["conv2d_backward_fast"](douts, xs, w, stride, padding),
                }, repeats=repeats, warmup=2)
                naive = time_interleaved({
                    "forward": lambda: fns["conv2d"](xs, w, b, stride, padding),
                    "backward": lambda: fns["conv2d_backward"](douts, xs, w, stride, padding),
                }, repeats=1, warmup=0)
                for direction in ("forward", "backward"):
                    rows.append({
                        "layer": f"stride {stride}, padding {padding}",
                        "direction": direction,
                        "torch_s": med[f"torch {direction}"],
                        "fast_s": med[f"fast {direction}"],
                        "ratio": med[f"fast {direction}"] / med[f"torch {direction}"],
                        "naive_small_s": naive[direction],
                        "fast_small_s": small[f"fast {direction}"],
                        "speedup": naive[direction] / small[f"fast {direction}"],
                        "naive_scaled_s": naive[direction] * N / naive_batch,
                        "speedup_scaled": naive[direction] * N / naive_batch / med[f"fast {direction}"],
                    })
    finally:
        torch.set_num_threads(threads_before)
    return {"shape": dict(N=N, C=C, F=F_out, H=size, W=size, kernel=3), "repeats": repeats,
            "naive_batch": naive_batch, "machine": machine_description(threads), "rows": rows}


def report(result: dict) -> str:
    s = result["shape"]
    lines = [f"x ({s['N']}, {s['C']}, {s['H']}, {s['W']}) float32, w ({s['F']}, {s['C']}, 3, 3); "
             f"median of {result['repeats']} interleaved runs; "
             f"naive loops on {result['naive_batch']} image(s)",
             f"{'layer':22s} {'pass':8s} {'torch ms':>9s} {'fast ms':>9s} {'fast/torch':>10s} "
             f"{'naive->fast':>12s} {'naive s @N (scaled)':>20s} {'naive->fast @N':>15s}"]
    for r in result["rows"]:
        lines.append(f"{r['layer']:22s} {r['direction']:8s} "
                     f"{r['torch_s'] * 1e3:9.1f} {r['fast_s'] * 1e3:9.1f} "
                     f"{r['ratio']:9.2f}x {r['speedup']:11.0f}x "
                     f"{r['naive_scaled_s']:20.1f} {r['speedup_scaled']:14.0f}x")
    worst_ratio = max(r["ratio"] for r in result["rows"])
    least_speedup = min(max(r["speedup"], r["speedup_scaled"]) for r in result["rows"])
    lines.append(f"goal fast/torch <= {GOAL_VS_TORCH}x: "
                 f"{'met' if worst_ratio <= GOAL_VS_TORCH else 'MISSED'} "
                 f"(worst {worst_ratio:.2f}x); goal naive->fast >= {GOAL_SPEEDUP:.0f}x: "
                 f"{'met' if least_speedup >= GOAL_SPEEDUP else 'MISSED'} (least {least_speedup:.0f}x)")
    lines += [f"{key}: {value}" for key, value in result["machine"].items()]
    return "\n".join(lines)


def markdown(result: dict) -> str:
    m, s = result["machine"], result["shape"]
    out = [f"Measured {m['date']} on {m['cpu']}; {m['threads']} thread(s) for both NumPy and torch; "
           f"Python {m['python']}, NumPy {m['numpy']}, torch {m['torch']}; load average before the run "
           f"{m['load']}.", "",
           f"Layer: x ({s['N']}, {s['C']}, {s['H']}, {s['W']}) float32, w ({s['F']}, {s['C']}, 3, 3), bias. "
           f"Medians of {result['repeats']} interleaved runs after 2 warm-ups. Naive loops timed once on "
           f"{result['naive_batch']} images; the first speedup compares them with the fast version on the "
           f"same images, the second scales the naive time linearly to N={s['N']}.", "",
           "| layer | pass | torch (ms) | fast NumPy (ms) | fast / torch | naive → fast, same images | "
           f"naive at N={s['N']} (s, scaled) | naive → fast at N={s['N']} |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in result["rows"]:
        out.append(f"| {r['layer']} | {r['direction']} | "
                   f"{r['torch_s'] * 1e3:.1f} | {r['fast_s'] * 1e3:.1f} | "
                   f"{r['ratio']:.2f}× | {r['speedup']:.0f}× | "
                   f"{r['naive_scaled_s']:.0f} | {r['speedup_scaled']:.0f}× |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, for the test suite (seconds)")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per candidate (default 15)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for BLAS and torch (default: torch's)")
    parser.add_argument("--naive-batch", type=int, default=None,
                        help="images for the naive loops (default 2)")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table for RESULTS.md")
    args = parser.parse_args(argv)
    result = run(smoke=args.smoke, repeats=args.repeats, threads=args.threads, naive_batch=args.naive_batch)
    print(report(result))
    if args.markdown:
        print()
        print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
