"""cs_utils.training, timing and torchdata on the CPU, with tiny models and data."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn

from cs_utils import timing, torchdata, training


def tiny_problem(n=256, seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, 8, 8, generator=gen)
    y = (x[:, 0].mean(dim=(1, 2)) > 0).long()  # learnable from the input: sign of channel 0's mean
    data = torch.utils.data.TensorDataset(x, y)
    return torch.utils.data.DataLoader(data, batch_size=32, shuffle=True, generator=gen)


def tiny_model():
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(4, 2))


def test_fit_learns_and_records_history():
    torch.manual_seed(0)
    model = tiny_model()
    loader = tiny_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    history = training.fit(model, loader, loader, epochs=8, optimizer=optimizer, device="cpu", progress=False)
    assert history["device"] == "cpu" and history["precision"] == "fp32" and not history["stopped_early"]
    assert len(history["train_loss"]) == len(history["val_acc"]) == len(history["seconds"]) == 8
    assert history["train_loss"][-1] < 0.6 * history["train_loss"][0]
    assert history["val_acc"][-1] > 0.85
    loss, acc = training.evaluate(model, loader, "cpu")
    assert acc == pytest.approx(history["val_acc"][-1]) and loss > 0


def test_evaluate_restores_training_mode():
    model = tiny_model().train()
    training.evaluate(model, tiny_problem(64), "cpu")
    assert model.training


def test_time_budget_stops_training():
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = training.fit(model, tiny_problem(), epochs=1000, optimizer=optimizer, device="cpu",
                           progress=False, time_budget_s=0.0)
    assert history["stopped_early"] and len(history["train_loss"]) == 1


def test_amp_policy(monkeypatch):
    assert training.amp_policy("cpu") == (None, False)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert training.amp_policy("cuda") == (torch.bfloat16, False)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert training.amp_policy("cuda") == (torch.float16, True)


def test_channels_last_runs_on_cpu():
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = training.fit(model, tiny_problem(64), epochs=1, optimizer=optimizer, device="cpu",
                           progress=False, channels_last=True)
    assert np.isfinite(history["train_loss"][0])


def test_checkpoint_round_trip(tmp_path):
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    training.fit(model, tiny_problem(64), epochs=1, optimizer=optimizer, device="cpu", progress=False)
    path = training.save_checkpoint(tmp_path / "ckpt" / "m.pt", model, optimizer, epoch=1)
    restored, restored_opt = tiny_model(), torch.optim.SGD(tiny_model().parameters(), lr=0.1, momentum=0.9)
    extra = training.load_checkpoint(path, restored, restored_opt)
    assert extra == {"epoch": 1}
    for a, b in zip(model.state_dict().values(), restored.state_dict().values()):
        assert torch.equal(a, b)
    assert restored_opt.state_dict()["state"], "optimizer momentum buffers were not restored"


def test_benchmark_warms_up_and_repeats():
    calls = []
    result = timing.benchmark(lambda: calls.append(1), warmup=2, repeats=5, device="cpu")
    assert len(calls) == 7 and len(result["times_s"]) == 5
    assert result["min_s"] <= result["median_s"]


def test_course_loaders_quick_is_offline_mnist():
    train, val, info = torchdata.course_loaders(batch_size=64, quick=True, n_train=500, n_val=200)
    x, y = next(iter(train))
    assert x.shape == (64, 3, 32, 32) and x.dtype == torch.float32 and y.dtype == torch.int64
    assert "MNIST" in info["name"] and info["quick"] and info["num_classes"] == 10
    assert len(train.dataset) == 500 and len(val.dataset) == 200
    mean = train.dataset.tensors[0].mean().item()
    assert abs(mean) < 1e-3, "training split should be normalized with its own statistics"


def test_course_loaders_full_mode_explains_missing_cifar(tmp_path):
    with pytest.raises(FileNotFoundError, match="CS_QUICK=1"):
        torchdata.course_loaders(quick=False, root=str(tmp_path), download=False)


def test_synthetic_cifar_shapes():
    x, y = torchdata.synthetic_cifar(8)
    assert x.shape == (8, 3, 32, 32) and y.shape == (8,) and int(y.max()) < 10
