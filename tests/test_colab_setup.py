"""The notebooks' Colab set-up cell, run on a simulated Colab: a stand-in `google.colab` module and a
fresh environment without cs_utils, where the cell installs cs_utils from a local wheel instead of
the student repository (no network). Elsewhere the cell must do nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import build_notebooks, student_export
from tools.course import ROOT, assignments, student_package

pytestmark = pytest.mark.slow


def colab_cell(name: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / name / f"{name}.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.id == build_notebooks.COLAB_SETUP_ID]
    assert len(cells) == 1, f"{name}'s release has {len(cells)} Colab set-up cells"
    assert cells[0] is next(c for c in nb.cells if c.cell_type == "code"), "it runs before the setup cell"
    return cells[0].source


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory):
    """A venv without cs_utils, a wheel of the student repository's cs_utils (what Colab installs from
    there), and a folder holding a stand-in google.colab."""
    root = tmp_path_factory.mktemp("colab")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    student_export.export(root / "student")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(root / "wheels"), str(root / "student")], check=True, capture_output=True)
    (wheel,) = (root / "wheels").glob("cs_utils-*.whl")
    fake = root / "fake_colab" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake.parent / "__init__.py").write_text("")
    (fake / "__init__.py").write_text('"""Stand-in for Colab\'s module."""\n')
    return root / "venv" / "bin" / "python", wheel, root / "fake_colab"


def run_python(python: Path, code: str) -> subprocess.CompletedProcess:
    # From the venv's folder: run from the repository, `python -c` would import its cs_utils/ folder.
    return subprocess.run([str(python), "-c", code], cwd=python.parents[2], capture_output=True, text=True,
                          timeout=300)


def run_cell(python: Path, source: str, fake_colab: Path | None) -> subprocess.CompletedProcess:
    # The stand-in is imported the way Colab's kernel has it: already in sys.modules.
    prelude = ""
    if fake_colab:
        prelude = f"import sys\nsys.path.insert(0, {str(fake_colab)!r})\nimport google.colab\n"
    return run_python(python, prelude + source)


def importable(python: Path) -> bool:
    return run_python(python, "import cs_utils.settings").returncode == 0


def test_every_release_pins_the_same_package():
    for name in assignments():
        assert repr(student_package()) in colab_cell(name), f"{name} installs another cs_utils"


def test_outside_colab_the_cell_installs_nothing(fresh_python):
    python, _, _ = fresh_python
    result = run_cell(python, colab_cell("01_convolution"), fake_colab=None)
    assert result.returncode == 0, result.stderr
    assert not importable(python)


def test_on_colab_the_cell_installs_cs_utils_then_the_setup_cell_runs(fresh_python):
    python, wheel, fake_colab = fresh_python
    assert not importable(python), "the fresh environment must start without cs_utils"
    cell = colab_cell("01_convolution").replace(repr(student_package()), repr(str(wheel)))
    assert str(wheel) in cell, "the test must swap the package for the local wheel"
    # Offline: no index, and no dependencies (Colab has numpy, torch, ...; pip resolves the rest there).
    offline = cell.replace('"--quiet"', '"--quiet", "--no-index", "--no-deps"')
    result = run_cell(python, offline, fake_colab=fake_colab)
    assert result.returncode == 0, result.stdout + result.stderr
    assert importable(python), "after the Colab cell, cs_utils imports"
    again = run_cell(python, cell, fake_colab=fake_colab)
    assert again.returncode == 0 and "Processing" not in again.stdout, "a second run installs nothing"
