"""Train notebook 11's ResNet-18 recipe on CIFAR-10: on one device, or on several with torchrun.

    python scripts/train_cifar.py --out resnet18.json                    # one GPU, full recipe
    torchrun --nproc_per_node=4 scripts/train_cifar.py --out r.json       # 4 GPUs, the same recipe
    torchrun --nproc_per_node=2 scripts/train_cifar.py --smoke --out s.json   # 2 CPU processes, seconds

The recipe is notebook 11's, unchanged by the number of processes: ResNet-18 with the CIFAR stem
(3x3 convolution, no max pool), SGD with momentum 0.9, learning rate 0.1 divided by 10 at 50% and
75% of the epochs, weight decay 1e-4, a global batch of 128 (split evenly over the processes),
random crop and flip, mixed precision by ``cs_utils.training.amp_policy`` and channels_last. The
training loop is ``cs_utils.training.fit``; under torchrun the model is wrapped in
``DistributedDataParallel`` (NCCL on GPUs, gloo on CPUs) and every process reads its own shard
of the data through a ``DistributedSampler``. The data is ``cs_utils.torchdata``'s 45,000 / 5,000
split of CIFAR-10's training set.

The model is ``resnet18_cifar`` from ``benchmarks/gpu_check.py`` (torchvision's ``BasicBlock``),
not notebook 11's: that notebook's exercise is to write the block and the network.

``--smoke`` runs a few steps on the CPU on offline, learnable synthetic CIFAR-shaped data (a fixed
random image per class plus noise) with a narrow network: a test of the distributed plumbing
(``tests/test_train_cifar.py``), not of accuracy. ``--out FILE`` writes JSON with the world size,
the mean training loss of the first and the last epoch (averaged over processes), one checksum of
the final weights per process (equal when the processes stayed in step), the history and the
settings.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import time
from pathlib import Path

import torch
import torch.distributed as dist

from cs_utils.runtime import training_device
from cs_utils.training import fit
from tools.course import ROOT

GLOBAL_BATCH = 128
SMOKE = {"width": 0.0625, "epochs": 3, "batch": 32, "n_train": 256, "n_val": 64, "noise": 1.0}


def load_gpu_check():
    """benchmarks/gpu_check.py as a module: its model builders and synthetic data."""
    spec = importlib.util.spec_from_file_location("gpu_check", ROOT / "benchmarks" / "gpu_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="a few steps on the CPU on offline synthetic data, narrow network (for tests)")
    parser.add_argument("--epochs", type=int, default=None, help="default 40 (smoke: 3)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help=f"global batch, split over the processes (default {GLOBAL_BATCH}; smoke 32)")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--width", type=float, default=None,
                        help="channel multiplier (default 1; smoke 1/16)")
    parser.add_argument("--precision", choices=("fp32", "bf16", "fp16"), default=None,
                        help="default: cs_utils.training.amp_policy (bf16 or fp16 on CUDA, fp32 elsewhere)")
    parser.add_argument("--device", default=None,
                        help="cpu or cuda (default: cuda when there is one; smoke: cpu)")
    parser.add_argument("--backend", default=None,
                        help="torch.distributed backend (default: nccl on CUDA, else gloo)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--root", default=None, help="CIFAR-10 folder (default: the course's data folder)")
    parser.add_argument("--out", default=None, help="JSON file for the results (written by rank 0)")
    return parser.parse_args(argv)


def pick_device(args, local_rank: int) -> torch.device:
    if args.device is not None:
        device = torch.device(args.device)
    elif args.smoke:
        device = torch.device("cpu")
    else:
        device = training_device(quick=False)  # full mode: no silent hours on a CPU (CS_ALLOW_CPU=1 allows)
    if device.type == "cuda":
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    return device


def synthetic_data(gpu_check, n: int, seed: int):
    """Learnable CIFAR-shaped data, the same in every process: gpu_check's template of a class plus noise."""
    from torch.utils.data import TensorDataset

    gen = torch.Generator().manual_seed(seed)
    templates = torch.randn(10, 3, 32, 32, generator=gen)
    x, y = gpu_check.synthetic_batch(templates, n, gen, SMOKE["noise"])
    return TensorDataset(x, y)


def datasets(args, gpu_check, rank: int, distributed: bool):
    if args.smoke:
        train = synthetic_data(gpu_check, SMOKE["n_train"] + SMOKE["n_val"], args.seed)
        n = SMOKE["n_train"]
        Subset = torch.utils.data.Subset
        return (Subset(train, range(n)), Subset(train, range(n, len(train))),
                "synthetic CIFAR-shaped data (a random template per class plus noise)")
    from cs_utils.torchdata import cifar_datasets

    if rank == 0:  # one process downloads; the others wait and then read the files
        cifar_datasets(args.root, download=True, seed=args.seed)
    if distributed:
        dist.barrier()
    train, val = cifar_datasets(args.root, download=False, seed=args.seed)
    return train, val, "CIFAR-10, 45,000 train / 5,000 validation (random crop + flip)"


