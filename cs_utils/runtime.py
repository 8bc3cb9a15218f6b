"""Run-time switches shared by every notebook: quick mode, seeding and the compute device."""

from __future__ import annotations

import random

import numpy as np

from cs_utils.settings import course_settings


def is_quick() -> bool:
    """True when ``CS_QUICK`` is set to a true value (``make test``, ``make autograde`` and CI set it).

    Quick mode means small offline data and short training; every notebook's setup cell reports it.
    """
    return course_settings().quick


def reset_seed(seed: int = 0) -> None:
    """Seed Python's, NumPy's global and (if it is imported) torch's random generators.

    Torch is only seeded when the notebook already imported it, so NumPy-only notebooks stay light.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch = _imported_torch()
    if torch is not None:
        torch.manual_seed(seed)  # also seeds every CUDA device


def get_device(prefer: str | None = None):
    """The best available ``torch.device``: cuda, then mps, then cpu.

    ``prefer`` (e.g. ``"cpu"``) forces a choice, which helps when comparing timings. Used by 08–12.
    """
    import torch

    if prefer is not None:
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe_run(dataset: str, seed: int | None = None) -> str:
    """One line for a notebook's setup cell: which mode runs, on which data, with which seed."""
    mode = "QUICK mode (CS_QUICK=1: small offline data, short runs)" if is_quick() else "FULL mode"
    line = f"{mode} | dataset: {dataset}"
    if seed is not None:
        line += f" | seed: {seed}"
    print(line)
    return line


def _imported_torch():
    import sys

    return sys.modules.get("torch")
