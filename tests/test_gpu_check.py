"""benchmarks/gpu_check.py: its CPU smoke mode runs end to end and writes a complete report.

The real check needs a CUDA GPU (see benchmarks/RESULTS.md, section "GPU check"); here we only make
sure the script runs, reports every part, and builds the models it claims to build.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys

import pytest

from tools.course import ROOT

SCRIPT = ROOT / "benchmarks" / "gpu_check.py"


def load_script():
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("gpu_check") / "report.json"
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, str(SCRIPT), "--smoke", "--device", "cpu", "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"gpu_check.py --smoke failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(out.read_text()), out.with_suffix(".md").read_text()


def test_smoke_run_reports_the_three_variants(smoke_report):
    report, _ = smoke_report
    assert report["smoke"] is True
    assert report["device"]["type"] == "cpu" and report["device"]["torch"]
    assert report["matmul_peak"]["tflops"] > 0
    step = report["resnet18_step"]
    assert step["flops_per_step"] > 0
    variants = {r["variant"]: r for r in step["variants"]}
    assert set(variants) == {"a", "b", "c", "a'"}
    for key in ("a", "b", "a'"):
        row = variants[key]
        assert "error" not in row, row
        assert row["images_per_s"] > 0 and row["finite"], row
        assert math.isclose(row["tflops"], step["flops_per_step"] / (row["ms_per_step"] / 1e3) / 1e12,
                            rel_tol=1e-6)
    assert variants["a"]["ratio_to_a"] == pytest.approx(1.0)
    assert "skipped" in variants["c"], "torch.compile is skipped in a CPU smoke run"
    assert step["goal"]["target_ratio_c_to_a"] == 3.0 and step["goal"]["met"] is False


def test_smoke_run_trains_every_family(smoke_report):
    report, _ = smoke_report
    families = {r["family"]: r for r in report["families"]}
    assert set(families) == {"LeNet-5", "AlexNet-style", "VGG-16 (BN)", "mini-GoogLeNet", "ResNet-18"}
    for name, row in families.items():
        assert "error" not in row, f"{name}: {row}"
        assert row["finite"] and math.isfinite(row["first_loss"]) and math.isfinite(row["last_loss"]), row
        assert 0 <= row["val_accuracy"] <= 1 and row["params"] > 0


def test_smoke_run_times_an_epoch_from_the_device_loader(smoke_report):
    report, text = smoke_report
    epoch = report["epoch"]
    assert "error" not in epoch and "skipped" not in epoch, epoch
    assert epoch["loader"].startswith("cs_utils.torchdata.DeviceLoader") and epoch["images"] == 40
    assert epoch["seconds"] > 0 and epoch["finite"]
    assert epoch["images_per_s"] == pytest.approx(40 / epoch["seconds"])
    assert epoch["goal"] == {"max_seconds": 2.0, "met": None}, "40 images on a CPU: the goal is not judged"
    assert "One epoch of ResNet-18" in text and "not judged here" in text


def test_the_epoch_part_is_skipped_without_cs_utils(monkeypatch):
    gpu_check = load_script()
    monkeypatch.setitem(sys.modules, "cs_utils.torchdata", None)  # any import of it raises ImportError
    import torch

    row = gpu_check.device_loader_epoch({"images": 8, "batch": 4, "width": 0.0625, "compile": False},
                                        torch.device("cpu"), deadline=float("inf"))
    assert "cs_utils is not importable" in row["skipped"] and row["goal"]["met"] is None


def test_markdown_summary(smoke_report):
    report, text = smoke_report
    assert text.startswith("### GPU check")
    assert "| variant | images/s |" in text and "| family | params |" in text
    assert "Smoke run" in text and "Goal (c)" in text
    assert text.count("\n| (") == 4 and report["device"]["name"] in text


def test_full_size_models_have_the_known_parameter_counts():
    import torch

    gpu_check = load_script()
    expected = {"LeNet-5": 62_006, "VGG-16 (BN)": 14_728_266, "ResNet-18": 11_173_962}
    with torch.device("meta"):
        for name, count in expected.items():
            model = gpu_check.FAMILIES[name]()
            assert sum(p.numel() for p in model.parameters()) == count, name
        for build in gpu_check.FAMILIES.values():
            assert build()(torch.empty(2, 3, 32, 32)).shape == (2, 10)


def test_full_mode_insists_on_a_large_batch(tmp_path):
    gpu_check = load_script()
    with pytest.raises(SystemExit):
        gpu_check.main(["--out", str(tmp_path / "x.json"), "--device", "cpu", "--batch", "64"])
    assert not (tmp_path / "x.json").exists()


def test_without_out_the_summary_is_printed(monkeypatch, capsys):
    """`make bench` runs `gpu_check.py --smoke` without --out: print the Markdown, write nothing."""
    import torch

    gpu_check = load_script()
    monkeypatch.setattr(gpu_check, "resnet_variants", lambda *a: {
        "model": "m", "width": 1, "batch": 1, "flops_per_step": 1, "optimizer": "o", "cudnn_benchmark": True,
        "compile_mode": "default",
        "variants": [{"variant": "c", "label": "l", "error": "RuntimeError: boom"}],
        "goal": {"target_ratio_c_to_a": 3.0, "achieved": None, "met": False}})
    monkeypatch.setattr(gpu_check, "train_families",
                        lambda *a: [{"family": "LeNet-5", "skipped": "time limit reached"}])
    threads = torch.get_num_threads()
    report = gpu_check.main(["--smoke", "--device", "cpu"])
    text = capsys.readouterr().out
    assert "### GPU check" in text and "failed: RuntimeError: boom" in text and "skipped: time limit" in text
    assert report["families"][0]["skipped"]
    assert torch.get_num_threads() == threads, "main() must restore torch's thread count"


def test_smoke_models_avoid_the_onednn_avx2_crash():
    """Every 1x1 convolution of the smoke-width models has a multiple of 8 input channels.

    oneDNN 3.12's jit_1x1:avx2 backward-weights kernel segfaults on AVX2-only CPUs for a channels_last
    1x1 strided convolution with, e.g., 4 input channels; the smoke run used to build exactly that.
    """
    import torch

    gpu_check = load_script()
    width = gpu_check.config(smoke=True, batch=None)["families"]["width"]
    with torch.device("meta"):
        for name, build in gpu_check.FAMILIES.items():
            odd = [m for m in build(width=width).modules()
                   if isinstance(m, torch.nn.Conv2d) and m.kernel_size == (1, 1) and m.in_channels % 8]
            assert not odd, f"{name} at width {width} has 1x1 convolutions with odd channel counts: {odd[:3]}"


@pytest.mark.parametrize("capability", [(6, 1), (7, 0), (7, 5), (8, 0), (8, 9), (9, 0), (10, 0)])
def test_precision_rule_is_the_courses(monkeypatch, capability):
    """gpu_check carries a copy of cs_utils.training.amp_policy (it runs without cs_utils): they agree."""
    import torch

    from cs_utils import training

    gpu_check = load_script()
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)  # emulation: must not matter
    cuda = torch.device("cuda")
    assert gpu_check.amp_policy(cuda) == training.amp_policy(cuda)
    assert gpu_check.amp_policy(cuda)[0] == (torch.bfloat16 if capability[0] >= 8 else torch.float16)
    assert gpu_check.half_dtype(cuda) == gpu_check.amp_policy(cuda)[0]
    for other in ("cpu", "mps"):
        assert gpu_check.amp_policy(torch.device(other)) == training.amp_policy(other) == (None, False)


def test_fp16_with_grad_scaler_path_trains_on_cpu():
    """The branch a T4 or V100 takes (fp16 autocast + GradScaler) runs for real, on CPU autocast."""
    import torch

    gpu_check = load_script()
    cfg = dict(gpu_check.config(smoke=True, batch=None)["families"], steps=6)
    device = torch.device("cpu")
    gen = torch.Generator().manual_seed(0)
    templates = torch.randn(10, 3, 32, 32, generator=gen)
    x_val, y_val = gpu_check.synthetic_batch(templates, 16, gen, 1.0)
    row = gpu_check.train_one("LeNet-5", gpu_check.lenet5, cfg, device, templates, gen, x_val, y_val,
                              torch.float16, True)
    assert row["precision"] == "fp16 autocast + GradScaler" and row["finite"], row
    scaler = torch.amp.GradScaler("cpu")
    model = gpu_check.lenet5()
    x, y = gpu_check.synthetic_batch(templates, 8, gen, 1.0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    step = gpu_check.make_step(model, x, y, optimizer, torch.float16, scaler)
    assert torch.isfinite(step()) and scaler.get_scale() > 1
