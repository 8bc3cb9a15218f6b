"""benchmarks/gpu_notebooks.sh and its Python half, scripts/gpu_notebooks_report.py, without a GPU.

The real run needs a CUDA GPU; here the table writing is tested on made-up measurements, the nbval
plugin on a two-cell notebook, and the shell script in its --dry-run mode and its refusals.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from scripts import gpu_notebooks_report as report
from scripts import gpu_wheels
from tools.course import ROOT

SCRIPT = ROOT / "benchmarks" / "gpu_notebooks.sh"

ENV = {"date_utc": "2026-12-01T10:00:00+00:00", "device": "NVIDIA H200", "capability": "9.0",
       "torch": "2.14.1", "cuda_build": "13.0", "cudnn": 91000, "torchvision": "0.29.1", "nbval": "0.11.0",
       "python": "3.11.7", "policy": "bf16"}


def test_tagged_result_lines_are_read_exactly():
    text = ("data: MNIST\n[result] ResNet-18: validation accuracy 0.9812, test accuracy 0.975, bf16 on cuda, "
            "12.3 s for 2 epochs\n"
            "[result] VGG-11: validation accuracy 0.95, fp16 on cuda, 3.0 s for 1 epoch\n"
            "[result] VGG-11: validation accuracy 0.95, test accuracy 0.94, fp16 on cuda, 3.0 s for 1 epoch\n"
            "some other validation accuracy 0.1 that is not a result line\n")
    parsed = report.parse_output(text)
    assert parsed["accuracies"] == ["ResNet-18 val 0.981", "ResNet-18 test 0.975", "VGG-11 val 0.950",
                                    "VGG-11 test 0.940"]
    assert parsed["precision"] == ["bf16", "fp16"]


def test_untagged_output_still_gives_accuracies_and_precision():
    text = ("device cuda (bfloat16) | final validation accuracy 0.912 (chance: 0.100)\n"
            "ResNet-18 (width 8): precision bf16 | 3.1 s\nfinal validation accuracy 0.870 (chance: 0.100)\n")
    parsed = report.parse_output(text)
    assert parsed["accuracies"] == ["val 0.912", "val 0.870"] and parsed["precision"] == ["bf16"]


def test_result_line_from_cs_utils_round_trips(capsys):
    from cs_utils.training import result_line

    history = {"val_acc": [0.5, 0.91234], "precision": "bf16", "device": "cuda", "seconds": [1.0, 2.5],
               "stopped_early": False}
    line = result_line("ResNet-20", history, test_acc=0.9051)
    assert capsys.readouterr().out.strip() == line
    assert line == ("[result] ResNet-20: validation accuracy 0.912, test accuracy 0.905, bf16 on cuda, "
                    "3.5 s for 2 epochs")
    assert report.parse_output(line)["accuracies"] == ["ResNet-20 val 0.912", "ResNet-20 test 0.905"]


def test_table_has_every_notebook_and_the_failures():
    notebooks = {
        "solutions/08_lenet_alexnet/08_lenet_alexnet.ipynb": {
            "seconds": 20.5, "cells": 30, "failed": [], "stdout": "final validation accuracy 0.97\nfp32\n"},
        "solutions/11_resnet/11_resnet.ipynb": {
            "seconds": 61.0, "cells": 40, "failed": ["Cell 12: RuntimeError: CUDA error"], "stdout": ""},
    }
    rows = report.notebook_rows(notebooks)
    assert [r["notebook"] for r in rows] == list(report.NOTEBOOKS)
    text = report.run_markdown(rows, ENV, total_seconds=300, notebooks_rc=1,
                               gpu_check_md="### GPU check, x\nbody\n")
    assert "### 2026-12-01 10:00 UTC: NVIDIA H200" in text and "compute capability 9.0" in text
    assert "| 08_lenet_alexnet | passed | 30 | 20.5 | val 0.970 | fp32 |" in text
    assert "| 11_resnet | 1 cell(s) failed | 40 | 61.0 |" in text and "| 09_vgg | not run | 0 | – |" in text
    assert "- 11_resnet: Cell 12: RuntimeError: CUDA error" in text and "**nbval exited with 1**" in text
    assert "#### GPU check, x" in text and "Total 300 s." in text
    assert "policy on this device: **bf16**" in text


def test_runs_are_appended_under_one_section(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("## GPU check\n\nolder text\n")
    report.append_run(results, "### run 1\n")
    report.append_run(results, "### run 2\n")
    text = results.read_text()
    assert text.startswith("## GPU check\n\nolder text\n") and text.count(report.SECTION) == 1
    assert text.index(report.SECTION) < text.index("### run 1") < text.index("### run 2")


def test_dry_run_table_claims_no_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "environment", lambda: dict(ENV, device="CPU: no CUDA", policy="fp32"))
    out = tmp_path / "dry.md"
    assert report.main(["write", "--dry-run", "--results", str(out)]) == 0
    text = out.read_text()
    assert "DRY RUN (nothing executed, no numbers measured)" in text
    assert text.count("| not run | 0 | – | – | – |") == len(report.NOTEBOOKS)


@pytest.mark.slow
def test_the_plugin_records_a_real_nbval_run(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('[result] Tiny: validation accuracy 0.5, fp32 on cpu, 0.1 s')"),
        nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"),
    ])
    path = tmp_path / "08_lenet_alexnet" / "08_lenet_alexnet.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    out = tmp_path / "notebooks.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "scripts.gpu_notebooks_report",
                             "--notebook-report", str(out), "--nbval-lax", "--nbval-current-env", "-p",
                             "no:cacheprovider", "--rootdir", str(tmp_path), str(path)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout[-2000:]
    (entry,) = json.loads(out.read_text()).values()
    assert entry["cells"] == 2 and entry["seconds"] > 0 and "[result] Tiny" in entry["stdout"]
    assert len(entry["failed"]) == 1 and "broken on purpose" in entry["failed"][0]
    row = report.notebook_rows({str(path): entry})[0]
    assert row["accuracies"] == ["Tiny val 0.500"] and row["status"] == "1 cell(s) failed"


@pytest.mark.slow
def test_shell_script_dry_run_and_refusals(tmp_path):
    results = tmp_path / "RESULTS.md"
    before = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    env = dict(os.environ, PYTHON=sys.executable)
    dry = subprocess.run(["bash", str(SCRIPT), "--dry-run", "--results", str(results),
                          "--out-dir", str(tmp_path / "out")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert dry.returncode == 0, dry.stderr
    assert "nbval-lax" in dry.stdout and "gpu_check.py" in dry.stdout
    assert "DRY RUN" in results.read_text()
    assert (ROOT / "benchmarks" / "RESULTS.md").read_text() == before, "a dry run never touches RESULTS.md"
    bad = subprocess.run(["bash", str(SCRIPT), "--bogus"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown argument" in bad.stderr
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    no_wheels = subprocess.run(["bash", str(SCRIPT), "--dry-run", "--wheels", str(empty)], cwd=ROOT, env=env,
                               capture_output=True, text=True)
    assert no_wheels.returncode == 2 and "no wheels in" in no_wheels.stderr
    no_gpu = subprocess.run(["bash", str(SCRIPT), "--results", str(results)], cwd=ROOT,
                            env=dict(env, CUDA_VISIBLE_DEVICES=""), capture_output=True, text=True,
                            timeout=300)
    assert no_gpu.returncode == 2 and "no usable CUDA GPU" in no_gpu.stderr


# ---------------------------------------------------------------------------------------------
# scripts/gpu_wheels.py: the wheels that travel to a GPU machine without a package index
# ---------------------------------------------------------------------------------------------

def _import_roots(path: Path) -> set[str]:
    """Top-level names of every import in a Python file, also those inside functions."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return roots


