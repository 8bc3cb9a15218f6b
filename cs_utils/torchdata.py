"""PyTorch datasets and loaders for the architecture notebooks (08-12).

``course_loaders`` is the one entry point for training: in quick mode it serves the real MNIST
subset offline, outside quick mode CIFAR-10 with the standard augmentation, its 50,000 training
images split (seeded) into 45,000 for training and 5,000 for validation. ``course_test_loader``
serves the test set, to be reported once, at the end. Either way the images are 3x32x32, so the
same model code runs on both, and ``info["name"]`` says which data ran.

Two loaders for CIFAR-10: torchvision's (``DataLoader`` over PIL images with ``RandomCrop`` and
``RandomHorizontalFlip``: the readable one, and the default) and ``DeviceLoader``
(``on_device=True``): the whole dataset as one tensor in GPU memory, cropped and flipped there in
batches, as fast CIFAR trainers do, so the GPU never waits for CPU workers.
"""

from __future__ import annotations

import math
import os

import numpy as np

from cs_utils.data import DATASETS, load_cifar10, load_mnist_subset
from cs_utils.runtime import is_quick, training_device

CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)
CIFAR10_VAL_SIZE = 5000  # of the 50,000 training images; the other 45,000 train
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


def crop_flip(x, shifts, flips, padding: int = 4):
    """Random-crop-with-padding and horizontal flip of a batch, in one gather on x's device.

    x: (N, C, H, W), any dtype. shifts: (N, 2) integers in [0, 2 * padding], the top-left corner of
    each image's crop in the zero-padded (H + 2p, W + 2p) image (``padding`` keeps the image where
    it was). flips: (N,) bool, mirror that image left-right. Same result as torchvision's
    ``RandomCrop(H, padding=p)`` then ``RandomHorizontalFlip`` per image, for the given draws.
    """
    import torch
    import torch.nn.functional as F

    n, c, h, w = x.shape
    padded = F.pad(x, (padding, padding, padding, padding))
    rows = shifts[:, :1] + torch.arange(h, device=x.device)  # (N, H)
    cols = shifts[:, 1:] + torch.arange(w, device=x.device)  # (N, W)
    cols = torch.where(flips[:, None], cols.flip(1), cols)
    batch = torch.arange(n, device=x.device)[:, None, None, None]
    channel = torch.arange(c, device=x.device)[None, :, None, None]
    return padded[batch, channel, rows[:, None, :, None], cols[:, None, None, :]]


class DeviceLoader:
    """Batches of a dataset held whole in device memory, with crop and flip done there, batch by batch.

    ``images`` (N, C, H, W): uint8 (0-255, scaled to [0, 1] per batch like ``ToTensor``) or float
    (used as it is); ``labels`` (N,). Both move to ``device`` once (CIFAR-10's 50,000 images as
    uint8: 150 MiB). Each pass (epoch) draws from its own generator, seeded with ``seed``: an order
    (``shuffle``) and, with ``augment``, a crop offset in [0, 2 * padding] per axis and a flip per
    image, then serves every image once, in batches of ``batch_size`` (the last one smaller, unless
    ``drop_last``). Padding is zeros before normalizing, as torchvision pads the PIL image, then
    ``(x - mean) / std`` per channel when ``mean`` and ``std`` are given. Two loaders with the same
    seed yield the same batches. Iterating gives ``(x, y)`` on the device, like a ``DataLoader``, so
    ``cs_utils.training.fit`` takes it as it is.
    """

    def __init__(self, images, labels, batch_size: int, *, device=None, shuffle: bool = True,
                 augment: bool = False, padding: int = 4, mean=None, std=None, drop_last: bool = False,
                 seed: int = 0):
        import torch

        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        device = torch.device(device) if device is not None else images.device
        self.images, self.labels = images.to(device), labels.to(device)
        self.batch_size, self.shuffle, self.augment, self.padding = batch_size, shuffle, augment, padding
        self.drop_last, self.device = drop_last, device
        self.mean = None if mean is None else torch.tensor(mean, device=device).view(1, -1, 1, 1)
        self.std = None if std is None else torch.tensor(std, device=device).view(1, -1, 1, 1)
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        n = len(self.images)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def epoch_plan(self):
        """(order, shifts, flips) for the next pass, drawn on the CPU (the same on every device)."""
        import torch

        n = len(self.images)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        shifts = torch.randint(0, 2 * self.padding + 1, (n, 2), generator=self.generator)
        flips = torch.randint(0, 2, (n,), generator=self.generator).bool()
        return order, shifts, flips

    def __iter__(self):
        import torch

        order, shifts, flips = (t.to(self.device, non_blocking=True) for t in self.epoch_plan())
        for i in range(len(self)):
            part = slice(i * self.batch_size, (i + 1) * self.batch_size)
            x = self.images[order[part]]
            if self.augment:
                x = crop_flip(x, shifts[part], flips[part], self.padding)
            if x.dtype == torch.uint8:
                x = x.float().div_(255)
            if self.mean is not None:
                x = (x - self.mean) / self.std
            yield x, self.labels[order[part]]