def checksum(model) -> float:
    """One number from every weight and buffer, position-weighted: equal only for equal weights."""
    values = torch.cat([t.detach().double().flatten().cpu() for t in model.state_dict().values()
                        if t.is_floating_point()])
    return float((values * torch.linspace(1.0, 2.0, len(values), dtype=torch.float64)).sum())


def gather(value: float, device, distributed: bool) -> list[float]:
    if not distributed:
        return [value]
    mine = torch.tensor([value], dtype=torch.float64, device=device)
    every = [torch.zeros_like(mine) for _ in range(dist.get_world_size())]
    dist.all_gather(every, mine)
    return [float(t) for t in every]


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    distributed = "RANK" in os.environ and "WORLD_SIZE" in os.environ  # started by torchrun
    rank = int(os.environ.get("RANK", 0))
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    world = int(os.environ.get("WORLD_SIZE", 1))
    if args.smoke:
        torch.set_num_threads(1)  # tiny tensors, several processes on a few cores
    device = pick_device(args, local_rank)
    backend = args.backend or ("nccl" if device.type == "cuda" else "gloo")
    if distributed:
        dist.init_process_group(backend=backend)
    try:
        report = train(args, device, rank, world, distributed, backend)
    finally:
        if distributed:
            # DDP's reducer keeps the process group (and gloo's worker threads) alive through
            # reference cycles; left to the interpreter's exit, their C++ threads can be destroyed
            # while joinable, and the process aborts after its work is done ("terminate called
            # without an active exception": once in a CI run on 2 cores). Wait for every rank,
            # free them now, then destroy the group.
            dist.barrier()
            gc.collect()
            dist.destroy_process_group()
    report["seconds"] = time.perf_counter() - start
    if rank == 0:
        print(f"world size {world} ({backend}) on {device.type}: loss {report['initial_loss']:.3f} -> "
              f"{report['final_loss']:.3f}, validation accuracy {report['val_acc']:.3f}, "
              f"{report['seconds']:.1f} s; weight checksums {report['param_checksums']}", flush=True)
        if args.out:
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, indent=2) + "\n")
    return report


def train(args, device, rank: int, world: int, distributed: bool, backend: str) -> dict:
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import DataLoader
    from torch.utils.data.distributed import DistributedSampler

    gpu_check = load_gpu_check()
    epochs = args.epochs or (SMOKE["epochs"] if args.smoke else 40)
    global_batch = args.batch_size or (SMOKE["batch"] if args.smoke else GLOBAL_BATCH)
    if global_batch % world:
        raise SystemExit(f"the global batch {global_batch} does not split evenly over {world} processes")
    width = args.width or (SMOKE["width"] if args.smoke else 1.0)
    train_set, val_set, data_name = datasets(args, gpu_check, rank, distributed)
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True, seed=args.seed,
                                 drop_last=True) if distributed else None
    workers = 0 if args.smoke else min(4, os.cpu_count() or 1)
    train_loader = DataLoader(train_set, batch_size=global_batch // world, sampler=sampler,
                              shuffle=sampler is None, drop_last=True, num_workers=workers,
                              pin_memory=device.type == "cuda", persistent_workers=workers > 0,
                              generator=torch.Generator().manual_seed(args.seed))
    # every process validates on all of the validation set (the same numbers everywhere)
    val_loader = DataLoader(val_set, batch_size=512, num_workers=workers, pin_memory=device.type == "cuda")

    torch.manual_seed(args.seed)  # the same initial weights everywhere (DDP also broadcasts rank 0's)
    model = gpu_check.resnet18_cifar(num_classes=10, width=width)
    model.to(device, memory_format=torch.channels_last)
    if distributed:
        model = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, [epochs // 2, 3 * epochs // 4], gamma=0.1)
    history = fit(model, train_loader, val_loader, epochs=epochs, optimizer=optimizer, scheduler=scheduler,
                  device=device, precision=args.precision, channels_last=True,
                  progress=rank == 0 and not args.smoke,
                  desc=f"ResNet-18 rank {rank}")
    first_last = torch.tensor([history["train_loss"][0], history["train_loss"][-1]], dtype=torch.float64,
                              device=device)
    if distributed:
        dist.all_reduce(first_last)
        first_last /= world
    base = model.module if distributed else model
    return {
        "script": "scripts/train_cifar.py", "smoke": args.smoke, "world_size": world, "backend": backend,
        "device": str(device), "data": data_name, "model": f"ResNet-18, CIFAR stem, width {width}",
        "parameters": sum(p.numel() for p in base.parameters()), "epochs": epochs,
        "global_batch": global_batch, "batch_per_process": global_batch // world,
        "steps_per_epoch": len(train_loader), "precision": history["precision"],
        "loss_definition": "mean training loss of the first and of the last epoch, averaged over processes",
        "initial_loss": float(first_last[0]), "final_loss": float(first_last[1]),
        "val_acc": history["val_acc"][-1], "param_checksums": gather(checksum(base), device, distributed),
        "history": {k: history[k] for k in ("train_loss", "train_acc", "val_loss", "val_acc", "seconds")},
    }


if __name__ == "__main__":
    main()
