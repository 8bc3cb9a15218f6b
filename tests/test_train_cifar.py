"""scripts/train_cifar.py: the ResNet-18 recipe under torchrun with DistributedDataParallel, on CPUs.

The slow tests start real processes (gloo backend, synthetic data, a narrow network); the fast ones
check the pieces that decide whether two processes agree.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time

import pytest
import torch

from tools.course import ROOT

SCRIPT = ROOT / "scripts" / "train_cifar.py"


def load_script():
    spec = importlib.util.spec_from_file_location("train_cifar", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_env():
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS="1")
    env.pop("RANK", None)
    env.pop("WORLD_SIZE", None)
    return env


def test_checksum_tells_equal_weights_from_different_ones():
    train_cifar = load_script()
    torch.manual_seed(0)
    a = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4))
    b = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4))
    b.load_state_dict(a.state_dict())
    assert train_cifar.checksum(a) == train_cifar.checksum(b)
    with torch.no_grad():  # the same numbers in other places: a plain sum would not notice
        b[0].weight.copy_(a[0].weight.flip(0))
    assert train_cifar.checksum(a) != train_cifar.checksum(b)


def test_the_recipe_is_notebook_11s():
    args = load_script().parse_args([])
    assert (args.lr, args.weight_decay, args.smoke) == (0.1, 1e-4, False)
    assert load_script().GLOBAL_BATCH == 128


@pytest.mark.slow
def test_two_processes_under_torchrun_stay_in_step(tmp_path):
    out = tmp_path / "smoke.json"
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", str(SCRIPT),
         "--smoke", "--out", str(out)],
        cwd=ROOT, env=cpu_env(), capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, f"torchrun failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    report = json.loads(out.read_text())
    assert report["world_size"] == 2 and report["backend"] == "gloo" and report["device"] == "cpu"
    assert report["batch_per_process"] * 2 == report["global_batch"]
    assert report["final_loss"] < 0.8 * report["initial_loss"], report["history"]
    checksums = report["param_checksums"]
    assert len(checksums) == 2 and checksums[0] == checksums[1], f"the processes' weights differ: {checksums}"
    print(f"torchrun, 2 CPU processes: {seconds:.1f} s")


@pytest.mark.slow
def test_one_process_without_torchrun(tmp_path):
    out = tmp_path / "single.json"
    result = subprocess.run([sys.executable, str(SCRIPT), "--smoke", "--epochs", "2", "--out", str(out)],
                            cwd=ROOT, env=cpu_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["world_size"] == 1 and len(report["param_checksums"]) == 1
    assert report["final_loss"] < report["initial_loss"]
