"""The design challenge of notebook 12: save a trained model as a checkpoint, load it back, score it.

A checkpoint is one ``torch.save`` file holding plain data only (so ``torch.load(weights_only=True)``
reads it without running any pickled code): the model's ``state_dict``, the source code and name of
the function that builds the model (``inspect.getsource``), the source of the training function,
the mode (quick or full), the measured training time and the parameter count. ``load_checkpoint``
rebuilds the model from that source in a fresh namespace and loads the weights strictly, so a
checkpoint whose weights come from another model than its source builds is refused with a message.
``checkpoint_accuracy`` evaluates it on the challenge's test split, which the notebook's training
never sees: in quick mode the 1,000 digits of the MNIST subset left out of training and
validation, in full mode CIFAR-10's test set.

The grader's test cells only load and evaluate (a second or two in quick mode); they never train.
``tier_verdict`` is one tier's test: the checkpoint must come from the notebook's current builder,
keep the budget and reach the tier's accuracy.
"""

from __future__ import annotations

import getpass
import inspect
import os
import re
import tempfile
from pathlib import Path

CHECKPOINT = "challenge_checkpoint.pt"
FORMAT = 1
# Training time allowed (seconds of wall-clock time for the training function) and accuracy tiers
# on the test split, per mode. Quick mode: the offline MNIST subset on a CPU; full mode: CIFAR-10
# on a GPU.
BUDGET_S = {"quick": 60.0, "full": 600.0}
TIERS = {"quick": (0.93, 0.95, 0.96), "full": (0.80, 0.88, 0.92)}
# The budget is checked with this much slack: a time budget is checked between batches, so the
# last batch and the end of the epoch may run over by a little.
BUDGET_SLACK = 1.1
QUICK_SPLIT = {"n_train": 3500, "n_val": 500}  # of the 5,000 digits; the other 1,000 are the test split


def challenge_path(folder: str | Path | None = None) -> Path:
    """Where the checkpoint lives: ``CHECKPOINT`` in ``folder`` (default: the notebook's folder).

    One exception: run inside the instructor's nbgrader source folder (``solutions/<assignment>``
    of the course), the reference checkpoint goes to a temporary folder instead, because nbgrader
    copies every other file of that folder into the student release and over each student's graded
    copy. Used by notebook 12.
    """
    folder = Path.cwd() if folder is None else Path(folder)
    course = folder.resolve().parent.parent
    if folder.resolve().parent.name == "solutions" and (course / "nbgrader_config.py").exists():
        folder = Path(tempfile.gettempdir()) / f"cs_challenge_{_user_tag()}" / folder.name
    return folder / CHECKPOINT


def _user_tag() -> str:
    """Who runs this, for a temporary folder of one's own (a shared machine has several instructors).

    ``os.getuid`` exists on POSIX only; on Windows ``getpass.getuser`` (the login name) stands in.
    """
    if hasattr(os, "getuid"):
        return str(os.getuid())
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 (no login name on this system)
        return "user"
    return re.sub(r"[^A-Za-z0-9_.-]", "_", login) or "user"


def challenge_loaders(quick: bool | None = None, batch_size: int = 128, seed: int = 0):
    """(train_loader, val_loader, info) for the challenge: quick mode trains on 3,500 digits and
    validates on 500, leaving 1,000 for the test; full mode is ``course_loaders``' CIFAR-10 split."""
    from cs_utils.runtime import is_quick
    from cs_utils.torchdata import course_loaders

    quick = is_quick() if quick is None else quick
    extra = QUICK_SPLIT if quick else {}
    return course_loaders(batch_size=batch_size, quick=quick, seed=seed, **extra)


def challenge_test_loader(mode: str, seed: int = 0):
    """(loader, name) of the challenge's test split for ``mode`` ("quick" or "full")."""
    from cs_utils.torchdata import course_test_loader

    if mode == "quick":
        return course_test_loader(quick=True, seed=seed, **QUICK_SPLIT)
    return course_test_loader(quick=False, seed=seed, download=False)


def save_challenge(model, build, train=None, *, train_seconds: float, mode: str,
                   path: str | Path | None = None) -> Path:
    """Save ``model`` (built by the function ``build``, trained by ``train``) to ``path``; return it.

    ``build`` must be a function defined in the notebook that takes no arguments and returns a
    new, untrained model with everything it needs defined inside it (the checkpoint stores its
    source, and the grader rebuilds the model from that source alone, with ``torch``, ``nn`` and
    ``F`` available). The checkpoint is loaded back at once, so a mismatch shows up here.
    """
    if mode not in BUDGET_S:
        raise ValueError(f"mode must be one of {sorted(BUDGET_S)}, got {mode!r}")
    if not inspect.isfunction(build):
        raise TypeError(f"build must be the function that builds your model, got {type(build).__name__}")
    import torch

    path = challenge_path() if path is None else Path(path)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    checkpoint = {
        "format": FORMAT, "state_dict": state, "build_name": build.__name__,
        "build_source": inspect.getsource(build),
        "train_source": inspect.getsource(train) if train is not None else "",
        "mode": mode, "train_seconds": float(train_seconds),
        "params": int(sum(p.numel() for p in model.parameters())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, path)
    load_checkpoint(path)  # refuse at once what the grader would refuse
    return path


class CheckpointError(AssertionError):
    """A missing or unusable checkpoint; the message says what to do."""


def read_checkpoint(path: str | Path | None = None) -> dict:
    """The checkpoint's dictionary, checked for the keys ``save_challenge`` writes."""
    import torch

    path = challenge_path() if path is None else Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}: run the challenge's training cell, which trains "
                              "your model and saves it there, and hand the file in beside the notebook "
                              "(python -m cs_utils.handin packs it); 0 points without it")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 (a truncated file, another format, pickled code)
        raise CheckpointError(f"{path} is not a checkpoint written by save_challenge ({type(err).__name__}: "
                              f"{str(err)[:200]}); run the training cell again") from err
    needed = {"format", "state_dict", "build_name", "build_source", "mode", "train_seconds"}
    if not isinstance(checkpoint, dict) or not needed <= checkpoint.keys():
        raise CheckpointError(f"{path} lacks what save_challenge writes ({sorted(needed)}); run the "
                              "training cell again")
    return checkpoint


