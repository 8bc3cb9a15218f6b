"""A training loop that students call and read (notebooks 05-11).

``fit`` trains a model for some epochs with tqdm progress bars and returns a history of curves
(plot it with ``cs_utils.plotting.plot_history``). It picks the device with
``cs_utils.runtime.get_device``, and on CUDA runs mixed precision (``amp_policy``): bf16 autocast
where the GPU computes bf16 natively (compute capability 8.0 or more: A100, H100, RTX 30xx and
newer), else fp16 with a gradient scaler (T4, V100: Colab's and Kaggle's usual GPUs); on CPU and
MPS it stays in fp32. ``precision="bf16"``/``"fp16"``/``"fp32"`` overrides the choice, on any
device. ``channels_last``, ``torch.compile`` and a wall-clock ``time_budget_s`` (like EECS 498's
one-minute challenge) are opt-in.
"""

from __future__ import annotations

import time
from pathlib import Path

from cs_utils.runtime import get_device

PRECISIONS = ("fp32", "bf16", "fp16")


def bf16_native(device) -> bool:
    """Whether the CUDA ``device`` computes bf16 in hardware: compute capability 8.0 (Ampere) or more.

    Not ``torch.cuda.is_bf16_supported()``: in torch 2.14 that also counts emulation, which makes a
    T4 or V100 run bf16 slowly instead of fp16 on its tensor cores. ``benchmarks/gpu_check.py``
    carries a copy of this rule (it runs without cs_utils); ``tests/test_gpu_check.py`` checks both agree.
    """
    import torch

    major, _minor = torch.cuda.get_device_capability(device)
    return major >= 8


def amp_policy(device) -> tuple[object | None, bool]:
    """(autocast dtype or None for fp32, whether a GradScaler is needed) for ``device``.

    CUDA with native bf16 (``bf16_native``): bf16, no scaler (bf16 has fp32's exponent range).
    Older CUDA GPUs: fp16 with a GradScaler (fp16 gradients underflow without loss scaling).
    CPU and MPS: fp32.
    """
    import torch

    device = torch.device(device)
    if device.type != "cuda":
        return None, False
    if bf16_native(device):
        return torch.bfloat16, False
    return torch.float16, True


def precision_policy(device, amp: bool = True, precision: str | None = None) -> tuple[object | None, bool]:
    """(autocast dtype or None, GradScaler needed) for a run: ``precision`` if given, else ``amp_policy``.

    ``precision`` is one of ``PRECISIONS`` and works on every device (CPU autocast runs bf16 and
    fp16; ``GradScaler("cpu")`` scales), which lets tests run the GPU's code paths on a CPU.
    ``amp=False`` without ``precision`` means fp32.
    """
    import torch

    if precision is None:
        return amp_policy(device) if amp else (None, False)
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS} or None (automatic), got {precision!r}")
    return {"fp32": (None, False), "bf16": (torch.bfloat16, False), "fp16": (torch.float16, True)}[precision]


def precision_name(dtype) -> str:
    """"fp32", "bf16" or "fp16" for an autocast dtype (None: fp32)."""
    import torch

    return {None: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}[dtype]


def accuracy(logits, targets) -> float:
    """Fraction of rows whose arg-max equals the target."""
    return (logits.argmax(dim=1) == targets).float().mean().item()


def _to_device(batch, device, channels_last: bool):
    import torch

    x, y = batch
    x = x.to(device, non_blocking=True)
    if channels_last and x.dim() == 4:
        x = x.contiguous(memory_format=torch.channels_last)
    return x, y.to(device, non_blocking=True)


def _read(*values) -> list[float]:
    """The values of 0-d tensors (on any device) as Python floats, with one transfer: one host sync."""
    import torch

    return torch.stack([v.detach().double() if v.device.type != "mps" else v.detach().float()
                        for v in values]).tolist()


