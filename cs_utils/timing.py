"""Correct timing of code that may run on a GPU (notebooks 04, 11, 12 and benchmarks/).

CUDA kernels launch asynchronously: without a synchronize the clock measures the launch, not
the work. ``benchmark`` warms up first (allocations, cuDNN autotuning, compilation), then
synchronizes around every repeat and reports the median, which ignores the odd slow run.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable


def _synchronizer(device) -> Callable[[], None]:
    """What waits for ``device``'s queued work. By its type, so that "cuda:0" waits as "cuda" does."""
    if device is None:
        return lambda: None
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)  # that GPU, not whichever one is current
    if device.type == "mps":
        return torch.mps.synchronize
    return lambda: None


def benchmark(fn: Callable[[], object], warmup: int = 3, repeats: int = 10, device=None) -> dict:
    """Time ``fn()``: ``warmup`` untimed calls, then ``repeats`` timed ones.

    ``device`` (a torch.device or "cuda"/"mps"/"cpu") says what to synchronize. Returns a dict with
    ``median_s``, ``min_s`` and ``times_s`` (every repeat).
    """
    sync = _synchronizer(device)
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "min_s": min(times), "times_s": times}
