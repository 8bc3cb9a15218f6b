"""A two-assignment course small enough to grade in a second per notebook, for the grading tests.

``91_alpha`` asks for ``add(a, b)`` and ``92_beta`` for ``scale(xs, k)``. Each has a visible and a
hidden test cell, so every bad-submission fixture can be graded next to a correct submission
without paying for the real course notebooks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from tools.course import ROOT, run_nbgrader

CANARY = "CANARY-7f3a-solution-text"  # appears only in the instructor's solutions

ASSIGNMENTS = {
    "91_alpha": {
        "solution": (f"def add(a, b):\n    ### BEGIN SOLUTION\n    # {CANARY}\n"
                     "    return a + b\n    ### END SOLUTION"),
        "tests": {
            "test_add_small": ("assert add(1, 2) == 3, 'add(1, 2) should be 3'\n"
                               "### BEGIN HIDDEN TESTS\nassert add(-5, 5) == 0, 'add(-5, 5) should be 0'\n"
                               "### END HIDDEN TESTS", 1),
            "test_add_many": ("import random\nrng = random.Random(7)\n"
                              "for _ in range(20):\n    a, b = rng.randint(-99, 99), rng.randint(-99, 99)\n"
                              "    assert add(a, b) == a + b, f'add({a}, {b})'\n", 2),
        },
    },
    "92_beta": {
        "solution": ("def scale(xs, k):\n    ### BEGIN SOLUTION\n"
                     "    return [k * x for x in xs]\n    ### END SOLUTION"),
        "tests": {
            "test_scale": ("assert scale([1, 2], 3) == [3, 6], 'scale([1, 2], 3)'\n"
                           "### BEGIN HIDDEN TESTS\nassert scale([], 5) == []\n### END HIDDEN TESTS", 2),
        },
    },
}
MAX_SCORE = {"91_alpha": 3.0, "92_beta": 2.0}


def _cell(source: str, grade_id: str, *, solution: bool = False, points: int | None = None):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = grade_id
    meta = {"grade": points is not None, "solution": solution, "locked": not solution,
            "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    spec = ASSIGNMENTS[assignment]
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {assignment}"),
                _cell(spec["solution"], "answer", solution=True)]
    nb.cells += [_cell(src, gid, points=pts) for gid, (src, pts) in spec["tests"].items()]
    for i, cell in enumerate(nb.cells):
        cell.setdefault("id", f"cell-{i}")
    return nb


def make_course(dest: Path) -> Path:
    """Write the course (config, sources), release it, and return its root."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    for assignment in ASSIGNMENTS:
        folder = dest / "solutions" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_notebook(assignment), folder / f"{assignment}.ipynb")
        result = run_nbgrader(["generate_assignment", assignment, "--force"], dest)
        assert result.returncode == 0, result.stdout + result.stderr
    return dest


def student_notebook(course: Path, assignment: str, answer: str) -> nbformat.NotebookNode:
    """The released notebook with the solution cell replaced by ``answer``."""
    nb = nbformat.read(course / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "answer":
            cell.source = answer
    return nb


CORRECT = {"91_alpha": "def add(a, b):\n    return b + a",
           "92_beta": "def scale(xs, k):\n    return [x * k for x in xs]"}
