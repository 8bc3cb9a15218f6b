"""cs_utils.torchdata on the CPU: the CIFAR-10 split, the test loader and the device-resident loader.

CIFAR-10 itself is not here (offline): a fake torchvision CIFAR10 of random images stands in, and
DeviceLoader runs on the CPU, the same code that runs on a GPU.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from cs_utils import torchdata


class FakeCIFAR10:
    """What torchdata uses of torchvision's CIFAR10: .data (N, 32, 32, 3) uint8, .targets, PIL items."""

    def __init__(self, n, transform=None, seed=0):
        rng = np.random.default_rng(seed)
        self.data = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
        self.targets = [int(t) for t in rng.integers(0, 10, size=n)]
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        image = Image.fromarray(self.data[i])
        return (self.transform(image) if self.transform else image), self.targets[i]


@pytest.fixture
def fake_cifar(monkeypatch):
    """Full mode on this GPU-less machine (CS_ALLOW_CPU=1): 800 fake training images (500 for validation,
    in place of 5,000 of 50,000, to stay fast) and 100 test images."""
    monkeypatch.setenv("CS_ALLOW_CPU", "1")
    monkeypatch.setattr(torchdata, "_cifar_workers", lambda: 0)
    monkeypatch.setattr(torchdata, "CIFAR10_VAL_SIZE", 500)
    made = []

    def load(root=None, train=True, download=False, transform=None):
        made.append(train)
        return FakeCIFAR10(800 if train else 100, transform, seed=0 if train else 1)

    monkeypatch.setattr(torchdata, "load_cifar10", load)
    return made


def test_cifar_split_is_45k_5k_seeded_and_disjoint():
    train, val = torchdata.cifar_split(seed=0)
    assert len(train) == 45_000 and len(val) == 5_000
    assert np.array_equal(np.sort(np.concatenate([train, val])), np.arange(50_000))
    again = torchdata.cifar_split(seed=0)
    assert np.array_equal(again[1], val) and not np.array_equal(torchdata.cifar_split(seed=1)[1], val)


def test_full_mode_validates_on_training_images_not_the_test_set(fake_cifar):
    train, val, info = torchdata.course_loaders(quick=False, batch_size=50)
    assert fake_cifar == [True], "the training loaders never open the test set"
    assert len(train.dataset) == 300 and len(val.dataset) == 500
    assert not set(train.dataset.indices) & set(val.dataset.indices)
    assert "validation" in info["name"] and "course_test_loader" in info["name"]
    x, y = next(iter(train))
    assert x.shape == (50, 3, 32, 32) and x.dtype == torch.float32 and y.dtype == torch.int64
    first = next(iter(val))[0]
    assert torch.equal(first, next(iter(val))[0]), "validation images are not augmented"
    test, name = torchdata.course_test_loader(quick=False)
    assert fake_cifar == [True, False] and "test set" in name and len(test.dataset) == 100


def test_full_mode_device_resident_loaders(fake_cifar):
    train, val, info = torchdata.course_loaders(quick=False, batch_size=64, on_device=True, device="cpu")
    assert isinstance(train, torchdata.DeviceLoader) and train.augment and not val.augment
    assert len(train.images) == 300 and len(val.images) == 500 and train.images.dtype == torch.uint8
    x, _ = next(iter(val))
    mean = torch.tensor(torchdata.CIFAR10_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(torchdata.CIFAR10_STD).view(1, 3, 1, 1)
    val_idx = torchdata.cifar_split(800, 500)[1]
    expected = torch.from_numpy(FakeCIFAR10(800).data[val_idx]).permute(0, 3, 1, 2)
    torch.testing.assert_close(x * std + mean, expected.float() / 255)
    assert "on cpu" in info["name"]


def test_quick_test_loader_uses_the_left_over_digits():
    _train, val, _ = torchdata.course_loaders(quick=True, n_train=3000, n_val=1000)
    test, name = torchdata.course_test_loader(quick=True, n_train=3000, n_val=1000)
    assert len(test.dataset) == 1000 and "not used" in name
    seen = {x.numpy().tobytes() for x in val.dataset.tensors[0]}
    assert not seen & {x.numpy().tobytes() for x in test.dataset.tensors[0]}
    same, name = torchdata.course_test_loader(quick=True)  # the defaults use all 5,000 digits
    assert "validation digits again" in name and len(same.dataset) == 1000


def test_quick_test_digits_are_the_same_for_every_seed_and_never_trained_on():
    """A student who changes the seed must not train on the grader's test digits (notebook 12)."""
    split = {"n_train": 3500, "n_val": 500}
    _X, y, order, _, _ = torchdata._mnist_split(seed=0, **split)
    test_digits = set(order[4000:].tolist())
    # Seed 0 is the course's split as it was: the reference checkpoints and quick-mode numbers hold.
    assert order.tolist() == np.random.default_rng(0).permutation(len(y)).tolist()
    for seed in (1, 2, 42):
        _X, _y, order, train_idx, val_idx = torchdata._mnist_split(seed=seed, **split)
        assert set(order[4000:].tolist()) == test_digits, f"seed {seed} moved the test digits"
        assert not test_digits & (set(train_idx.tolist()) | set(val_idx.tolist()))
        assert len(set(train_idx.tolist()) | set(val_idx.tolist())) == 4000
    train_1 = torchdata._mnist_split(seed=1, **split)[3]
    assert set(train_1.tolist()) != set(torchdata._mnist_split(seed=0, **split)[3].tolist())


def reference_crop_flip(x, shifts, flips, padding=4):
    """Per image, with slicing: pad, cut the (H, W) window at the shift, mirror if asked."""
    h, w = x.shape[-2:]
    out = []
    for image, (dy, dx), flip in zip(x, shifts.tolist(), flips.tolist()):
        crop = F.pad(image, (padding,) * 4)[:, dy:dy + h, dx:dx + w]
        out.append(crop.flip(-1) if flip else crop)
    return torch.stack(out)


def test_crop_flip_matches_per_image_slicing():
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (40, 3, 32, 32), generator=gen, dtype=torch.uint8)
    shifts = torch.randint(0, 9, (40, 2), generator=gen)
    flips = torch.randint(0, 2, (40,), generator=gen).bool()
    assert torch.equal(torchdata.crop_flip(x, shifts, flips), reference_crop_flip(x, shifts, flips))
    centre = torch.full((40, 2), 4)
    assert torch.equal(torchdata.crop_flip(x, centre, torch.zeros(40, dtype=torch.bool)), x)


