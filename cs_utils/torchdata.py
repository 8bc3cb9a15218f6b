"""PyTorch datasets and loaders for the architecture notebooks (08-12).

``course_loaders`` is the one entry point: in quick mode it serves the real MNIST subset offline,
outside quick mode CIFAR-10 through torchvision with the standard augmentation. Either way the
images are 3x32x32, so the same model code runs on both, and ``info["name"]`` says which data ran.
"""

from __future__ import annotations

import os

import numpy as np

from cs_utils.data import DATASETS, load_cifar10, load_mnist_subset
from cs_utils.runtime import is_quick

CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)
DIGIT_CLASSES = tuple(str(d) for d in range(10))


def mnist_tensors(pad_to: int = 32, rgb: bool = True):
    """The MNIST subset as tensors: X (5000, 3 or 1, pad_to, pad_to) float32 in [0, 1], y int64."""
    import torch

    X, y = load_mnist_subset(pad_to=pad_to)
    X = torch.from_numpy(X)
    if rgb:
        X = X.expand(-1, 3, -1, -1).contiguous()  # gray copied to 3 channels: CIFAR-shaped input
    return X, torch.from_numpy(y)


def synthetic_cifar(n: int = 256, num_classes: int = 10, seed: int = 0):
    """Random CIFAR-shaped tensors (n, 3, 32, 32) and labels, for shape and speed checks only."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, 32, 32, generator=gen), torch.randint(0, num_classes, (n,), generator=gen)


def _mnist_loaders(batch_size: int, n_train: int, n_val: int, seed: int):
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    X, y = mnist_tensors()
    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(X)))
    train_idx, val_idx = order[:n_train], order[n_train:n_train + n_val]
    mean = X[train_idx].mean(dim=(0, 2, 3), keepdim=True)  # statistics of the training split only
    std = X[train_idx].std(dim=(0, 2, 3), keepdim=True)
    X = (X - mean) / std
    gen = torch.Generator().manual_seed(seed)
    train = DataLoader(TensorDataset(X[train_idx], y[train_idx]), batch_size=batch_size, shuffle=True,
                       generator=gen)
    val = DataLoader(TensorDataset(X[val_idx], y[val_idx]), batch_size=512)
    name = (f"MNIST subset ({n_train} train / {n_val} validation real digits, padded to 32x32, "
            f"gray copied to 3 channels; source: {DATASETS['mnist5k']['source']})")
    return train, val, name


def _cifar_loaders(batch_size: int, root: str | None, augment: bool, download: bool):
    from torch.utils.data import DataLoader
    from torchvision import transforms

    normalize = [transforms.ToTensor(), transforms.Normalize(CIFAR10_MEAN, CIFAR10_STD)]
    train_tf = [transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip()] if augment else []
    train_set = load_cifar10(root, train=True, download=download,
                             transform=transforms.Compose(train_tf + normalize))
    val_set = load_cifar10(root, train=False, download=download, transform=transforms.Compose(normalize))
    workers = min(4, os.cpu_count() or 1)
    train = DataLoader(train_set, batch_size=batch_size, shuffle=True, num_workers=workers, pin_memory=True,
                       persistent_workers=workers > 0)
    val = DataLoader(val_set, batch_size=512, num_workers=workers, pin_memory=True)
    name = "CIFAR-10 (50,000 train / 10,000 test, random crop + flip, per-channel normalization)"
    return train, val, name


def course_loaders(batch_size: int = 128, quick: bool | None = None, root: str | None = None, seed: int = 0,
                   n_train: int = 4000, n_val: int = 1000, augment: bool = True, download: bool = True):
    """(train_loader, val_loader, info) for notebooks 08-11.

    Quick mode (``CS_QUICK=1``, or ``quick=True``): the offline MNIST subset, ``n_train`` training and
    ``n_val`` validation digits, normalized with training-split statistics. Otherwise CIFAR-10 under
    ``root`` (default: the course's one data folder, see ``cs_utils.settings``), downloaded by torchvision
    when online; offline it raises ``FileNotFoundError`` saying how to get the data or to use quick mode.
    There is no silent fallback: print ``info["name"]``.
    """
    quick = is_quick() if quick is None else quick
    if quick:
        train, val, name = _mnist_loaders(batch_size, n_train, n_val, seed)
        classes = DIGIT_CLASSES
    else:
        from cs_utils.data import CIFAR10_CLASSES

        train, val, name = _cifar_loaders(batch_size, root, augment, download)
        classes = CIFAR10_CLASSES
    info = {"name": name, "classes": classes, "num_classes": 10, "in_channels": 3, "image_size": 32,
            "quick": quick}
    return train, val, info
