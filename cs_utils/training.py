"""A training loop that students call and read (notebooks 05-11).

``fit`` trains a model for some epochs with tqdm progress bars and returns a history of curves
(plot it with ``cs_utils.plotting.plot_history``). It picks the device with
``cs_utils.runtime.get_device``, and on CUDA runs mixed precision: bf16 autocast where the GPU
supports it, else fp16 with a gradient scaler; on CPU and MPS it stays in fp32. ``channels_last``,
``torch.compile`` and a wall-clock ``time_budget_s`` (like EECS 498's one-minute challenge) are
opt-in.
"""

from __future__ import annotations

import time
from pathlib import Path

from cs_utils.runtime import get_device


def amp_policy(device) -> tuple[object | None, bool]:
    """(autocast dtype or None for fp32, whether a GradScaler is needed) for ``device``."""
    import torch

    device = torch.device(device)
    if device.type != "cuda":
        return None, False
    if torch.cuda.is_bf16_supported():
        return torch.bfloat16, False
    return torch.float16, True  # fp16 gradients underflow without loss scaling


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


def evaluate(model, loader, device=None, loss_fn=None, channels_last: bool = False) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` over ``loader``, in eval mode and without gradients.

    The model's previous train/eval mode is restored afterwards.
    """
    import torch
    import torch.nn.functional as F

    device = torch.device(device) if device is not None else next(model.parameters()).device
    loss_fn = loss_fn or F.cross_entropy
    dtype, _ = amp_policy(device)
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad(), torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
        for batch in loader:
            x, y = _to_device(batch, device, channels_last)
            logits = model(x)
            total_loss += loss_fn(logits.float(), y, reduction="sum").item()
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(y)
    model.train(was_training)
    return total_loss / max(count, 1), correct / max(count, 1)


def fit(model, train_loader, val_loader=None, *, epochs: int, optimizer, loss_fn=None, scheduler=None,
        device=None, amp: bool = True, channels_last: bool = False, compile: bool = False,
        time_budget_s: float | None = None, progress: bool = True, desc: str = "train") -> dict:
    """Train ``model`` and return its history.

    ``scheduler.step()`` runs once per epoch. The history holds per-epoch lists ``train_loss``,
    ``train_acc`` and, with a ``val_loader``, ``val_loss`` and ``val_acc``, plus ``seconds`` (wall
    time of each epoch), ``device``, ``precision`` and ``stopped_early`` (the time budget ran out).
    """
    import torch
    import torch.nn.functional as F
    from tqdm.auto import tqdm

    device = torch.device(device) if device is not None else get_device()
    loss_fn = loss_fn or F.cross_entropy
    dtype, needs_scaler = amp_policy(device) if amp else (None, False)
    scaler = torch.amp.GradScaler(device.type, enabled=needs_scaler)
    model.to(device)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    step_model = torch.compile(model) if compile else model

    history = {"train_loss": [], "train_acc": [], "seconds": [], "device": str(device),
               "precision": "fp32" if dtype is None else str(dtype).replace("torch.", ""),
               "stopped_early": False}
    if val_loader is not None:
        history.update(val_loss=[], val_acc=[])
    start = time.perf_counter()
    epoch_bar = tqdm(range(epochs), desc=desc, disable=not progress)
    for _ in epoch_bar:
        epoch_start = time.perf_counter()
        model.train()
        total_loss, correct, count = 0.0, 0, 0
        for batch in tqdm(train_loader, desc="batches", leave=False, disable=not progress):
            x, y = _to_device(batch, device, channels_last)
            with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                logits = step_model(x)
                loss = loss_fn(logits.float(), y)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total_loss += loss.item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(y)
            if time_budget_s is not None and time.perf_counter() - start > time_budget_s:
                history["stopped_early"] = True
                break
        if scheduler is not None:
            scheduler.step()
        history["train_loss"].append(total_loss / max(count, 1))
        history["train_acc"].append(correct / max(count, 1))
        if val_loader is not None:
            val_loss, val_acc = evaluate(model, val_loader, device, loss_fn, channels_last)
            history["val_loss"].append(val_loss)
            history["val_acc"].append(val_acc)
        history["seconds"].append(time.perf_counter() - epoch_start)
        epoch_bar.set_postfix({k: f"{v[-1]:.3f}" for k, v in history.items()
                               if isinstance(v, list) and v and k != "seconds"})
        if history["stopped_early"]:
            break
    return history


def save_checkpoint(path, model, optimizer=None, **extra) -> Path:
    """Save model (and optimizer) state plus any extra JSON-like values, e.g. ``epoch=3``."""
    import torch

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