def identity_data(n=200):
    """uint8 images with labels 0..n-1, so every served image says which one it is."""
    gen = torch.Generator().manual_seed(0)
    return torch.randint(0, 256, (n, 3, 32, 32), generator=gen, dtype=torch.uint8), torch.arange(n)


def epoch(loader):
    xs, ys = zip(*loader)
    return torch.cat(xs), torch.cat(ys)


def test_device_loader_shapes_and_batches():
    images, labels = identity_data(200)
    loader = torchdata.DeviceLoader(images, labels, 64, device="cpu")
    sizes = [len(y) for _, y in loader]
    assert len(loader) == 4 and sizes == [64, 64, 64, 8]
    x, y = next(iter(loader))
    assert x.shape == (64, 3, 32, 32) and x.dtype == torch.float32 and y.dtype == torch.int64
    assert len(torchdata.DeviceLoader(images, labels, 64, drop_last=True)) == 3
    with pytest.raises(ValueError, match="labels"):
        torchdata.DeviceLoader(images, labels[:10], 64)


def test_device_loader_serves_every_image_once_per_epoch_with_its_own_content():
    images, labels = identity_data(200)
    plain = torchdata.DeviceLoader(images, labels, 64, shuffle=True, seed=3)
    x, y = epoch(plain)
    assert torch.equal(torch.sort(y).values, labels), "each image exactly once"
    assert not torch.equal(y, labels), "shuffled"
    assert torch.equal(x, images[y].float() / 255), "each label comes with its own image"


def test_device_loader_augments_with_real_crops_and_flips_that_change_each_epoch():
    images, labels = identity_data(200)
    plan_source = torchdata.DeviceLoader(images, labels, 64, augment=True, seed=5)
    loader = torchdata.DeviceLoader(images, labels, 64, augment=True, seed=5)
    for _ in range(2):  # two epochs: each equals the independent crop of its drawn plan
        order, shifts, flips = plan_source.epoch_plan()
        x, y = epoch(loader)
        assert torch.equal(y, order) and torch.equal(torch.sort(y).values, labels)
        expected = reference_crop_flip(images[order], shifts, flips).float() / 255
        assert torch.equal(x, expected), "crop and flip keep the image's content, only moved"
        assert len({tuple(s) for s in shifts.tolist()}) > 60 and 0.3 < flips.float().mean() < 0.7
    first, second = epoch(loader), epoch(loader)
    by_image = [t[0][torch.argsort(t[1])] for t in (first, second)]
    changed = (by_image[0] != by_image[1]).flatten(1).any(dim=1).float().mean()
    assert changed > 0.9, f"only {changed:.0%} of the images were augmented differently in the next epoch"


def test_device_loader_is_deterministic_with_a_seed_and_normalizes():
    images, labels = identity_data(100)
    kwargs = dict(augment=True, mean=(0.5, 0.4, 0.3), std=(0.2, 0.25, 0.3))
    a, b = (torchdata.DeviceLoader(images, labels, 32, seed=7, **kwargs) for _ in range(2))
    c = torchdata.DeviceLoader(images, labels, 32, seed=8, **kwargs)
    for _ in range(2):
        (xa, ya), (xb, yb), (_, yc) = epoch(a), epoch(b), epoch(c)
        assert torch.equal(xa, xb) and torch.equal(ya, yb)
        assert not torch.equal(ya, yc)
    raw = torchdata.DeviceLoader(images, labels, 32, seed=7, augment=True)
    xr, _ = epoch(raw)
    xa, _ = epoch(torchdata.DeviceLoader(images, labels, 32, seed=7, **kwargs))
    mean, std = torch.tensor(kwargs["mean"]).view(1, 3, 1, 1), torch.tensor(kwargs["std"]).view(1, 3, 1, 1)
    torch.testing.assert_close(xa * std + mean, xr)


def test_fit_trains_from_a_device_loader():
    from cs_utils import training

    gen = torch.Generator().manual_seed(0)
    x = torch.randn(256, 3, 8, 8, generator=gen)
    y = (x[:, 0].mean(dim=(1, 2)) > 0).long()
    loader = torchdata.DeviceLoader(x, y, 32, device="cpu", seed=0)
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(4, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    history = training.fit(model, loader, loader, epochs=5, optimizer=optimizer, device="cpu", progress=False)
    assert history["train_loss"][-1] < 0.7 * history["train_loss"][0] and history["val_acc"][-1] > 0.8
