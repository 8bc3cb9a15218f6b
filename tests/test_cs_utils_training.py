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
    # the budget is checked after a batch: a spent budget still trains one, and reports its real loss
    assert np.isfinite(history["train_loss"][0]) and history["train_loss"][0] > 0


def test_fit_and_evaluate_take_a_loss_module():
    """Notebook 08 teaches nn.CrossEntropyLoss(): a module takes no reduction= argument."""
    torch.manual_seed(0)
    model, loader = tiny_model(), tiny_problem(64)
    val = torch.utils.data.DataLoader(loader.dataset, batch_size=24)  # a smaller last batch: 24, 24, 16
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = training.fit(model, loader, val, epochs=1, optimizer=optimizer, loss_fn=nn.CrossEntropyLoss(),
                           device="cpu", progress=False)
    x, y = loader.dataset.tensors
    with torch.no_grad():
        expected = torch.nn.functional.cross_entropy(model(x), y).item()
    assert history["val_loss"][0] == pytest.approx(expected, rel=1e-5)
    assert training.evaluate(model, val, "cpu", nn.CrossEntropyLoss())[0] == pytest.approx(expected, rel=1e-5)
    assert training.evaluate(model, val, "cpu")[0] == pytest.approx(expected, rel=1e-5)


def test_evaluate_refuses_an_empty_loader():
    empty = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(0, 3, 8, 8),
                                                                       torch.zeros(0, dtype=torch.long)))
    with pytest.raises(ValueError, match="no samples"):
        training.evaluate(tiny_model(), empty, "cpu")


def test_fit_refuses_a_training_loader_without_batches():
    model = tiny_model()
    # drop_last with fewer samples than a batch: every epoch would train nothing
    loader = torch.utils.data.DataLoader(tiny_problem(16).dataset, batch_size=32, drop_last=True)
    with pytest.raises(ValueError, match="no batches in epoch 1"):
        training.fit(model, loader, epochs=2, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                     device="cpu", progress=False)


def test_amp_policy_cpu_and_mps_stay_fp32():
    assert training.amp_policy("cpu") == (None, False)
    assert training.amp_policy(torch.device("mps")) == (None, False)


@pytest.mark.parametrize("capability, expected", [
    ((6, 1), (torch.float16, True)),   # P100: no bf16 tensor cores
    ((7, 0), (torch.float16, True)),   # V100
    ((7, 5), (torch.float16, True)),   # T4 (Colab, Kaggle)
    ((8, 0), (torch.bfloat16, False)),  # A100
    ((8, 6), (torch.bfloat16, False)),  # RTX 30xx
    ((9, 0), (torch.bfloat16, False)),  # H100, H200
    ((12, 0), (torch.bfloat16, False)),
])
def test_amp_policy_follows_the_compute_capability(monkeypatch, capability, expected):
    """bf16 only where the GPU has it natively; torch 2.14's is_bf16_supported() also counts emulation."""
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)  # emulation says yes: ignored
    assert training.amp_policy("cuda") == expected
    assert training.amp_policy(torch.device("cuda", 0)) == expected
    assert training.bf16_native("cuda") is (capability[0] >= 8)


def test_precision_override_and_names():
    assert training.precision_policy("cpu") == (None, False)
    assert training.precision_policy("cpu", precision="bf16") == (torch.bfloat16, False)
    assert training.precision_policy("cpu", precision="fp16") == (torch.float16, True)
    assert training.precision_policy("cpu", amp=False, precision="fp32") == (None, False)
    with pytest.raises(ValueError, match="precision must be one of"):
        training.precision_policy("cpu", precision="float8")
    names = [training.precision_name(d) for d in (None, torch.bfloat16, torch.float16)]
    assert names == ["fp32", "bf16", "fp16"]


@pytest.mark.parametrize("precision, dtype, scaled", [("bf16", torch.bfloat16, False),
                                                      ("fp16", torch.float16, True)])