def _mnist_split(n_train: int, n_val: int, seed: int):
    """The MNIST subset, normalized with its training split's statistics, and the split's indices."""
    import torch

    X, y = mnist_tensors()
    # Slicing past the end would quietly shrink the validation split while info["name"] kept
    # reporting the sizes asked for.
    if n_train < 1 or n_val < 1 or n_train + n_val > len(X):
        raise ValueError(f"n_train={n_train} and n_val={n_val}: quick mode's MNIST subset has {len(X)} "
                         f"digits, so both must be at least 1 and n_train + n_val at most {len(X)} "
                         "(the defaults: 4000 + 1000)")
    # The digits left over (the challenge's test split) are the same for every seed: a seed that
    # reshuffled them would put the grader's test digits into training. A seed only redraws which
    # of the others train and which validate; seed 0 is the course's split as it stands.
    order = np.random.default_rng(0).permutation(len(X))
    if seed != 0:
        used = order[:n_train + n_val]
        order[:n_train + n_val] = used[np.random.default_rng(seed).permutation(len(used))]
    order = torch.from_numpy(order)
    train_idx, val_idx = order[:n_train], order[n_train:n_train + n_val]
    mean = X[train_idx].mean(dim=(0, 2, 3), keepdim=True)  # statistics of the training split only
    std = X[train_idx].std(dim=(0, 2, 3), keepdim=True)
    return (X - mean) / std, y, order, train_idx, val_idx


def _mnist_loaders(batch_size: int, n_train: int, n_val: int, seed: int, on_device: bool = False,
                   device=None):
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    X, y, _order, train_idx, val_idx = _mnist_split(n_train, n_val, seed)
    name = (f"MNIST subset ({n_train} train / {n_val} validation real digits, padded to 32x32, "
            f"gray copied to 3 channels; source: {DATASETS['mnist5k']['source']})")
    if on_device:
        train = DeviceLoader(X[train_idx], y[train_idx], batch_size, device=device, shuffle=True, seed=seed)
        val = DeviceLoader(X[val_idx], y[val_idx], 512, device=device, shuffle=False)
        return train, val, name + ", held in device memory"
    gen = torch.Generator().manual_seed(seed)
    train = DataLoader(TensorDataset(X[train_idx], y[train_idx]), batch_size=batch_size, shuffle=True,
                       generator=gen)
    val = DataLoader(TensorDataset(X[val_idx], y[val_idx]), batch_size=512)
    return train, val, name


def cifar_split(n: int = 50_000, n_val: int = CIFAR10_VAL_SIZE, seed: int = 0):
    """(train indices, validation indices) of CIFAR-10's training set: a seeded split, 45,000 / 5,000."""
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


class TransformedSubset:
    """The items ``indices`` of ``dataset``, with ``transform`` applied to each image (a torch Dataset).

    Lets the training and validation splits of one CIFAR-10 training set use different transforms
    (augmentation for training only) without loading the files twice.
    """

    def __init__(self, dataset, indices, transform=None):
        self.dataset, self.indices, self.transform = dataset, np.asarray(indices), transform

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i):
        image, label = self.dataset[int(self.indices[i])]
        return (self.transform(image) if self.transform is not None else image), label


def _cifar_tensors(dataset):
    """A torchvision CIFAR10's images as a uint8 (N, 3, 32, 32) tensor and its labels as int64."""
    import torch

    return torch.from_numpy(dataset.data).permute(0, 3, 1, 2).contiguous(), torch.as_tensor(dataset.targets)


def _cifar_workers() -> int:
    return min(4, os.cpu_count() or 1)


def _cifar_loaders(batch_size: int, root: str | None, augment: bool, download: bool, seed: int,
                   on_device: bool, device):
    import torch
    from torch.utils.data import DataLoader

    base = load_cifar10(root, train=True, download=download)  # PIL images: the splits transform them
    train_idx, val_idx = cifar_split(len(base), CIFAR10_VAL_SIZE, seed)
    split = (f"{len(train_idx):,} train / {len(val_idx):,} validation from the training set (seed {seed}); "
             "the 10,000 test images are for course_test_loader(), once, at the end")
    aug = "random crop + flip, " if augment else ""
    if on_device:
        X, y = _cifar_tensors(base)
        train = DeviceLoader(X[train_idx], y[train_idx], batch_size, device=device, shuffle=True,
                             augment=augment, mean=CIFAR10_MEAN, std=CIFAR10_STD, seed=seed)
        val = DeviceLoader(X[val_idx], y[val_idx], 512, device=device, shuffle=False, mean=CIFAR10_MEAN,
                           std=CIFAR10_STD)
        return train, val, f"CIFAR-10 ({split}; {aug}per-channel normalization, on {device}, augmented there)"
    train_set, val_set = _cifar_splits(base, train_idx, val_idx, augment)
    workers, pin = _cifar_workers(), torch.cuda.is_available()
    train = DataLoader(train_set, batch_size=batch_size, shuffle=True, num_workers=workers, pin_memory=pin,
                       persistent_workers=workers > 0)
    val = DataLoader(val_set, batch_size=512, num_workers=workers, pin_memory=pin)
    return train, val, f"CIFAR-10 ({split}; {aug}per-channel normalization)"


