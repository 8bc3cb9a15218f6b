"""benchmarks/conv_numpy_vs_torch.py runs end to end in its smoke mode (tiny sizes, no timing assertions)."""

from __future__ import annotations

import importlib.util

import pytest

from tools.course import ROOT

BENCH = ROOT / "benchmarks" / "conv_numpy_vs_torch.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("conv_numpy_vs_torch", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_uses_the_solution_notebooks_functions():
    bench = load_bench()
    fns = bench.load_solution_functions()
    assert set(fns) == {"conv2d", "conv2d_backward", "conv2d_fast", "conv2d_backward_fast"}
    for name, fn in fns.items():
        # Defined by executing the notebook's cells, not imported from a copy somewhere.
        assert fn.__code__.co_filename.startswith("04_backprop_and_speed.ipynb:"), (
            name, fn.__code__.co_filename)


def test_benchmark_smoke_mode_runs_and_reports(capsys):
    pytest.importorskip("torch")
    bench = load_bench()
    assert bench.main(["--smoke", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "fast/torch" in out and "naive->fast" in out
    table = [line for line in out.splitlines() if line.startswith("| stride ")]
    assert [line.split(" | ")[:2] for line in table] == [
        ["| stride 1, padding 1", "forward"], ["| stride 1, padding 1", "backward"],
        ["| stride 2, padding 1", "forward"], ["| stride 2, padding 1", "backward"]]
