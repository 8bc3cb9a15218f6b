"""GPU check for the PyTorch half of the course (issue 6): speed-ups and a smoke-train of every model family.

Run it on a machine with one CUDA GPU; it needs only torch and torchvision (no internet, no nbgrader),
so the file can be copied there on its own. Only part 2 uses cs_utils, and is skipped without it:

    python benchmarks/gpu_check.py --out gpu_check.json        # about 2-4 minutes, at most 8
    python benchmarks/gpu_check.py --smoke --out /tmp/gc.json   # a few seconds on CPU (tests use this)

It reports, on synthetic CIFAR-shaped data (3x32x32, 10 classes):

1. one training step (forward, backward, SGD update) of ResNet-18, CIFAR variant (3x3 stem, no max
   pool), at batch 512 by default, in three variants:
   (a) eager fp32 (TF32 switched off, so it really is fp32),
   (b) half-precision autocast + channels_last memory format,
   (c) (b) + torch.compile;
   each with images/s, its ratio to (a), and the achieved TFLOP/s (FLOPs of one step counted by
   torch.utils.flop_counter.FlopCounterMode) against a matrix-multiply peak in the same half
   precision, measured in the same run. Half precision follows the course's rule (``amp_policy``):
   bf16 where the GPU has it natively (compute capability 8.0 or more), else fp16 with a
   GradScaler; a CPU smoke run uses bf16. For reference it also times (a') eager fp32 with TF32
   allowed, PyTorch's default for convolutions. The goal recorded in the issue: (c) at least 3x
   faster than (a).
2. one epoch of variant (c) over 50,000 CIFAR-sized images (random stand-ins for CIFAR-10's training
   set) served by the course's GPU-resident loader, ``cs_utils.torchdata.DeviceLoader``, with its
   random crop and flip on the GPU: the time of the second epoch (the first compiles), against the
   goal of issue 13, at most 2 s on an H100/H200-class GPU. This part needs cs_utils (run from the
   course, as ``gpu_notebooks.sh`` does) and is skipped without it.
3. each architecture family of notebooks 08-11 (LeNet-5, AlexNet-style, VGG-16 with BatchNorm,
   mini-GoogLeNet, ResNet-18), trained for a few hundred steps on learnable synthetic data (a fixed
   random template per class plus noise), with first and last loss and held-out accuracy, to show
   that each trains on the GPU.
4. the device, the library versions and the date.

Timing is done correctly: warm-up steps first (cuDNN autotuning, compilation), then
``torch.cuda.synchronize()`` around each timed round, and the median of several rounds.

The results go to ``--out`` as JSON, and the same summary as Markdown next to it (``.md``); without
``--out`` (as in ``make bench``) the Markdown summary is only printed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

GOAL_RATIO = 3.0  # issue 6: (c) at least 3x faster than (a)
GOAL_EPOCH_S = 2.0  # issue 13: one epoch of 50,000 images with the GPU-resident loader, H100/H200 class


def amp_policy(device: torch.device) -> tuple[torch.dtype | None, bool]:
    """(autocast dtype or None for fp32, whether a GradScaler is needed): the course's precision rule.

    A deliberate copy of ``cs_utils.training.amp_policy`` (this file runs without cs_utils);
    ``tests/test_gpu_check.py`` checks that the two agree. bf16 only where the GPU computes it
    natively, compute capability 8.0 or more (``torch.cuda.is_bf16_supported()`` also counts
    emulation in torch 2.14); older GPUs fp16 with a GradScaler; CPU and MPS fp32.
    """
    if device.type != "cuda":
        return None, False
    if torch.cuda.get_device_capability(device)[0] >= 8:
        return torch.bfloat16, False
    return torch.float16, True


def half_dtype(device: torch.device) -> torch.dtype:
    """The half precision that variants (b) and (c) time: the policy's on CUDA, bf16 on a CPU."""
    dtype, _ = amp_policy(device)
    return dtype or torch.bfloat16


