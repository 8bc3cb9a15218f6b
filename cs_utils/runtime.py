"""Run-time switches shared by every notebook: quick mode, seeding and the compute device."""

from __future__ import annotations

import os
import random
import shutil

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


class NoAcceleratorError(RuntimeError):
    """Full mode would train on the CPU: hours instead of minutes. The message says what to do."""


def training_device(quick: bool | None = None):
    """The device to train on (``get_device()``), refusing to train in full mode on a CPU.

    Full mode (``CS_QUICK`` unset) trains on all of CIFAR-10 for many epochs: minutes on a GPU,
    hours on a CPU. Without a GPU (or an Apple-silicon MPS device) this raises
    ``NoAcceleratorError`` with what to do: get a GPU, set ``CS_QUICK=1``, or set ``CS_ALLOW_CPU=1``
    to train on the CPU knowingly. A CUDA build of torch whose CUDA cannot start (a driver older
    than the build needs) counts as no GPU, and so does a GPU too old for the build's kernels (torch
    built for CUDA 13 has none for compute capability below 7.5, e.g. Kaggle's P100): the message
    says which. Quick mode returns the best device without a check (the CPU, with a note, instead
    of a GPU without kernels). Used by 08-11's setup cells, ``cs_utils.torchdata.course_loaders`` in
    full mode and ``scripts/train_cifar.py``.
    """
    import torch

    device = get_device()
    quick = is_quick() if quick is None else quick
    too_old = unsupported_gpu(device)
    if too_old:
        if quick or course_settings().allow_cpu:
            print(f"note: {too_old}; running on the CPU instead")
            return torch.device("cpu")
        raise NoAcceleratorError(no_accelerator_message(too_old))
    if device.type == "cpu" and not quick and not course_settings().allow_cpu:
        raise NoAcceleratorError(no_accelerator_message())
    return device


def unsupported_gpu(device) -> str | None:
    """Why this torch build cannot run kernels on the CUDA ``device``, or None when it can (or no CUDA).

    A build ships machine code (``sm_XY``: runs on capability X.Y to X.9) and PTX (``compute_XY``:
    compiled on load for X.Y and newer) for a list of architectures, ``torch.cuda.get_arch_list()``.
    """
    import torch

    if getattr(device, "type", device) != "cuda":
        return None
    try:
        major, minor = torch.cuda.get_device_capability(device)
    except RuntimeError as err:  # is_available() said yes, but the device cannot be queried
        return f"CUDA reports a GPU but cannot start it ({err})"
    archs = torch.cuda.get_arch_list()
    for arch in archs:
        kind, _, digits = arch.partition("_")
        if not digits.isdigit():
            continue
        x, y = int(digits[:-1]), int(digits[-1])
        if (kind == "sm" and x == major and y <= minor) or (kind == "compute" and (x, y) <= (major, minor)):
            return None
    if not archs:
        return None  # nothing to judge by
    return (f"the GPU {torch.cuda.get_device_name(device)} (compute capability {major}.{minor}) is too old "
            f"for torch {torch.__version__}, whose CUDA {torch.version.cuda} kernels are for "
            f"{', '.join(archs)}; choose a newer GPU (e.g. T4 or better), or install a torch built for "
            "an older CUDA")


def _nvidia_driver_present() -> bool:
    """Whether the machine seems to have an NVIDIA GPU and driver (Linux: /proc; else nvidia-smi)."""
    return os.path.exists("/proc/driver/nvidia/version") or shutil.which("nvidia-smi") is not None


def no_accelerator_message(why: str | None = None) -> str:
    """Why there is no (usable) GPU here, and the three ways on: a GPU, quick mode, or CS_ALLOW_CPU=1."""
    import torch

    if why is not None:
        pass
    elif torch.version.cuda is None:
        why = f"this torch ({torch.__version__}) is a CPU-only build"
    elif _nvidia_driver_present():
        why = (f"an NVIDIA driver is installed, but CUDA cannot start: torch {torch.__version__} is built "
               f"for CUDA {torch.version.cuda}, which needs a newer driver than this machine has "
               "(compare `nvidia-smi`'s \"CUDA Version\"); update the driver or install a torch built "
               "for an older CUDA")
    else:
        why = "no NVIDIA GPU was found (torch.cuda.is_available() is False)"
    return (
        "Full mode trains on CIFAR-10 for many epochs: minutes on a GPU, hours on a CPU. There is no "
        f"GPU here: {why}.\n"
        "Choose one:\n"
        "  * use a GPU: Google Colab: Runtime > Change runtime type > a GPU (e.g. T4), then run the "
        "notebook again from the top; Kaggle: Settings > Accelerator > GPU (needs a phone-verified "
        "account);\n"
        "  * or quick mode, minutes on a CPU (small offline data): set CS_QUICK=1 before starting "
        "JupyterLab (`CS_QUICK=1 make lab`), or run `import os; os.environ[\"CS_QUICK\"] = \"1\"` "
        "before the setup cell;\n"
        "  * or train on the CPU anyway, knowing it takes hours: set CS_ALLOW_CPU=1 the same way."
    )


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
