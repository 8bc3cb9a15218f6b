"""The measuring and reporting half of ``benchmarks/gpu_notebooks.sh`` (notebooks 08-12 on a GPU).

Two roles, one file:

* a pytest plugin: ``pytest -p scripts.gpu_notebooks_report --notebook-report FILE --nbval-lax ...``
  records, per notebook that nbval runs, the wall time (kernel start included), the number of cells,
  the failed cells and everything the cells printed, into the JSON ``FILE``;
* a command, ``python scripts/gpu_notebooks_report.py write ...``, that turns that JSON and
  ``benchmarks/gpu_check.py``'s report into a dated section of ``benchmarks/RESULTS.md``: the device,
  the library versions, the date, and per notebook the time, the accuracies and the precision it
  printed.

Accuracies and precision come from what the notebooks print. A line of the form written by
``cs_utils.training.result_line`` (``[result] ResNet-18: validation accuracy 0.981, ...``) is read
exactly; otherwise any "validation accuracy 0.981" / "test accuracy 0.975" and any bf16 / fp16 / fp32
that a notebook prints are picked up.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import re
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

NOTEBOOKS = ("08_lenet_alexnet", "09_vgg", "10_googlenet", "11_resnet", "12_complexity")
SECTION = "## Notebooks 08–12 on a GPU"
SECTION_INTRO = """\
`benchmarks/gpu_notebooks.sh` (issue 13) executes the solution notebooks 08–12 under nbval on one CUDA
GPU with the offline quick-mode data (`CS_QUICK=1`: the MNIST subset and synthetic CIFAR-shaped tensors),
so the notebooks' own models and `cs_utils.training.fit` run on CUDA with the course's precision policy,
then runs `benchmarks/gpu_check.py` in full mode, all within 8 minutes. Each run appends a dated
subsection below. Times include each notebook's kernel start.
"""

RESULT_LINE = re.compile(r"^\[result\] (?P<name>[^:\n]+): (?P<fields>.*)$", re.MULTILINE)
ACCURACY = re.compile(r"(?P<kind>validation|test) accuracy\D{0,12}?(?P<value>[01]?\.\d+)", re.IGNORECASE)
PRECISION = re.compile(r"\b(bf16|fp16|fp32|bfloat16|float16)\b")
PRECISION_NAMES = {"bfloat16": "bf16", "float16": "fp16"}


# ---------------------------------------------------------------------------------------------
# pytest plugin
# ---------------------------------------------------------------------------------------------

def pytest_addoption(parser):
    parser.addoption("--notebook-report", default=None,
                     help="JSON file for each notebook's time, failed cells and printed output")


def pytest_configure(config):
    path = config.getoption("--notebook-report", default=None)
    if path:
        config.pluginmanager.register(NotebookCollector(Path(path)), "notebook-report-collector")


def _notebook_of(nodeid: str) -> str:
    return nodeid.split("::")[0]


class NotebookCollector:
    """Per notebook: seconds, cells, failed cells (with their first error line) and printed text."""

    def __init__(self, path: Path):
        self.path = path
        self.notebooks: dict[str, dict] = {}

    def entry(self, nodeid: str) -> dict:
        return self.notebooks.setdefault(_notebook_of(nodeid), {"seconds": 0.0, "cells": 0, "failed": [],
                                                                "stdout": ""})

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        entry = self.entry(item.nodeid)
        start = time.perf_counter()
        yield
        entry["seconds"] += time.perf_counter() - start
        entry["cells"] += 1
        for out in getattr(item, "test_outputs", None) or []:
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                entry["stdout"] += out.get("text", "")

    def pytest_runtest_logreport(self, report):
        if report.failed:
            lines = str(report.longrepr).strip().splitlines() or ["(no message)"]
            self.entry(report.nodeid)["failed"].append(f"{report.nodeid.split('::')[-1]}: {lines[-1][:200]}")

    def pytest_sessionfinish(self, session):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.notebooks, indent=2) + "\n")


# ---------------------------------------------------------------------------------------------
# Reading the printed results
# ---------------------------------------------------------------------------------------------

def parse_output(text: str) -> dict:
    """Accuracies and precisions a notebook printed: {"accuracies": [...], "precision": [...]}."""
    accuracies, precisions = [], []
    tagged = list(RESULT_LINE.finditer(text))
    if tagged:
        for match in tagged:
            name, fields = match["name"].strip(), match["fields"]
            for acc in ACCURACY.finditer(fields):
                kind = "val" if acc["kind"].lower() == "validation" else "test"
                accuracies.append(f"{name} {kind} {float(acc['value']):.3f}")
            precisions += [PRECISION_NAMES.get(p, p) for p in PRECISION.findall(fields)]
    else:
        for acc in ACCURACY.finditer(text):
            kind = "val" if acc["kind"].lower() == "validation" else "test"
            accuracies.append(f"{kind} {float(acc['value']):.3f}")
        precisions = [PRECISION_NAMES.get(p, p) for p in PRECISION.findall(text)]
    # A notebook prints its validation result after training and again beside the test result.
    return {"accuracies": list(dict.fromkeys(accuracies)), "precision": sorted(set(precisions))}


def notebook_rows(notebooks: dict, names=NOTEBOOKS) -> list[dict]:
    """One row per expected notebook, whether or not it ran (a missing one says so)."""
    rows = []
    for name in names:
        key = next((k for k in notebooks if Path(k).stem == name or f"/{name}/" in f"/{k}"), None)
        if key is None:
            rows.append({"notebook": name, "status": "not run", "seconds": None, "cells": 0,
                         "accuracies": [], "precision": [], "failed": []})
            continue
        entry = notebooks[key]
        parsed = parse_output(entry.get("stdout", ""))
        failed = entry.get("failed", [])
        rows.append({"notebook": name, "status": f"{len(failed)} cell(s) failed" if failed else "passed",
                     "seconds": entry.get("seconds"), "cells": entry.get("cells", 0), **parsed,
                     "failed": failed})
    return rows


# ---------------------------------------------------------------------------------------------
# The Markdown
# ---------------------------------------------------------------------------------------------

def environment() -> dict:
    """Device, versions and the course's precision choice for it, as this process sees them."""
    info = {"date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "platform": platform.platform()}
    try:
        import torch

        info["torch"] = torch.__version__
        info["cuda_build"] = torch.version.cuda
        if torch.cuda.is_available():
            from cs_utils.training import amp_policy, precision_name

            dtype, scaler = amp_policy("cuda")
            info.update(device=torch.cuda.get_device_name(0),
                        capability=".".join(map(str, torch.cuda.get_device_capability(0))),
                        driver_cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version(),
                        policy=precision_name(dtype) + (" + GradScaler" if scaler else ""))
        else:
            info.update(device=f"CPU ({platform.processor() or platform.machine()}): no CUDA", policy="fp32")
    except ImportError:
        info["torch"] = None
    # Their installed versions, not imported: importing torchvision imports torch._dynamo (seconds).
    for package in ("torchvision", "nbval"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    return info


def _cell(values) -> str:
    return "; ".join(values) if values else "–"


def run_markdown(rows: list[dict], env: dict, *, dry_run: bool = False, total_seconds: float | None = None,
                 notebooks_rc: int | None = None, gpu_check_md: str | None = None,
                 gpu_check_rc: int | None = None, command: str = "bash benchmarks/gpu_notebooks.sh") -> str:
    """One run's subsection: what ran where, the per-notebook table and gpu_check's summary."""
    title = "DRY RUN (nothing executed, no numbers measured)" if dry_run else env.get("device", "?")
    lines = [f"### {env['date_utc'][:16].replace('T', ' ')} UTC: {title}", ""]
    versions = (f"torch {env.get('torch')} (CUDA build {env.get('cuda_build')}), torchvision "
                f"{env.get('torchvision')}, nbval {env.get('nbval')}, Python {env.get('python')}")
    if env.get("capability"):
        versions += f", cuDNN {env.get('cudnn')}; compute capability {env['capability']}"
    lines += [f"`{command}` on {env.get('device')}: {versions}. Course precision policy on this device: "
              f"**{env.get('policy')}**."
              + (f" Total {total_seconds:.0f} s." if total_seconds is not None else ""), ""]
    if notebooks_rc not in (None, 0):
        limit = " (time limit)" if notebooks_rc in (124, 137) else ""
        lines += [f"**nbval exited with {notebooks_rc}**{limit}: see the failed cells below.", ""]
    lines += ["| notebook | result | cells | time (s) | accuracies printed | precision printed |",
              "|---|---|---:|---:|---|---|"]
    for r in rows:
        seconds = "–" if r["seconds"] is None else f"{r['seconds']:.1f}"
        lines.append(f"| {r['notebook']} | {r['status']} | {r['cells']} | {seconds} | "
                     f"{_cell(r['accuracies'])} | {_cell(r['precision'])} |")
    failures = [f"- {r['notebook']}: {f}" for r in rows for f in r["failed"]]
    if failures:
        lines += ["", "Failed cells:", *failures]
    lines.append("")
    if gpu_check_md:
        body = gpu_check_md.strip().splitlines()
        if body and body[0].startswith("### "):
            body[0] = "#### " + body[0][4:]
        lines += body + [""]
    elif not dry_run:
        lines += [f"gpu_check.py wrote no report (exit status {gpu_check_rc}).", ""]
    return "\n".join(lines) + "\n"


def append_run(results_md: Path, run_md: str) -> None:
    """Append a run below the section heading, creating the section (once) at the end of the file."""
    text = results_md.read_text() if results_md.exists() else ""
    if SECTION not in text:
        text = text.rstrip("\n") + ("\n\n" if text else "") + f"{SECTION}\n\n{SECTION_INTRO}\n"
    results_md.parent.mkdir(parents=True, exist_ok=True)
    results_md.write_text(text.rstrip("\n") + "\n\n" + run_md)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write", help="append a run's table to RESULTS.md")
    write.add_argument("--notebooks", type=Path, help="the plugin's JSON (missing: every notebook 'not run')")
    write.add_argument("--gpu-check", type=Path, help="gpu_check.py's --out JSON (its .md is used)")
    write.add_argument("--results", type=Path, required=True, help="the Markdown file to append to")
    write.add_argument("--dry-run", action="store_true", help="label the run as a dry run")
    write.add_argument("--total-seconds", type=float, default=None)
    write.add_argument("--notebooks-rc", type=int, default=None)
    write.add_argument("--gpu-check-rc", type=int, default=None)
    sub.add_parser("env", help="print the device and versions as JSON")
    args = parser.parse_args(argv)
    if args.command == "env":
        print(json.dumps(environment(), indent=2))
        return 0
    notebooks = {}
    if args.notebooks is not None and args.notebooks.exists():
        notebooks = json.loads(args.notebooks.read_text())
    gpu_check_md = None
    if args.gpu_check is not None and args.gpu_check.with_suffix(".md").exists():
        gpu_check_md = args.gpu_check.with_suffix(".md").read_text()
    run_md = run_markdown(notebook_rows(notebooks), environment(), dry_run=args.dry_run,
                          total_seconds=args.total_seconds, notebooks_rc=args.notebooks_rc,
                          gpu_check_md=gpu_check_md, gpu_check_rc=args.gpu_check_rc)
    append_run(args.results, run_md)
    print(run_md)
    print(f"appended to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
