"""Figures the notebooks share: image grids, filters, activation maps and training curves.

Every function returns the matplotlib Figure so a notebook can add a caption or save it.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np


def _grid(n: int, ncols: int | None, size: float):
    import matplotlib.pyplot as plt

    ncols = ncols or min(n, 8)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes.flat


def _to_hwc(image: np.ndarray) -> np.ndarray:
    """(C, H, W) to (H, W, C) for matplotlib; 2-D images and (H, W, 3) images pass through."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[0] in (1, 3) and image.shape[-1] not in (1, 3):
        image = np.moveaxis(image, 0, -1)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    return image


def show_images(images: Sequence[np.ndarray], titles: Sequence[str] | None = None,
                ncols: int | None = None, size: float = 2.0, cmap: str = "gray", suptitle: str | None = None):
    """Show images, each (H, W), (H, W, 3) or (C, H, W), in a grid, each scaled to its own range."""
    fig, axes = _grid(len(images), ncols, size)
    for i, (ax, image) in enumerate(zip(axes, images)):
        image = _to_hwc(image)
        if image.ndim == 3:
            lo, hi = float(image.min()), float(image.max())
            image = (image - lo) / (hi - lo) if hi > lo else np.zeros_like(image)
        ax.imshow(image, cmap=cmap)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_filters(w: np.ndarray, ncols: int | None = None, size: float = 1.2, suptitle: str | None = None):
    """Show conv weights w (F, C, HH, WW): RGB when C == 3, else each filter's first channel.

    A diverging colormap centred on zero shows the sign of each weight. ``conv.weight`` itself works:
    a tensor is detached (it requires grad) and moved to the CPU first.
    """
    if hasattr(w, "detach"):
        w = w.detach().cpu().float()
    w = np.asarray(w, dtype=np.float64)
    if w.shape[1] == 3:
        return show_images(list(w), [f"filter {i}" for i in range(len(w))], ncols, size, suptitle=suptitle)
    fig, axes = _grid(len(w), ncols, size)
    for i, ax in enumerate(axes):
        if i >= len(w):
            break
        limit = float(np.abs(w[i, 0]).max()) or 1.0
        ax.imshow(w[i, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {i}", fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_activation_maps(maps: np.ndarray, titles: Sequence[str] | None = None, ncols: int | None = None,
                         size: float = 2.0, suptitle: str | None = None):
    """Show activation maps (F, H, W), one panel per map, each with its own colour scale."""
    maps = np.asarray(maps)
    titles = titles or [f"map {i}" for i in range(len(maps))]
    fig, axes = _grid(len(maps), ncols, size)
    for ax, m, title in zip(axes, maps, titles):
        ax.imshow(m, cmap="viridis")
        ax.set_title(title, fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_signed_maps(maps: np.ndarray, titles: Sequence[str] | None = None, ncols: int | None = None,
                     size: float = 2.0, suptitle: str | None = None, shared: bool = False):
    """Show signed maps (F, H, W) with a diverging colormap centred on zero and a colorbar.

    Red is positive, blue negative, white zero. Each panel gets symmetric limits ``[-m, m]`` from its
    own largest magnitude, or from the largest over all maps when ``shared`` is true (then values are
    comparable across panels and one colorbar serves them all).
    """
    maps = np.asarray(maps, dtype=np.float64)
    titles = titles or [f"map {i}" for i in range(len(maps))]
    fig, axes = _grid(len(maps), ncols, size)
    axes = list(axes)
    overall = float(np.abs(maps).max()) if maps.size else 0.0
    image = None
    for ax, m, title in zip(axes, maps, titles):
        limit = (overall if shared else float(np.abs(m).max())) or 1.0
        image = ax.imshow(m, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(title, fontsize=9)
        if not shared:
            fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    if shared and image is not None:
        fig.colorbar(image, ax=axes, fraction=0.02, pad=0.02)
    return fig


_HISTORY_WORDS = {"train": "training", "val": "validation", "acc": "accuracy"}


def _readable(key: str) -> str:
    """Legend label of a history key: "train_loss" -> "training loss", "val_acc" -> "validation accuracy"."""
    return " ".join(_HISTORY_WORDS.get(word, word) for word in key.replace("_", " ").split())


def plot_history(history: Mapping[str, Sequence[float]], xlabel: str = "epoch", title: str | None = None):
    """Plot training curves: keys ending in ``loss`` on the left axes, ``acc`` or ``accuracy`` on the right.

    Other entries (``seconds``, ``device``, ...) are ignored, so ``training.fit``'s history plots as is.
    Values are one per epoch (x = 1, 2, ...), so the x ticks are whole numbers; legend labels spell
    the keys out ("train_loss" -> "training loss").
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    curves = {k: v for k, v in history.items() if isinstance(v, (list, tuple, np.ndarray)) and len(v)}
    losses = {k: v for k, v in curves.items() if k.endswith("loss")}
    accuracies = {k: v for k, v in curves.items() if k.endswith(("acc", "accuracy"))}
    groups = [(g, label) for g, label in ((losses, "loss"), (accuracies, "accuracy")) if g]
    fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(5 * max(len(groups), 1), 3.5), squeeze=False)
    for ax, (group, label) in zip(axes.flat, groups):
        for key, values in group.items():
            ax.plot(np.arange(1, len(values) + 1), values, label=_readable(key),
                    marker="o" if len(values) < 30 else None)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(label)
        longest = max(len(_readable(key)) for key in group)
        ax.legend(fontsize="small" if longest > 28 else None)  # long labels: a smaller legend stays inside
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