def _cifar_splits(base, train_idx, val_idx, augment: bool):
    from torchvision import transforms

    normalize = [transforms.ToTensor(), transforms.Normalize(CIFAR10_MEAN, CIFAR10_STD)]
    train_tf = [transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip()] if augment else []
    return (TransformedSubset(base, train_idx, transforms.Compose(train_tf + normalize)),
            TransformedSubset(base, val_idx, transforms.Compose(normalize)))


def cifar_datasets(root: str | None = None, augment: bool = True, download: bool = True, seed: int = 0):
    """(train, validation) datasets of CIFAR-10's seeded 45,000 / 5,000 split, as ``course_loaders`` uses.

    For loaders of your own, e.g. with a ``DistributedSampler`` (``scripts/train_cifar.py``).
    """
    base = load_cifar10(root, train=True, download=download)
    train_idx, val_idx = cifar_split(len(base), CIFAR10_VAL_SIZE, seed)
    return _cifar_splits(base, train_idx, val_idx, augment)


def course_loaders(batch_size: int = 128, quick: bool | None = None, root: str | None = None, seed: int = 0,
                   n_train: int = 4000, n_val: int = 1000, augment: bool = True, download: bool = True,
                   on_device: bool = False, device=None):
    """(train_loader, val_loader, info) for notebooks 08-11.

    Quick mode (``CS_QUICK=1``, or ``quick=True``): the offline MNIST subset, ``n_train`` training and
    ``n_val`` validation digits (5,000 in all at most: more raises ``ValueError``), normalized with
    training-split statistics. Otherwise CIFAR-10 under
    ``root`` (default: the course's one data folder, see ``cs_utils.settings``), downloaded by torchvision
    when online; offline it raises ``FileNotFoundError`` saying how to get the data or to use quick mode.
    Its training set is split by ``seed`` into 45,000 images for training and 5,000 for validation;
    the test set is ``course_test_loader``'s. Full mode first checks for a GPU
    (``cs_utils.runtime.training_device``: no silent hours on a CPU unless ``CS_ALLOW_CPU=1``).

    ``on_device=True`` serves the data from ``device``'s memory (default: the training device) with
    ``DeviceLoader``, augmenting there, instead of torchvision's CPU workers.
    There is no silent fallback: print ``info["name"]``.
    """
    quick = is_quick() if quick is None else quick
    if not quick:
        checked = training_device(quick=False)
        device = device if device is not None else checked
    elif on_device and device is None:
        device = training_device(quick=True)
    if quick:
        train, val, name = _mnist_loaders(batch_size, n_train, n_val, seed, on_device, device)
        classes = DIGIT_CLASSES
    else:
        from cs_utils.data import CIFAR10_CLASSES

        train, val, name = _cifar_loaders(batch_size, root, augment, download, seed, on_device, device)
        classes = CIFAR10_CLASSES
    info = {"name": name, "classes": classes, "num_classes": 10, "in_channels": 3, "image_size": 32,
            "quick": quick}
    return train, val, info


def course_test_loader(batch_size: int = 512, quick: bool | None = None, root: str | None = None,
                       seed: int = 0, n_train: int = 4000, n_val: int = 1000, download: bool = True,
                       on_device: bool = False, device=None):
    """(test_loader, name): the data to report once, at the end, after every choice is made.

    Full mode: CIFAR-10's 10,000 test images, normalized like the training data. Quick mode: the
    digits of the MNIST subset that ``course_loaders`` (same ``seed``, ``n_train``, ``n_val``) left
    out of training and validation, normalized with the same statistics; when there are none (the
    defaults use all 5,000), the validation digits again, and ``name`` says so. Pass the arguments you
    gave ``course_loaders``.
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    quick = is_quick() if quick is None else quick
    if on_device and device is None:
        device = training_device(quick=quick)
    if quick:
        X, y, order, _train_idx, val_idx = _mnist_split(n_train, n_val, seed)
        rest = order[n_train + n_val:]
        if len(rest):
            idx, name = rest, f"MNIST subset: the {len(rest)} digits not used for training or validation"
        else:
            idx, name = val_idx, (f"MNIST subset: no digits left over, so the {len(val_idx)} validation "
                                  "digits again (quick mode has no separate test set)")
        if on_device:
            return DeviceLoader(X[idx], y[idx], batch_size, device=device, shuffle=False), name
        return DataLoader(TensorDataset(X[idx], y[idx]), batch_size=batch_size), name
    from torchvision import transforms

    normalize = transforms.Compose([transforms.ToTensor(), transforms.Normalize(CIFAR10_MEAN, CIFAR10_STD)])
    test = load_cifar10(root, train=False, download=download, transform=normalize)
    name = f"CIFAR-10 test set ({len(test):,} images)"
    if on_device:
        X, y = _cifar_tensors(test)
        return DeviceLoader(X, y, batch_size, device=device, shuffle=False, mean=CIFAR10_MEAN,
                            std=CIFAR10_STD), name
    return DataLoader(test, batch_size=batch_size, num_workers=_cifar_workers(),
                      pin_memory=torch.cuda.is_available()), name