def test_fit_runs_the_mixed_precision_paths_for_real_on_cpu(monkeypatch, precision, dtype, scaled):
    """The GPU's two code paths, bf16 autocast and fp16 autocast + GradScaler, run on the CPU and learn."""
    updates = []
    original_update = torch.amp.GradScaler.update

    def spy_update(self, *args, **kwargs):
        updates.append((self.is_enabled(), self.get_scale() if self.is_enabled() else None))
        return original_update(self, *args, **kwargs)

    monkeypatch.setattr(torch.amp.GradScaler, "update", spy_update)
    torch.manual_seed(0)
    model = tiny_model()
    seen = set()
    model[-1].register_forward_hook(lambda module, args, out: seen.add(out.dtype))
    loader = tiny_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    history = training.fit(model, loader, loader, epochs=6, optimizer=optimizer, device="cpu", progress=False,
                           precision=precision)
    assert history["precision"] == precision and history["device"] == "cpu"
    assert seen == {dtype}, f"the model ran in {seen}, not {dtype} autocast"
    assert len(updates) == 6 * len(loader) and {enabled for enabled, _ in updates} == {scaled}
    if scaled:
        assert all(scale > 1 for _, scale in updates), "fp16 losses are scaled up before backward"
    assert all(np.isfinite(history["train_loss"])) and all(np.isfinite(history["val_loss"]))
    assert history["train_loss"][-1] < 0.7 * history["train_loss"][0]
    assert history["val_acc"][-1] > 0.8


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


def test_checkpoint_extras_from_numpy_and_torch_load_back_as_plain_values(tmp_path):
    """load_checkpoint reads with weights_only=True, which refuses NumPy scalars such as np.mean's."""
    model = tiny_model()
    path = training.save_checkpoint(tmp_path / "m.pt", model, epoch=np.int64(3), val_acc=np.mean([0.5, 0.7]),
                                    curve=np.array([0.25, 0.5]), best=torch.tensor(0.75),
                                    nested={"lr": np.float32(0.5), "steps": [np.int32(1), 2]})
    extra = training.load_checkpoint(path, tiny_model())
    assert extra == {"epoch": 3, "val_acc": pytest.approx(0.6), "curve": [0.25, 0.5], "best": 0.75,
                     "nested": {"lr": 0.5, "steps": [1, 2]}}
    assert type(extra["epoch"]) is int and type(extra["val_acc"]) is float and type(extra["best"]) is float


def test_save_checkpoint_refuses_what_load_checkpoint_cannot_read(tmp_path):
    with pytest.raises(TypeError, match="cannot save folder, a PosixPath|cannot save folder, a WindowsPath"):
        training.save_checkpoint(tmp_path / "m.pt", tiny_model(), folder=tmp_path)
    assert not (tmp_path / "m.pt").exists(), "refused before anything is written"


def test_benchmark_warms_up_and_repeats():
    calls = []
    result = timing.benchmark(lambda: calls.append(1), warmup=2, repeats=5, device="cpu")
    assert len(calls) == 7 and len(result["times_s"]) == 5
    assert result["min_s"] <= result["median_s"]


@pytest.mark.parametrize("device", ["cuda", "cuda:0", torch.device("cuda", 1)])
def test_benchmark_synchronizes_every_cuda_device(monkeypatch, device):
    waits = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: waits.append(device))
    timing.benchmark(lambda: None, warmup=2, repeats=3, device=device)
    assert waits == [torch.device(device)] * 4, "one wait after the warm-up, one after each repeat"


@pytest.mark.parametrize("device", ["mps", "mps:0"])
def test_benchmark_synchronizes_mps(monkeypatch, device):
    waits = []
    monkeypatch.setattr(torch.mps, "synchronize", lambda: waits.append(1))
    timing.benchmark(lambda: None, warmup=1, repeats=2, device=device)
    assert len(waits) == 3


def test_course_loaders_quick_is_offline_mnist():
    train, val, info = torchdata.course_loaders(batch_size=64, quick=True, n_train=500, n_val=200)
    x, y = next(iter(train))
    assert x.shape == (64, 3, 32, 32) and x.dtype == torch.float32 and y.dtype == torch.int64
    assert "MNIST" in info["name"] and info["quick"] and info["num_classes"] == 10
    assert len(train.dataset) == 500 and len(val.dataset) == 200
    mean = train.dataset.tensors[0].mean().item()
    assert abs(mean) < 1e-3, "training split should be normalized with its own statistics"


@pytest.mark.parametrize("n_train, n_val", [(4500, 1000), (5000, 1), (100, 0)])
def test_course_loaders_refuse_a_split_the_subset_cannot_give(n_train, n_val):
    """Slicing past 5,000 digits used to shrink the validation split while info["name"] said otherwise."""
    with pytest.raises(ValueError, match="5000 digits"):
        torchdata.course_loaders(quick=True, n_train=n_train, n_val=n_val)
    with pytest.raises(ValueError, match="5000 digits"):
        torchdata.course_test_loader(quick=True, n_train=n_train, n_val=n_val)
    train, val, _ = torchdata.course_loaders(quick=True, n_train=4999, n_val=1)
    assert len(train.dataset) == 4999 and len(val.dataset) == 1


