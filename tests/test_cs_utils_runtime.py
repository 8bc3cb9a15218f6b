"""cs_utils.runtime.training_device: full mode never trains on a CPU by accident (issue 13)."""

from __future__ import annotations

import pytest
import torch

from cs_utils import runtime, torchdata


@pytest.fixture
def no_gpu(monkeypatch):
    """A machine without CUDA or MPS, in full mode, with no CS_ALLOW_CPU."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.setenv("CS_QUICK", "0")
    monkeypatch.delenv("CS_ALLOW_CPU", raising=False)
    monkeypatch.setattr(runtime, "_nvidia_driver_present", lambda: False)


def test_full_mode_without_a_gpu_stops_with_the_ways_on(no_gpu):
    with pytest.raises(runtime.NoAcceleratorError) as err:
        runtime.training_device()
    text = str(err.value)
    for needle in ("Colab", "Runtime > Change runtime type", "Kaggle", "CS_QUICK=1", "CS_ALLOW_CPU=1",
                   "hours"):
        assert needle in text, needle


def test_quick_mode_and_the_switch_allow_the_cpu(no_gpu, monkeypatch):
    assert runtime.training_device(quick=True).type == "cpu"
    monkeypatch.setenv("CS_QUICK", "1")
    assert runtime.training_device().type == "cpu"
    monkeypatch.setenv("CS_QUICK", "0")
    monkeypatch.setenv("CS_ALLOW_CPU", "1")
    assert runtime.training_device().type == "cpu"


def test_a_gpu_or_mps_passes(no_gpu, monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert runtime.training_device().type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (9, 0))
    assert runtime.training_device().type == "cuda"


def test_cuda_that_cannot_start_names_the_driver(no_gpu, monkeypatch):
    """A CUDA build on a machine with an NVIDIA driver too old for it: is_available() is False."""
    monkeypatch.setattr(torch.version, "cuda", "13.0")
    monkeypatch.setattr(runtime, "_nvidia_driver_present", lambda: True)
    with pytest.raises(runtime.NoAcceleratorError, match="CUDA 13.0, which needs a newer driver"):
        runtime.training_device()


def test_cpu_only_torch_is_named(no_gpu, monkeypatch):
    monkeypatch.setattr(torch.version, "cuda", None)
    with pytest.raises(runtime.NoAcceleratorError, match="CPU-only build"):
        runtime.training_device()


def test_full_mode_loaders_check_before_touching_data(no_gpu, tmp_path):
    """course_loaders in full mode stops at the device check, before looking for CIFAR-10."""
    with pytest.raises(runtime.NoAcceleratorError):
        torchdata.course_loaders(root=str(tmp_path / "nothing-here"), download=False)


def test_quick_mode_loaders_do_not_check(no_gpu):
    train, _val, info = torchdata.course_loaders(quick=True, n_train=64, n_val=32)
    assert info["quick"] and len(train.dataset) == 64


ARCHS = ["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120"]  # torch 2.14's CUDA 13 build


@pytest.mark.parametrize("capability, usable", [((6, 0), False), ((7, 0), False), ((7, 5), True),
                                                ((8, 9), True), ((9, 0), True), ((12, 1), True)])
def test_a_gpu_too_old_for_the_build_counts_as_none(no_gpu, monkeypatch, capability, usable):
    """Kaggle's P100 (6.0) or a V100 (7.0) has no kernels in a CUDA 13 build, yet is_available() is True."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    monkeypatch.setattr(torch.cuda, "get_arch_list", lambda: ARCHS)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Tesla P100-PCIE-16GB")
    if usable:
        assert runtime.unsupported_gpu(torch.device("cuda")) is None
        assert runtime.training_device().type == "cuda"
        return
    with pytest.raises(runtime.NoAcceleratorError, match=r"compute capability \d\.\d\) is too old"):
        runtime.training_device()
    assert runtime.training_device(quick=True).type == "cpu", "quick mode runs on the CPU instead"


def test_ptx_runs_on_newer_gpus(monkeypatch):
    monkeypatch.setattr(torch.cuda, "get_arch_list", lambda: ["sm_80", "compute_80"])
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (9, 0))
    assert runtime.unsupported_gpu(torch.device("cuda")) is None
    assert runtime.unsupported_gpu(torch.device("cpu")) is None