def build_from_source(checkpoint: dict):
    """A new model from the checkpoint's builder source, run in a fresh namespace."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    namespace = {"torch": torch, "nn": nn, "F": F, "__name__": "challenge_checkpoint"}
    try:
        exec(compile(checkpoint["build_source"], "<checkpoint: build_source>", "exec"), namespace)
        model = namespace[checkpoint["build_name"]]()
    except Exception as err:  # noqa: BLE001 (the student's code: report, do not crash the grader)
        raise CheckpointError(f"the saved {checkpoint['build_name']}() failed when run on its own "
                              f"({type(err).__name__}: {err}): define everything the model needs inside "
                              "the function (imports, classes), then train and save again") from err
    if not isinstance(model, nn.Module):
        raise CheckpointError(f"{checkpoint['build_name']}() returned {type(model).__name__}, "
                              "not an nn.Module")
    return model


def load_checkpoint(path: str | Path | None = None):
    """(model in eval mode with the saved weights, checkpoint dict); CheckpointError if unusable."""
    checkpoint = read_checkpoint(path)
    model = build_from_source(checkpoint)
    try:
        model.load_state_dict(checkpoint["state_dict"], strict=True)
    except RuntimeError as err:
        first = str(err).splitlines()[0][:300]
        raise CheckpointError(f"the saved weights do not fit the model that the saved "
                              f"{checkpoint['build_name']}() builds ({first}): the checkpoint was saved "
                              "from another model; save the model you trained together with the function "
                              "that built it") from err
    return model.eval(), checkpoint


def checkpoint_accuracy(path: str | Path | None = None, device=None) -> tuple[float, dict]:
    """(test accuracy, checkpoint) of the saved model on its mode's challenge test split."""
    import torch

    model, checkpoint = load_checkpoint(path)
    try:
        loader, _name = challenge_test_loader(checkpoint["mode"])
    except FileNotFoundError as err:
        raise CheckpointError(f"the checkpoint was trained in {checkpoint['mode']} mode, whose test data is "
                              f"not available here: {err}") from err
    device = torch.device(device) if device is not None else torch.device("cpu")
    model.to(device)
    correct = count = 0
    with torch.no_grad():
        for x, y in loader:
            correct += int((model(x.to(device)).argmax(dim=1).cpu() == y).sum())
            count += len(y)
    return correct / max(count, 1), checkpoint


def budget_problem(checkpoint: dict) -> str | None:
    """Why the checkpoint breaks the time budget of its mode, or None."""
    budget = BUDGET_S[checkpoint["mode"]]
    if checkpoint["train_seconds"] > BUDGET_SLACK * budget:
        return (f"training took {checkpoint['train_seconds']:.1f} s, over the {checkpoint['mode']} mode "
                f"budget of {budget:.0f} s: stop training when the budget is spent "
                "(e.g. fit(..., time_budget_s=...))")
    return None


def tier_verdict(build, tier: int, path: str | Path | None = None) -> tuple[float, dict]:
    """The challenge's test of ``tier`` (1, 2 or 3) on the handed-in checkpoint.

    ``build`` is the notebook's ``build_challenge_model``: the checkpoint must have been saved from
    its current source. Returns (test accuracy, checkpoint) when the tier is reached; raises an
    AssertionError that says what is wrong otherwise (no checkpoint, another builder, over the time
    budget, below the tier). Evaluates the saved model; never trains."""
    import inspect

    checkpoint = read_checkpoint(path)
    if checkpoint["build_source"] != inspect.getsource(build):
        raise CheckpointError("the checkpoint was saved from another version of build_challenge_model "
                              "than the one in this notebook: run the training cell again and hand in the "
                              "checkpoint it saves")
    problem = budget_problem(checkpoint)
    if problem is not None:
        raise AssertionError(problem)
    accuracy, checkpoint = checkpoint_accuracy(path)
    needed = TIERS[checkpoint["mode"]][tier - 1]
    if accuracy < needed:
        raise AssertionError(f"test accuracy {accuracy:.2%} of the saved model is below tier {tier} "
                             f"({needed:.1%} in {checkpoint['mode']} mode)")
    return accuracy, checkpoint