def test_the_wheel_kit_covers_every_import_of_notebooks_08_to_12():
    """Follows cs_utils' modules from the notebooks' sources; every other package must be in NEEDS."""
    sources = [ROOT / "notebook_src" / f"{name}.py" for name in report.NOTEBOOKS]
    seen, third_party = set(), set()
    while sources:
        path = sources.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _import_roots(path):
            top = name.split(".")[0]
            if top == "cs_utils":
                module = ROOT / (name.replace(".", "/") + ".py")
                if module.exists():
                    sources.append(module)
            elif top not in sys.stdlib_module_names and top != "__future__":
                third_party.add(top)
    assert ROOT / "cs_utils" / "training.py" in seen and ROOT / "cs_utils" / "challenge.py" in seen
    missing = third_party - set(gpu_wheels.NEEDS.values())
    assert not missing, f"notebooks 08-12 import {sorted(missing)}: add them to scripts/gpu_wheels.py NEEDS"


def test_only_what_the_gpu_image_lacks_travels():
    pins = [("torch", "2.14.1"), ("torchvision", "0.29.1"), ("triton", "3.8.0"), ("nvidia-cublas", "13.1"),
            ("cuda-toolkit", "13.0.3.0"), ("numpy", "2.4.6"), ("scikit-learn", "1.9.1"), ("nbval", "0.11.0"),
            ("ipykernel", "7.4.0"), ("pyzmq", "27.3.0"), ("mlxtend", "0.25.0"), ("Jupyter_Client", "8.10.0")]
    assert gpu_wheels.missing_on_device(pins) == [("nbval", "0.11.0"), ("ipykernel", "7.4.0"),
                                                  ("pyzmq", "27.3.0"), ("mlxtend", "0.25.0"),
                                                  ("Jupyter_Client", "8.10.0")]


def test_check_names_what_is_missing_and_what_fails_to_import(monkeypatch, tmp_path):
    broken = tmp_path / "broken_kernel_part.py"
    broken.write_text("raise OSError('wrong ELF class')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(gpu_wheels, "NEEDS", {"numpy": "numpy"})
    monkeypatch.setattr(gpu_wheels, "IMPORTED", ("broken_kernel_part", "json"))
    assert gpu_wheels.check() == ["import broken_kernel_part failed: OSError: wrong ELF class"]
    monkeypatch.setattr(gpu_wheels, "NEEDS", {"numpy": "numpy", "mlxtend-x": "no_such_module_here"})
    assert gpu_wheels.check() == ["no module 'no_such_module_here' (distribution mlxtend-x)"]
    monkeypatch.setattr(gpu_wheels, "NEEDS", {"numpy": "numpy"})
    monkeypatch.setattr(gpu_wheels, "IMPORTED", ("json",))
    assert gpu_wheels.main(["--check"]) == 0