def evaluate(model, loader, device=None, loss_fn=None, channels_last: bool = False,
             precision: str | None = None) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` over ``loader``, in eval mode and without gradients.

    ``loss_fn(logits, y)`` returns the batch's mean loss, as in ``fit`` (``F.cross_entropy`` or a module
    such as ``nn.CrossEntropyLoss()``); weighted by batch size, those means give the mean per sample.
    The sums stay on the device and are read once at the end (no host sync per batch). ``precision``
    as in ``fit`` (None: ``amp_policy``). The model's previous train/eval mode is restored afterwards.
    An empty loader raises ``ValueError``: 0 samples have no accuracy, and 0.0 would look like one.
    """
    import torch
    import torch.nn.functional as F

    device = torch.device(device) if device is not None else next(model.parameters()).device
    loss_fn = loss_fn or F.cross_entropy
    dtype, _ = precision_policy(device, True, precision)
    was_training = model.training
    model.eval()
    total_loss = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.long, device=device)
    count = 0
    with torch.no_grad(), torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
        for batch in loader:
            x, y = _to_device(batch, device, channels_last)
            logits = model(x)
            total_loss += loss_fn(logits.float(), y) * len(y)
            correct += (logits.argmax(dim=1) == y).sum()
            count += len(y)
    model.train(was_training)
    if count == 0:
        raise ValueError("the loader gave no samples: check the dataset's size (and drop_last)")
    total_loss, correct = _read(total_loss, correct)
    return total_loss / count, correct / count


def tune_backend(device) -> None:
    """On CUDA, let cuDNN time its algorithms once per input shape and keep the fastest
    (``torch.backends.cudnn.benchmark``): training repeats the same shapes thousands of times."""
    import torch

    if torch.device(device).type == "cuda":
        torch.backends.cudnn.benchmark = True


def fit(model, train_loader, val_loader=None, *, epochs: int, optimizer, loss_fn=None, scheduler=None,
        device=None, amp: bool = True, precision: str | None = None, channels_last: bool = False,
        compile: bool = False, time_budget_s: float | None = None, progress: bool = True,
        desc: str = "train") -> dict:
    """Train ``model`` and return its history.

    ``scheduler.step()`` runs once per epoch. The history holds per-epoch lists ``train_loss``,
    ``train_acc`` and, with a ``val_loader``, ``val_loss`` and ``val_acc``, plus ``seconds`` (wall
    time of each epoch), ``device``, ``precision`` ("fp32", "bf16" or "fp16") and ``stopped_early``
    (the time budget ran out). Every value is a plain Python number or string.

    ``loss_fn(logits, y)`` (default ``F.cross_entropy``; a module such as ``nn.CrossEntropyLoss()``
    works too) must return the batch's mean loss: the epoch's loss is the batch means weighted by batch
    size, for training and for ``evaluate`` on ``val_loader`` alike.

    Precision: ``precision=None`` chooses by ``amp_policy`` (``amp=False``: fp32); "bf16", "fp16"
    (with a GradScaler) or "fp32" force one, on any device.

    The time budget is checked after each batch, so every epoch trains at least one batch; a
    training loader that gives no batches at all raises ``ValueError`` instead of a history of
    made-up zeros.

    The host never waits for the device inside an epoch: the loss and the count of correct
    predictions are summed on the device and read once per epoch, and the time budget is checked
    against the host's clock (the host runs ahead of a GPU only by the queue of launched kernels;
    the read at the end of the epoch waits for them). One exception is torch's own: with fp16, most
    optimizers' ``GradScaler.step`` reads whether a gradient overflowed, once per step. On CUDA,
    ``torch.backends.cudnn.benchmark`` is switched on: fixed input shapes let cuDNN pick its fastest
    kernels once. A ``DistributedSampler`` gets ``set_epoch`` before each epoch.
    """
    import torch
    import torch.nn.functional as F
    from tqdm.auto import tqdm

    device = torch.device(device) if device is not None else get_device()
    loss_fn = loss_fn or F.cross_entropy
    dtype, needs_scaler = precision_policy(device, amp, precision)
    scaler = torch.amp.GradScaler(device.type, enabled=needs_scaler)
    tune_backend(device)
    model.to(device)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    step_model = torch.compile(model) if compile else model

    history = {"train_loss": [], "train_acc": [], "seconds": [], "device": str(device),
               "precision": precision_name(dtype), "stopped_early": False}
    if val_loader is not None:
        history.update(val_loss=[], val_acc=[])
    sampler = getattr(train_loader, "sampler", None)
    start = time.perf_counter()
    epoch_bar = tqdm(range(epochs), desc=desc, disable=not progress)
    for epoch in epoch_bar:
        epoch_start = time.perf_counter()
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(epoch)
        model.train()
        total_loss = torch.zeros((), device=device)
        correct = torch.zeros((), dtype=torch.long, device=device)
        count = 0
        for batch in tqdm(train_loader, desc="batches", leave=False, disable=not progress):
            x, y = _to_device(batch, device, channels_last)
            with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                logits = step_model(x)
                loss = loss_fn(logits.float(), y)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total_loss += loss.detach() * len(y)
            correct += (logits.detach().argmax(dim=1) == y).sum()
            count += len(y)
            if time_budget_s is not None and time.perf_counter() - start > time_budget_s:
                history["stopped_early"] = True
                break
        if count == 0:
            raise ValueError(f"the training loader gave no batches in epoch {epoch + 1}: an empty dataset, "
                             "drop_last with fewer samples than batch_size, or an iterator used up already")
        if scheduler is not None:
            scheduler.step()
        total_loss, correct = _read(total_loss, correct)  # the epoch's one wait for the device
        history["train_loss"].append(total_loss / count)
        history["train_acc"].append(correct / count)
        if val_loader is not None:
            val_loss, val_acc = evaluate(model, val_loader, device, loss_fn, channels_last,
                                         precision_name(dtype))
            history["val_loss"].append(val_loss)
            history["val_acc"].append(val_acc)
        history["seconds"].append(time.perf_counter() - epoch_start)
        epoch_bar.set_postfix({k: f"{v[-1]:.3f}" for k, v in history.items()
                               if isinstance(v, list) and v and k != "seconds"})
        if history["stopped_early"]:
            break
    return history


def result_line(name: str, history: dict, test_acc: float | None = None) -> str:
    """One line that says what a training run reached, how, and how fast; printed and returned.

    ``[result] ResNet-18: validation accuracy 0.912, test accuracy 0.905, bf16 on cuda, 812.3 s for 40
    epochs``. ``benchmarks/gpu_notebooks.sh`` reads these lines from the notebooks' output; pass
    ``test_acc`` once, at the end (``course_test_loader``).
    """
    parts = []
    if history.get("val_acc"):
        parts.append(f"validation accuracy {history['val_acc'][-1]:.3f}")
    if test_acc is not None:
        parts.append(f"test accuracy {test_acc:.3f}")
    epochs = len(history.get("seconds", []))
    parts.append(f"{history.get('precision', '?')} on {history.get('device', '?')}")
    parts.append(f"{sum(history.get('seconds', [])):.1f} s for {epochs} epoch{'s' if epochs != 1 else ''}"
                 + (" (time budget reached)" if history.get("stopped_early") else ""))
    line = f"[result] {name}: " + ", ".join(parts)
    print(line)
    return line


def results_dir() -> Path:
    """The course's one ``results/`` folder (``cs_utils.settings.course_root() / "results"``), where
    notebooks 08-11 save what they trained and notebook 12 reads it."""
    from cs_utils.settings import course_root

    return course_root() / "results"


def save_results(name: str, **fields) -> Path:
    """Save one run's results as plain JSON in ``results_dir() / f"{name}.json"``; return the path.

    ``fields`` are JSON values, e.g. ``model="ResNet-20", accuracy=0.91, params=272_474, mode="full"``.
    The file holds a list with one object per model: saving a ``model`` again replaces its object.
    """
    import json

    path = results_dir() / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError):
        entries = []
    entries = [e for e in entries if isinstance(e, dict) and e.get("model") != fields.get("model")]
    path.write_text(json.dumps(entries + [fields], indent=1) + "\n")
    return path


def _plain(value):
    """``value`` with NumPy values and 0-d tensors turned into Python numbers and lists, recursively:
    ``np.mean(...)`` gives a NumPy scalar, which ``torch.load(weights_only=True)`` refuses to unpickle."""
    import numpy as np
    import torch

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    if isinstance(value, torch.Tensor) and value.dim() == 0:
        return value.item()
    return value


def save_checkpoint(path, model, optimizer=None, **extra) -> Path:
    """Save model (and optimizer) state plus any extra JSON-like values, e.g. ``epoch=3``.

    NumPy values and 0-d tensors in ``extra`` are saved as Python numbers. Any other value that
    ``load_checkpoint`` could not read back raises ``TypeError`` here, not when you need the file.
    """
    import io

    import torch

    extra = {key: _plain(value) for key, value in extra.items()}
    for key, value in extra.items():
        try:  # torch's own rules decide what weights_only reads; a list of ours would drift from them
            buffer = io.BytesIO()
            torch.save(value, buffer)
            buffer.seek(0)
            torch.load(buffer, weights_only=True)
        except Exception as err:  # noqa: BLE001 (pickling and unpickling errors of every kind)
            raise TypeError(f"save_checkpoint cannot save {key}, a {type(value).__name__}: "
                            "load_checkpoint reads only numbers, strings, booleans, None, tensors and "
                            "lists, tuples or dicts of them") from err
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"model": model.state_dict(), "extra": extra}
    if optimizer is not None:
        state["optimizer"] = optimizer.state_dict()
    torch.save(state, path)
    return path


def load_checkpoint(path, model, optimizer=None, map_location="cpu") -> dict:
    """Load a checkpoint written by ``save_checkpoint`` into ``model`` (and ``optimizer``); return extras."""
    import torch

    state = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(state["model"])
    if optimizer is not None and "optimizer" in state:
        optimizer.load_state_dict(state["optimizer"])
    return state["extra"]