def test_course_loaders_full_mode_explains_missing_cifar(tmp_path, monkeypatch):
    monkeypatch.setenv("CS_ALLOW_CPU", "1")  # past the device check (no GPU here) to the data
    with pytest.raises(FileNotFoundError, match="CS_QUICK=1"):
        torchdata.course_loaders(quick=False, root=str(tmp_path), download=False)


def test_synthetic_cifar_shapes():
    x, y = torchdata.synthetic_cifar(8)
    assert x.shape == (8, 3, 32, 32) and y.shape == (8,) and int(y.max()) < 10


HOST_READS = ("item", "tolist", "cpu", "numpy", "__float__", "__int__", "__bool__", "__index__")


def count_host_reads(monkeypatch):
    """Count every way a tensor's value can reach the host (each one waits for the GPU there)."""
    calls = []
    for name in HOST_READS:
        original = getattr(torch.Tensor, name)

        def spy(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, spy)
    monkeypatch.setattr(torch.cuda, "synchronize", lambda *a, **k: calls.append("synchronize"))
    return calls


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_fit_reads_the_device_once_per_epoch_not_per_step(monkeypatch, precision):
    """fit() and evaluate() sum on the device: O(1) host reads per epoch, however many batches."""
    torch.manual_seed(0)
    model = tiny_model()
    # plain lists of batches: a shuffling DataLoader reads its own CPU tensors (seeds), not fit's doing
    train, val = list(tiny_problem(256)), list(tiny_problem(128))  # 8 training, 4 validation batches
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    calls = count_host_reads(monkeypatch)
    history = training.fit(model, train, val, epochs=3, optimizer=optimizer, device="cpu", progress=False,
                           precision=precision, time_budget_s=1e6)
    monkeypatch.undo()
    assert len(calls) == 3 * 2, f"expected one read for training and one for validation per epoch: {calls}"
    assert calls == ["tolist"] * 6
    for key in ("train_loss", "train_acc", "val_loss", "val_acc", "seconds"):
        assert len(history[key]) == 3 and all(type(v) is float for v in history[key]), key
    assert type(history["stopped_early"]) is bool


def test_cudnn_benchmark_is_switched_on_for_cuda_only(monkeypatch):
    monkeypatch.setattr(torch.backends.cudnn, "benchmark", False)
    model = tiny_model()
    training.fit(model, tiny_problem(64), epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                 device="cpu", progress=False)
    assert torch.backends.cudnn.benchmark is False, "a CPU run leaves cuDNN alone"
    training.tune_backend(torch.device("cuda"))  # what fit() calls first; setting the flag needs no GPU
    assert torch.backends.cudnn.benchmark is True


def test_fit_calls_set_epoch_on_a_distributed_sampler():
    epochs_seen = []

    class Sampler(torch.utils.data.SequentialSampler):
        def set_epoch(self, epoch):
            epochs_seen.append(epoch)

    data = tiny_problem(64).dataset
    loader = torch.utils.data.DataLoader(data, batch_size=32, sampler=Sampler(data))
    model = tiny_model()
    training.fit(model, loader, epochs=3, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), device="cpu",
                 progress=False)
    assert epochs_seen == [0, 1, 2]


def test_save_results_writes_one_entry_per_model_in_the_course_results_folder(monkeypatch, tmp_path):
    import json

    from cs_utils import settings

    monkeypatch.setattr(settings, "course_root", lambda: tmp_path)
    assert training.results_dir() == tmp_path / "results"
    path = training.save_results("11_resnet", model="ResNet-20", accuracy=0.5, mode="quick")
    training.save_results("11_resnet", model="plain-20", accuracy=0.4, mode="quick")
    assert training.save_results("11_resnet", model="ResNet-20", accuracy=0.9, params=272_474) == path
    assert path == tmp_path / "results" / "11_resnet.json"
    assert json.loads(path.read_text()) == [{"model": "plain-20", "accuracy": 0.4, "mode": "quick"},
                                            {"model": "ResNet-20", "accuracy": 0.9, "params": 272_474}]
    path.write_text("not json")  # a damaged file is replaced, not a crash
    training.save_results("11_resnet", model="ResNet-20", accuracy=0.9)
    assert json.loads(path.read_text()) == [{"model": "ResNet-20", "accuracy": 0.9}]