def precision_label(dtype, scaler: bool) -> str:
    if dtype is None:
        return "fp32"
    name = {torch.bfloat16: "bf16", torch.float16: "fp16"}[dtype]
    return f"{name} autocast" + (" + GradScaler" if scaler else "")


# ---------------------------------------------------------------------------------------------
# Models: CIFAR-sized versions of the course's families, built from torchvision's blocks.
# ``width`` scales every channel count (1.0 = the notebooks' full configs; the smoke run uses less).
# ---------------------------------------------------------------------------------------------

def _scaled(channels: int, width: float) -> int:
    """``channels * width`` rounded to a multiple of 8 (at least 8); full width keeps every count.

    Multiples of 8 are not only tensor-core friendly: on AVX2-only CPUs (this project's AMD EPYC
    machines) oneDNN 3.12's ``jit_1x1:avx2`` backward-weights kernel crashes with a segmentation
    fault for a channels_last 1x1 strided convolution whose input channels are not a multiple of its
    8-float block, e.g. the 4 -> 8 shortcut of a ResNet-18 scaled to width 1/16.
    """
    return max(8, 8 * round(channels * width / 8))


def lenet5(num_classes: int = 10, width: float = 1.0) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, num_classes))


def alexnet_cifar(num_classes: int = 10, width: float = 1.0) -> nn.Module:
    c = [_scaled(n, width) for n in (64, 192, 384, 256, 256)]
    hidden = _scaled(1024, width)
    return nn.Sequential(
        nn.Conv2d(3, c[0], 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(c[0], c[1], 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(c[1], c[2], 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(c[2], c[3], 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(c[3], c[4], 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(c[4] * 3 * 3, hidden), nn.ReLU(inplace=True),
        nn.Dropout(0.5), nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, num_classes))


def vgg16_cifar(num_classes: int = 10, width: float = 1.0) -> nn.Module:
    from torchvision.models.vgg import make_layers

    config = [v if v == "M" else _scaled(v, width) for v in
              [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]]
    return nn.Sequential(make_layers(config, batch_norm=True), nn.Flatten(),
                         nn.Linear(config[-2], num_classes))


def mini_googlenet(num_classes: int = 10, width: float = 1.0) -> nn.Module:
    from torchvision.models.googlenet import Inception

    def s(*channels):
        return [_scaled(c, width) for c in channels]

    stem = _scaled(192, width)
    a, b, c = s(64, 96, 128, 16, 32, 32), s(128, 128, 192, 32, 96, 64), s(192, 96, 208, 16, 48, 64)

    def out(k):
        return k[0] + k[2] + k[4] + k[5]

    return nn.Sequential(
        nn.Conv2d(3, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem), nn.ReLU(inplace=True),
        Inception(stem, *a), Inception(out(a), *b), nn.MaxPool2d(3, 2, padding=1),
        Inception(out(b), *c), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(out(c), num_classes))


def resnet18_cifar(num_classes: int = 10, width: float = 1.0) -> nn.Module:
    """ResNet-18 for 32x32 inputs: 3x3 stride-1 stem, no max pool, stages of 64/128/256/512 channels."""
    from torchvision.models.resnet import BasicBlock

    widths = [_scaled(c, width) for c in (64, 128, 256, 512)]
    layers = [nn.Conv2d(3, widths[0], 3, padding=1, bias=False), nn.BatchNorm2d(widths[0]),
              nn.ReLU(inplace=True)]
    channels = widths[0]
    for stage, planes in enumerate(widths):
        for i in range(2):
            stride = 2 if stage > 0 and i == 0 else 1
            shortcut = None
            if stride != 1 or channels != planes:
                shortcut = nn.Sequential(nn.Conv2d(channels, planes, 1, stride=stride, bias=False),
                                         nn.BatchNorm2d(planes))
            layers.append(BasicBlock(channels, planes, stride, shortcut))
            channels = planes
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)]
    return nn.Sequential(*layers)


FAMILIES = {
    "LeNet-5": lenet5,
    "AlexNet-style": alexnet_cifar,
    "VGG-16 (BN)": vgg16_cifar,
    "mini-GoogLeNet": mini_googlenet,
    "ResNet-18": resnet18_cifar,
}


# ---------------------------------------------------------------------------------------------
# Timing helpers
# ---------------------------------------------------------------------------------------------

def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_rounds(fn, device, warmup: int, steps: int, rounds: int) -> dict:
    """Median seconds per call of ``fn`` over ``rounds`` rounds of ``steps`` calls, after ``warmup`` calls."""
    start = time.perf_counter()
    for _ in range(warmup):
        fn()
    synchronize(device)
    warmup_s = time.perf_counter() - start
    per_step = []
    for _ in range(rounds):
        synchronize(device)
        start = time.perf_counter()
        for _ in range(steps):
            fn()
        synchronize(device)
        per_step.append((time.perf_counter() - start) / steps)
    return {"median_s": statistics.median(per_step), "min_s": min(per_step), "warmup_s": warmup_s,
            "rounds_s": per_step}


def matmul_peak(device, dtype, n: int, warmup: int, repeats: int) -> dict:
    """Achieved TFLOP/s of an n x n x n matrix multiply (2 n^3 FLOPs), the best of ``repeats`` timings."""
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    timing = time_rounds(lambda: torch.mm(a, b), device, warmup, steps=10, rounds=repeats)
    return {"dtype": str(dtype).replace("torch.", ""), "n": n, "tflops": 2 * n ** 3 / timing["min_s"] / 1e12,
            "ms": 1e3 * timing["min_s"]}


# ---------------------------------------------------------------------------------------------
# The ResNet-18 training step in three variants
# ---------------------------------------------------------------------------------------------

def autocast(device, dtype):
    """bf16 (or fp16) autocast on ``device``, or nothing at all for fp32 (``dtype=None``)."""
    return contextlib.nullcontext() if dtype is None else torch.autocast(device.type, dtype=dtype)


def train_step(model, x, y, optimizer, autocast_dtype, scaler=None):
    """One forward, backward and update; the loss stays on the device (no host wait)."""
    with autocast(x.device, autocast_dtype):
        loss = F.cross_entropy(model(x).float(), y)
    optimizer.zero_grad(set_to_none=True)
    if scaler is None:
        loss.backward()
        optimizer.step()
    else:  # fp16: scale the loss so small gradients do not underflow
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return loss


def make_step(model, x, y, optimizer, autocast_dtype, scaler=None):
    return lambda: train_step(model, x, y, optimizer, autocast_dtype, scaler)


def count_step_flops(width: float, batch: int, device) -> int:
    """FLOPs of one training step (forward + backward) of ResNet-18, from FlopCounterMode."""
    torch.manual_seed(0)
    model = resnet18_cifar(width=width).to(device)
    x = torch.randn(batch, 3, 32, 32, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    with FlopCounterMode(display=False) as counter:
        F.cross_entropy(model(x), y).backward()
    return counter.get_total_flops()


def set_tf32(allowed: bool) -> None:
    """Allow or forbid TF32 tensor-core math for float32 matmuls and convolutions."""
    torch.backends.cuda.matmul.allow_tf32 = allowed
    torch.backends.cudnn.allow_tf32 = allowed


def resnet_variants(cfg, device, peak_tflops, deadline) -> dict:
    half = half_dtype(device)
    scaler = half == torch.float16
    half_label = precision_label(half, scaler)
    variants = [
        ("a", "eager fp32 (TF32 off)",
         {"dtype": None, "channels_last": False, "compile": False, "tf32": False}),
        ("b", f"{half_label} + channels_last",
         {"dtype": half, "scaler": scaler, "channels_last": True, "compile": False, "tf32": False}),
        ("c", f"{half_label} + channels_last + torch.compile",
         {"dtype": half, "scaler": scaler, "channels_last": True, "compile": True, "tf32": False}),
        ("a'", "eager fp32, TF32 allowed (PyTorch's default for convolutions)",
         {"dtype": None, "channels_last": False, "compile": False, "tf32": True}),
    ]
    flops = count_step_flops(cfg["width"], cfg["batch"], device)
    results = []
    default_tf32 = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    for key, label, v in variants:
        try:
            row = run_variant(key, label, v, cfg, device, flops, peak_tflops, deadline)
        except Exception as error:  # e.g. torch.compile without a working compiler: report, don't crash
            row = {"variant": key, "label": label, "error": f"{type(error).__name__}: {error}"[:500]}
        results.append(row)
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = default_tf32
    base = next((r for r in results if r["variant"] == "a" and "images_per_s" in r), None)
    for r in results:
        if base is not None and "images_per_s" in r:
            r["ratio_to_a"] = r["images_per_s"] / base["images_per_s"]
    c = next((r for r in results if r["variant"] == "c"), {})
    return {"model": "ResNet-18 (CIFAR: 3x3 stem, no max pool)", "width": cfg["width"], "batch": cfg["batch"],
            "image": [3, 32, 32], "optimizer": "SGD momentum 0.9, lr 0.1, weight decay 5e-4",
            "compile_mode": cfg["compile_mode"],
            "flops_per_step": flops, "cudnn_benchmark": torch.backends.cudnn.benchmark, "variants": results,
            "goal": {"target_ratio_c_to_a": GOAL_RATIO, "achieved": c.get("ratio_to_a"),
                     "met": (c.get("ratio_to_a") or 0) >= GOAL_RATIO}}


def run_variant(key, label, v, cfg, device, flops, peak_tflops, deadline) -> dict:
    """Time one variant of the ResNet-18 training step; a row of the report."""
    row = {"variant": key, "label": label}
    if v["compile"] and not cfg["compile"]:
        row["skipped"] = "torch.compile not run in a smoke run (add --compile-in-smoke)"
        return row
    if time.perf_counter() > deadline:
        row["skipped"] = "time limit reached"
        return row
    set_tf32(v["tf32"])
    torch.manual_seed(0)
    model = resnet18_cifar(width=cfg["width"]).to(device)
    x = torch.randn(cfg["batch"], 3, 32, 32, device=device)
    y = torch.randint(0, 10, (cfg["batch"],), device=device)
    if v["channels_last"]:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    step_model = torch.compile(model, mode=cfg["compile_mode"]) if v["compile"] else model
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    scaler = torch.amp.GradScaler(device.type) if v.get("scaler") else None
    step = make_step(step_model, x, y, optimizer, v["dtype"], scaler)
    warmup = cfg["warmup"] + (cfg["compile_warmup"] if v["compile"] else 0)
    timing = time_rounds(step, device, warmup, cfg["steps"], cfg["rounds"])
    loss = float(step().detach().float().cpu())
    seconds = timing["median_s"]
    row.update({
        "ms_per_step": 1e3 * seconds,
        "images_per_s": cfg["batch"] / seconds,
        "tflops": flops / seconds / 1e12,
        "fraction_of_peak": flops / seconds / 1e12 / peak_tflops,
        "warmup_s": timing["warmup_s"],
        "rounds_ms": [1e3 * s for s in timing["rounds_s"]],
        "loss_after": loss,
        "finite": math.isfinite(loss),
    })
    if device.type == "cuda":
        row["peak_memory_gib"] = torch.cuda.max_memory_allocated(device) / 2 ** 30
    return row


# ---------------------------------------------------------------------------------------------
# One epoch from the GPU-resident loader
# ---------------------------------------------------------------------------------------------

def device_loader_epoch(cfg, device, deadline) -> dict:
    """Seconds of one epoch of variant (c) (or (b) without compile) over ``cfg["images"]`` images served by
    cs_utils' DeviceLoader."""
    row = {"images": cfg["images"], "batch": cfg["batch"], "width": cfg["width"],
           "goal": {"max_seconds": GOAL_EPOCH_S, "met": None}}
    try:
        from cs_utils.torchdata import CIFAR10_MEAN, CIFAR10_STD, DeviceLoader
    except ImportError:
        row["skipped"] = "cs_utils is not importable (run from the course folder with PYTHONPATH=.)"
        return row
    if time.perf_counter() > deadline:
        row["skipped"] = "time limit reached"
        return row
    half = half_dtype(device)
    scaler = torch.amp.GradScaler(device.type) if half == torch.float16 else None
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (cfg["images"], 3, 32, 32), dtype=torch.uint8, generator=generator)
    labels = torch.randint(0, 10, (cfg["images"],), generator=generator)
    loader = DeviceLoader(images, labels, cfg["batch"], device=device, augment=True, mean=CIFAR10_MEAN,
                          std=CIFAR10_STD, seed=0)
    torch.manual_seed(0)
    model = resnet18_cifar(width=cfg["width"]).to(device, memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    step_model = torch.compile(model, mode=cfg["compile_mode"]) if cfg["compile"] else model

    def epoch():
        for x, y in loader:
            loss = train_step(step_model, x.contiguous(memory_format=torch.channels_last), y, optimizer, half,
                              scaler)
        synchronize(device)
        return loss

    seconds = []
    for _ in range(2):  # the first epoch compiles (once per batch shape); the second is timed
        synchronize(device)
        start = time.perf_counter()
        loss = float(epoch().detach().float().cpu())
        seconds.append(time.perf_counter() - start)
    row.update({"loader": "cs_utils.torchdata.DeviceLoader (random crop, padding 4, and flip on the device)",
                "precision": precision_label(half, scaler is not None), "compile": cfg["compile"],
                "first_epoch_s": seconds[0], "seconds": seconds[1],
                "images_per_s": cfg["images"] / seconds[1], "loss_after": loss,
                "finite": math.isfinite(loss)})
    # the goal is for CIFAR-10's 50,000 images on a GPU: a smoke run or a CPU run is not judged
    judged = cfg["images"] >= 50_000 and device.type == "cuda"
    row["goal"]["met"] = seconds[1] <= GOAL_EPOCH_S if judged else None
    return row


# ---------------------------------------------------------------------------------------------
# Every family trains on CUDA
# ---------------------------------------------------------------------------------------------

def synthetic_batch(templates, batch, generator, noise: float):
    """Learnable CIFAR-shaped data: the template of a random class plus Gaussian noise, made on the device."""
    device = templates.device
    y = torch.randint(0, templates.shape[0], (batch,), generator=generator, device=device)
    x = templates[y] + noise * torch.randn(batch, *templates.shape[1:], generator=generator, device=device)
    return x, y


def train_families(cfg, device, deadline) -> list:
    gen = torch.Generator(device=device).manual_seed(0)
    templates = torch.randn(10, 3, 32, 32, generator=gen, device=device)
    x_val, y_val = synthetic_batch(templates, cfg["val_batch"], gen, cfg["noise"])
    dtype, needs_scaler = amp_policy(device)
    rows = []
    for name, build in FAMILIES.items():
        if time.perf_counter() > deadline:
            rows.append({"family": name, "skipped": "time limit reached"})
            continue
        try:
            rows.append(train_one(name, build, cfg, device, templates, gen, x_val, y_val, dtype,
                                  needs_scaler))
        except Exception as error:  # report and go on with the next family
            rows.append({"family": name, "error": f"{type(error).__name__}: {error}"[:500]})
    return rows


def train_one(name, build, cfg, device, templates, gen, x_val, y_val, dtype, needs_scaler=False) -> dict:
    """Train one family for cfg["steps"] steps on synthetic data; a row of the report."""
    torch.manual_seed(0)
    model = build(width=cfg["width"]).to(device).to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=5e-4)
    scaler = torch.amp.GradScaler(device.type, enabled=needs_scaler)
    params = sum(p.numel() for p in model.parameters())
    losses = []
    model.train()
    synchronize(device)
    start = time.perf_counter()
    for _ in range(cfg["steps"]):
        x, y = synthetic_batch(templates, cfg["batch"], gen, cfg["noise"])
        x = x.contiguous(memory_format=torch.channels_last)
        with autocast(device, dtype):
            loss = F.cross_entropy(model(x).float(), y)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        losses.append(loss.detach())
    synchronize(device)
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad(), autocast(device, dtype):
        logits = model(x_val.contiguous(memory_format=torch.channels_last))
        accuracy = (logits.argmax(1) == y_val).float().mean()
    losses = torch.stack(losses).float().cpu()
    k = max(1, len(losses) // 10)
    return {
        "family": name, "params": params, "steps": cfg["steps"], "batch": cfg["batch"],
        "precision": precision_label(dtype, needs_scaler), "seconds": seconds,
        "images_per_s": cfg["steps"] * cfg["batch"] / seconds,
        "first_loss": float(losses[:k].mean()), "last_loss": float(losses[-k:].mean()),
        "val_accuracy": float(accuracy), "finite": bool(torch.isfinite(losses).all()),
    }


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def device_info(device) -> dict:
    info = {"type": device.type, "platform": platform.platform(), "python": platform.python_version(),
            "torch": torch.__version__, "cpu_threads": torch.get_num_threads()}
    try:
        import torchvision

        info["torchvision"] = torchvision.__version__
    except ImportError:  # pragma: no cover - torchvision is required for the model blocks anyway
        info["torchvision"] = None
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        info.update(name=torch.cuda.get_device_name(device),
                    capability=list(torch.cuda.get_device_capability(device)),
                    memory_gib=props.total_memory / 2 ** 30, cuda=torch.version.cuda,
                    cudnn=torch.backends.cudnn.version(), bf16_supported=torch.cuda.is_bf16_supported(),
                    bf16_native=torch.cuda.get_device_capability(device)[0] >= 8)
    else:
        info["name"] = platform.processor() or platform.machine()
    return info


def _fmt(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def markdown(report: dict) -> str:
    dev, step = report["device"], report["resnet18_step"]
    lines = [
        f"### GPU check, {report['date_utc'][:10]}: {dev['name']}",
        "",
        f"`python benchmarks/gpu_check.py{' --smoke' if report['smoke'] else ''}` on {dev['name']} "
        f"({dev['type']}), torch {dev['torch']}, torchvision {dev['torchvision']}"
        + (f", CUDA {dev.get('cuda')}, cuDNN {dev.get('cudnn')}" if dev["type"] == "cuda" else "")
        + f"; {report['total_seconds']:.0f} s in all." + (" **Smoke run: tiny sizes, numbers mean nothing.**"
                                                           if report["smoke"] else ""),
        "",
        f"Measured {report['matmul_peak']['dtype']} matmul peak ({report['matmul_peak']['n']}^3): "
        f"**{report['matmul_peak']['tflops']:.1f} TFLOP/s**.",
        "",
        f"{step['model']}, width {step['width']}, batch {step['batch']}, one training step = "
        f"{step['flops_per_step'] / 1e12:.3f} TFLOP (FlopCounterMode, forward + backward); "
        f"{step['optimizer']}; cudnn.benchmark={step['cudnn_benchmark']}; "
        f"torch.compile mode={step['compile_mode']!r}.",
        "",
        f"| variant | images/s | ms/step | × (a) | TFLOP/s | of {report['matmul_peak']['dtype']} peak | "
        "warm-up s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in step["variants"]:
        if "images_per_s" not in r:
            why = f"skipped: {r['skipped']}" if "skipped" in r else f"failed: {r.get('error')}"
            lines.append(f"| ({r['variant']}) {r['label']} | {why} | | | | | |")
            continue
        lines.append(f"| ({r['variant']}) {r['label']} | {r['images_per_s']:,.0f} | {r['ms_per_step']:.2f} | "
                     f"{_fmt(r.get('ratio_to_a'), '.2f')} | {r['tflops']:.2f} | "
                     f"{100 * r['fraction_of_peak']:.1f}% | {r['warmup_s']:.1f} |")
    goal = step["goal"]
    lines += ["", f"Goal (c) ≥ {goal['target_ratio_c_to_a']:.0f}× (a): "
              + ("not measured" if goal["achieved"] is None else
                 f"{goal['achieved']:.2f}× — **{'met' if goal['met'] else 'not met'}**."), ""]
    epoch = report.get("epoch", {})
    if "seconds" in epoch:
        variant = f"{epoch['precision']} + channels_last" + (" + torch.compile" if epoch["compile"] else "")
        verdict = {True: "**met**.", False: "**not met**.", None: "not judged here."}
        lines += [f"One epoch of ResNet-18 ({variant}, width {epoch['width']}, batch {epoch['batch']}) over "
                  f"{epoch['images']:,} CIFAR-sized images from {epoch['loader']}: "
                  f"**{epoch['seconds']:.2f} s** ({epoch['images_per_s']:,.0f} images/s; the first epoch"
                  f"{', compiling,' if epoch['compile'] else ''} took {epoch['first_epoch_s']:.1f} s). "
                  f"Goal on an H100/H200-class GPU: at most {epoch['goal']['max_seconds']:.0f} s for 50,000 "
                  f"images — {verdict[epoch['goal']['met']]}", ""]
    else:
        why = f"skipped: {epoch['skipped']}" if "skipped" in epoch else f"failed: {epoch.get('error')}"
        lines += [f"One epoch from the GPU-resident loader: {why}", ""]
    lines += ["| family | params | steps × batch | precision | images/s | first → last loss "
              "| held-out acc. |", "|---|---:|---:|---|---:|---|---:|"]
    for r in report["families"]:
        if "val_accuracy" not in r:
            why = f"skipped: {r['skipped']}" if "skipped" in r else f"failed: {r.get('error')}"
            lines.append(f"| {r['family']} | {why} | | | | | |")
            continue
        lines.append(f"| {r['family']} | {r['params']:,} | {r['steps']} × {r['batch']} | {r['precision']} | "
                     f"{r['images_per_s']:,.0f} | {r['first_loss']:.3f} → {r['last_loss']:.3f} | "
                     f"{100 * r['val_accuracy']:.1f}% |")
    return "\n".join(lines) + "\n"


def config(smoke: bool, batch: int | None) -> dict:
    if smoke:
        return {
            "resnet": {"width": 0.0625, "batch": batch or 4, "warmup": 1, "steps": 1, "rounds": 2,
                       "compile_warmup": 2, "compile": False},
            "families": {"width": 0.0625, "batch": 8, "steps": 3, "lr": 2e-3, "noise": 1.0, "val_batch": 16},
            "epoch": {"images": 40, "batch": 16, "width": 0.0625, "compile": False},
            "matmul": {"n": 64, "warmup": 1, "repeats": 2},
        }
    return {
        "resnet": {"width": 1.0, "batch": batch or 512, "warmup": 10, "steps": 20, "rounds": 5,
                   "compile_warmup": 5, "compile": True},
        "families": {"width": 1.0, "batch": 256, "steps": 300, "lr": 1e-3, "noise": 1.0, "val_batch": 1024},
        # 1,000 divides 50,000: no smaller last batch, so torch.compile compiles one shape, not two
        "epoch": {"images": 50_000, "batch": 1000, "width": 1.0, "compile": True},
        "matmul": {"n": 8192, "warmup": 5, "repeats": 5},
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=None,
                        help="JSON file to write; the Markdown summary goes next to it (.md). "
                             "Without it, the Markdown summary is printed and nothing is written")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, a few seconds, runs on CPU (for tests)")
    parser.add_argument("--device", default=None, help="cuda (default when available) or cpu")
    parser.add_argument("--compile-in-smoke", action="store_true",
                        help="also run variant (c), torch.compile, in a smoke run (slow on CPU: compilation)")
    parser.add_argument("--compile-mode", default="default",
                        help="torch.compile mode for variant (c): "
                             "default, reduce-overhead, max-autotune, ...")
    parser.add_argument("--batch", type=int, default=None, help="ResNet-18 batch size (default 512; smoke 4)")
    parser.add_argument("--time-limit-s", type=float, default=450.0,
                        help="skip the remaining parts once this many seconds have passed (default 450)")
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else list(argv)

    start = time.perf_counter()
    deadline = start + args.time_limit_s
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type != "cuda" and not args.smoke:
        print("warning: no CUDA device; the full check on CPU takes far longer than 8 minutes. "
              "Use --smoke on CPU.", file=sys.stderr)
    if args.batch is not None and args.batch < 256 and not args.smoke:
        parser.error("the GPU check uses batch 256 or more")
    cfg = config(args.smoke, args.batch)
    cfg["resnet"]["compile"] = cfg["resnet"]["compile"] or args.compile_in_smoke
    cfg["resnet"]["compile_mode"] = args.compile_mode
    cfg["epoch"].update(compile=cfg["resnet"]["compile"], compile_mode=args.compile_mode)
    saved = torch.get_num_threads(), torch.backends.cudnn.benchmark
    if args.smoke and device.type == "cpu":
        torch.set_num_threads(1)  # tiny tensors: one thread avoids threading overhead on a shared machine
    torch.backends.cudnn.benchmark = True  # fixed input shapes: let cuDNN pick the fastest algorithms
    try:
        report = run_all(args, cfg, device, start, deadline)
    finally:  # leave the process as we found it (tests call main() in-process)
        torch.set_num_threads(saved[0])
        torch.backends.cudnn.benchmark = saved[1]
    if args.out is None:
        print("\n" + markdown(report))
        return report
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(report))
    print(f"wrote {out} and {out.with_suffix('.md')} ({report['total_seconds']:.1f} s)")
    return report


def run_all(args, cfg, device, start, deadline) -> dict:
    """Every part of the check, in order; the report as a dict."""
    report = {"script": "benchmarks/gpu_check.py", "argv": args.argv,
              "smoke": args.smoke,
              "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "device": device_info(device)}
    print(f"device: {report['device']['name']} ({device})", flush=True)
    peak_dtype = half_dtype(device)
    report["matmul_peak"] = matmul_peak(device, peak_dtype, **cfg["matmul"])
    print(f"{report['matmul_peak']['dtype']} matmul peak: {report['matmul_peak']['tflops']:.2f} TFLOP/s",
          flush=True)
    report["resnet18_step"] = resnet_variants(cfg["resnet"], device, report["matmul_peak"]["tflops"],
                                              deadline)
    for r in report["resnet18_step"]["variants"]:
        if "images_per_s" in r:
            print(f"({r['variant']}) {r['label']}: {r['images_per_s']:,.0f} images/s, "
                  f"x{r.get('ratio_to_a', 0):.2f}, "
                  f"{r['tflops']:.2f} TFLOP/s", flush=True)
        else:
            print(f"({r['variant']}) {r['label']}: {r.get('skipped') or r.get('error')}", flush=True)
    try:
        report["epoch"] = device_loader_epoch(cfg["epoch"], device, deadline)
    except Exception as error:  # report, don't crash: the families below still say what trains
        report["epoch"] = {"error": f"{type(error).__name__}: {error}"[:500]}
    epoch = report["epoch"]
    if "seconds" in epoch:
        said = (f"{epoch['seconds']:.2f} s ({epoch['images_per_s']:,.0f} images/s; the first: "
                f"{epoch['first_epoch_s']:.1f} s)")
    else:
        said = epoch.get("skipped") or epoch.get("error")
    print(f"one epoch from the GPU-resident loader: {said}", flush=True)
    report["families"] = train_families(cfg["families"], device, deadline)
    for r in report["families"]:
        if "val_accuracy" in r:
            print(f"{r['family']}: loss {r['first_loss']:.3f} -> {r['last_loss']:.3f}, "
                  f"held-out accuracy {r['val_accuracy']:.3f}", flush=True)
    report["total_seconds"] = time.perf_counter() - start
    return report


if __name__ == "__main__":
    main()
