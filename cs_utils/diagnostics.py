"""Looking at what a trained classifier does (notebooks 09, 10 and 11).

``StepLog`` records the training loss of every step of ``cs_utils.training.fit`` (whose history has
one value per epoch), and ``plot_steps`` draws those steps with the per-epoch validation points.
``predict`` runs a model over a loader; ``confusion_matrix``, ``plot_confusion`` and
``show_misclassified`` turn its predictions into the usual error analysis figures.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np


class StepLog:
    """A loss function for ``fit`` that also keeps every training step's loss and batch accuracy.

    ``fit`` calls ``loss_fn(logits, y)`` for each training batch and ``evaluate`` calls it on the
    validation data, under ``torch.no_grad()``: only calls with gradients on (and no extra arguments,
    such as ``reduction=``) are recorded, so validation never counts as a training step.
    Values stay on the device until ``values()`` reads them all at once (no host wait per step).
    Used by notebooks 10 and 11.
    """

    def __init__(self, loss_fn=None):
        import torch.nn.functional as F

        self.loss_fn = loss_fn or F.cross_entropy
        self._losses, self._accs = [], []

    def __call__(self, logits, targets, **kwargs):
        import torch

        loss = self.loss_fn(logits, targets, **kwargs)
        if not kwargs and torch.is_grad_enabled():
            self.record(loss, logits, targets)
        return loss

    def record(self, loss, logits=None, targets=None) -> None:
        """Keep one step's loss (and its batch accuracy when logits and targets are given)."""
        self._losses.append(loss.detach().float())
        if logits is not None:
            self._accs.append((logits.detach().argmax(dim=1) == targets).float().mean())

    @property
    def steps(self) -> int:
        """Training steps recorded so far. (No ``__len__``: ``fit``'s ``loss_fn or cross_entropy`` would
        take an empty log for "no loss function".)"""
        return len(self._losses)

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        """(losses, accuracies) of the recorded steps as NumPy arrays (accuracies may be empty)."""
        import torch

        losses = torch.stack(self._losses).cpu().numpy() if self._losses else np.zeros(0)
        accs = torch.stack(self._accs).cpu().numpy() if self._accs else np.zeros(0)
        return losses, accs


def moving_average(values, window: int) -> np.ndarray:
    """Mean of each run of ``window`` consecutive values (len(values) - window + 1 of them)."""
    values = np.asarray(values, dtype=np.float64)
    window = max(1, min(int(window), len(values)))
    return np.convolve(values, np.ones(window) / window, mode="valid")


def plot_steps(step_losses, history: Mapping, steps_per_epoch: int, step_accs=None, window: int | None = None,
               title: str | None = None):
    """Training loss per step (light) and its moving average, with validation points at each epoch's end.

    One legend, in the loss panel, serves both panels.

    ``history`` is ``fit``'s (its ``val_loss`` and ``val_acc`` lists, one value per epoch). With
    ``step_accs`` a second panel shows the training batches' accuracy the same way.
    """
    import matplotlib.pyplot as plt

    step_losses = np.asarray(step_losses, dtype=np.float64)
    # A run stopped early (time budget, tiny data) can have fewer steps than the default window.
    window = max(1, min(window or max(3, len(step_losses) // 15), len(step_losses)))
    panels = [("loss", step_losses, history.get("val_loss"))]
    if step_accs is not None and len(step_accs):
        panels.append(("accuracy", np.asarray(step_accs, dtype=np.float64), history.get("val_acc")))
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 3.6), squeeze=False)
    steps = np.arange(1, len(step_losses) + 1)
    for ax, (label, values, val) in zip(axes.flat, panels):
        ax.plot(steps[:len(values)], values, color="tab:blue", alpha=0.3, lw=0.8,
                label="training batch, each step")
        ax.plot(steps[window - 1:len(values)], moving_average(values, window), color="tab:blue",
                label=f"training, {window}-step mean")
        if val:
            ends = steps_per_epoch * np.arange(1, len(val) + 1)
            ax.plot(ends, val, "o", ms=7, color="tab:orange", label="validation set, end of each epoch")
        for end in steps_per_epoch * np.arange(1, len(steps) // max(steps_per_epoch, 1) + 1):
            ax.axvline(end, color="gray", lw=0.6, ls=":")
        ax.set_xlabel("training step (dotted lines: epoch ends)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=8, loc="center right")  # one legend: both panels use the same styles
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def predict(model, loader, device=None):
    """Run ``model`` in eval mode over ``loader``: (images on the CPU, labels, predictions, probabilities).

    Probabilities are the softmax of the logits, shape (N, num_classes). The model's train/eval mode
    is restored afterwards.
    """
    import torch

    device = torch.device(device) if device is not None else next(model.parameters()).device
    was_training = model.training
    model.eval()
    images, labels, probs = [], [], []
    with torch.no_grad():
        for x, y in loader:
            logits = model(x.to(device))
            probs.append(torch.softmax(logits.float(), dim=1).cpu())
            images.append(x.cpu())
            labels.append(y.cpu())
    model.train(was_training)
    probs = torch.cat(probs).numpy()
    return torch.cat(images), torch.cat(labels).numpy(), probs.argmax(axis=1), probs


def confusion_matrix(labels, predictions, num_classes: int) -> np.ndarray:
    """Counts (num_classes, num_classes): row = true class, column = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predictions)), 1)
    return matrix


def plot_confusion(matrix: np.ndarray, class_names: Sequence[str], title: str | None = None):
    """The confusion matrix as a heat map of counts, each cell labelled; the diagonal is correct."""
    import matplotlib.pyplot as plt

    matrix = np.asarray(matrix)
    k = len(matrix)
    fig, ax = plt.subplots(figsize=(0.45 * k + 2.5, 0.45 * k + 1.8))
    image = ax.imshow(matrix, cmap="Blues")
    threshold = matrix.max() / 2
    for i in range(k):
        for j in range(k):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if matrix[i, j] > threshold else "black")
    ax.set_xticks(range(k), class_names, rotation=90 if max(map(len, class_names)) > 2 else 0)
    ax.set_yticks(range(k), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="images")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def show_misclassified(images, labels, predictions, probs, class_names: Sequence[str], n: int = 16,
                       ncols: int = 8, title: str | None = None):
    """The ``n`` wrong predictions made with the highest confidence, each titled "true -> predicted (p)".

    Images are (N, C, H, W), each scaled to its own range for display. Returns the figure and the
    indices shown.
    """
    import matplotlib.pyplot as plt

    labels, predictions, probs = np.asarray(labels), np.asarray(predictions), np.asarray(probs)
    wrong = np.flatnonzero(labels != predictions)
    wrong = wrong[np.argsort(-probs[wrong, predictions[wrong]], kind="stable")][:n]
    nrows = max(1, -(-len(wrong) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.75 * nrows + 0.3), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        image = np.asarray(images[i], dtype=np.float64)
        image = np.moveaxis(image, 0, -1) if image.shape[0] == 3 else image[0]
        lo, hi = image.min(), image.max()
        ax.imshow((image - lo) / (hi - lo) if hi > lo else image * 0, cmap="gray")
        true, guess = class_names[labels[i]], class_names[predictions[i]]
        ax.set_title(f"{true} → {guess} ({probs[i, predictions[i]]:.2f})", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig, wrong
