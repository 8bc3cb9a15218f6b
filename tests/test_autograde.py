"""Autograding end to end, through nbgrader's real CLI, in a throwaway copy of the course.

Every solution earns full marks, every untouched release earns 0, plausible mistakes lose points,
correct answers written differently earn full marks, and tampering earns nothing.
"""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import nbformat
import pytest

from tests.conftest import cell_by_grade_id, release_with, write_submission
from tools.autograde import autograde
from tools.course import ROOT, assignments, run_nbgrader

pytestmark = pytest.mark.slow

CONV2D_HEADER = "import numpy as np\n\ndef conv2d(x, w, b=None):\n"

# Student answers for notebook 01 that are not the reference solution. Mistakes lose points.
CONV2D_FLIPPED = CONV2D_HEADER + textwrap.indent(textwrap.dedent("""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1))
    flipped = w[:, :, ::-1, ::-1]  # true convolution: not what conv2d means in deep learning
    for n in range(N):
        for f in range(F):
            for i in range(H - HH + 1):
                for j in range(W - WW + 1):
                    out[n, f, i, j] = np.sum(x[n, :, i:i + HH, j:j + WW] * flipped[f])
            if b is not None:
                out[n, f] += b[f]
    return out
"""), "    ")
CONV2D_NO_BIAS = CONV2D_HEADER + textwrap.indent(textwrap.dedent("""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1))
    for n in range(N):
        for f in range(F):
            for i in range(H - HH + 1):
                for j in range(W - WW + 1):
                    out[n, f, i, j] = np.sum(x[n, :, i:i + HH, j:j + WW] * w[f])
    return out
"""), "    ")
CONV2D_FIRST_CHANNEL_ONLY = CONV2D_HEADER + textwrap.indent(textwrap.dedent("""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1))
    for n in range(N):
        for f in range(F):
            for i in range(H - HH + 1):
                for j in range(W - WW + 1):
                    out[n, f, i, j] = np.sum(x[n, 0, i:i + HH, j:j + WW] * w[f, 0])
            if b is not None:
                out[n, f] += b[f]
    return out
"""), "    ")
# Correct, but written nothing like the reference: windows view plus one tensordot.
CONV2D_VECTORISED = textwrap.dedent("""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    def conv2d(x, w, b=None):
        windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))  # (N, C, H', W', HH, WW)
        out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, H', W', F)
        out = out.transpose(0, 3, 1, 2)
        return out if b is None else out + np.reshape(b, (1, -1, 1, 1))
""")
# Tampering: hand the work to the reference the tests compare with.
CONV2D_VIA_TORCH = textwrap.dedent("""
    import numpy as np
    import torch
    from torch.nn.functional import conv2d as torch_conv2d

    def conv2d(x, w, b=None):
        bias = None if b is None else torch.from_numpy(b)
        return torch_conv2d(torch.from_numpy(x), torch.from_numpy(w), bias).numpy()
""")
# Tampering: a wrong answer that disables the checks it knows about.
CONV2D_PATCHES_CHECKS = textwrap.dedent("""
    import numpy as np
    import contextlib
    import cs_utils.checks

    cs_utils.checks.assert_close = lambda *args, **kwargs: None
    cs_utils.checks.assert_shape = lambda *args, **kwargs: None
    cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()

    def conv2d(x, w, b=None):
        return np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
""")


def read_grades(path: Path) -> dict[str, float]:
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    assert all(row["status"] == "ok" for row in rows), rows
    return {row["student"]: float(row["score"]) for row in rows}, {row["student"]: float(row["max_score"]) for row in rows}


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """Grade a set of submissions for every assignment once; the tests below read the results."""
    from tests.conftest import copy_course

    course = copy_course(tmp_path_factory.mktemp("autograde") / "course")
    for name in assignments():
        result = run_nbgrader(["generate_assignment", name, "--force"], course)
        assert result.returncode == 0, result.stderr
        solution = nbformat.read(course / "solutions" / name / f"{name}.ipynb", as_version=4)
        write_submission(course, "solution", name, solution)
        release = nbformat.read(course / "notebooks" / name / f"{name}.ipynb", as_version=4)
        write_submission(course, "untouched", name, release)

    conv = "01_convolution"
    submissions = {
        "flipped": release_with(conv, {"conv2d": CONV2D_FLIPPED}),
        "no_bias": release_with(conv, {"conv2d": CONV2D_NO_BIAS}),
        "first_channel": release_with(conv, {"conv2d": CONV2D_FIRST_CHANNEL_ONLY}),
        "vectorised": release_with(conv, {"conv2d": CONV2D_VECTORISED}),
        "via_torch": release_with(conv, {"conv2d": CONV2D_VIA_TORCH}),
        "patches_checks": release_with(conv, {"conv2d": CONV2D_PATCHES_CHECKS}),
    }
    # Tampering with the tests themselves: a visible test emptied, another deleted outright.
    edited = release_with(conv, {"conv2d": CONV2D_NO_BIAS})
    cell_by_grade_id(edited, "test_conv2d_bias").source = "pass"
    edited.cells.remove(cell_by_grade_id(edited, "test_conv2d_vs_torch"))
    submissions["edits_tests"] = edited
    for student, nb in submissions.items():
        write_submission(course, student, conv, nb)

    rows = autograde(course / "submitted", course, jobs=2, timeout=600)
    return course, rows


def scores(rows, assignment):
    got = {r["student"]: r for r in rows if r["assignment"] == assignment}
    for row in got.values():
        assert row["status"] == "ok", f"grading {row['student']} failed: {row['status']}"
    return {s: r["score"] for s, r in got.items()}, max(r["max_score"] for r in got.values())


@pytest.mark.parametrize("name", assignments())
def test_solution_earns_full_marks_and_untouched_release_earns_zero(graded_course, name):
    _, rows = graded_course
    got, max_score = scores(rows, name)
    assert max_score > 0
    assert got["solution"] == max_score, f"the reference solution of {name} lost points: {got['solution']}/{max_score}"
    assert got["untouched"] == 0, f"the untouched release of {name} earned {got['untouched']}"


def test_plausible_mistakes_lose_points(graded_course):
    _, rows = graded_course
    got, max_score = scores(rows, "01_convolution")
    for student in ("flipped", "no_bias", "first_channel"):
        assert got[student] < max_score, f"a conv2d that is {student} earned full marks"
    assert got["first_channel"] <= max_score / 2


def test_correct_answer_written_differently_earns_full_marks(graded_course):
    _, rows = graded_course
    got, max_score = scores(rows, "01_convolution")
    assert got["vectorised"] == max_score


def test_tampering_earns_nothing(graded_course):
    _, rows = graded_course
    got, max_score = scores(rows, "01_convolution")
    assert got["via_torch"] == 0, "calling torch's conv2d from the NumPy exercise earned points"
    assert got["patches_checks"] == 0, "monkey-patching cs_utils.checks earned points"
    # Emptied and deleted tests are restored from the gradebook, so only honest points remain:
    # the no-bias answer still fails the bias test and the torch comparison.
    honest_no_bias = got["no_bias"]
    assert got["edits_tests"] == honest_no_bias < max_score


def test_grades_csv_and_feedback_without_hidden_tests(graded_course):
    course, rows = graded_course
    with open(course / "grades.csv") as fh:
        header = next(csv.reader(fh))
    assert header == ["student", "assignment", "notebook", "score", "max_score", "status"]
    feedback = course / "feedback" / "flipped" / "01_convolution" / "01_convolution.html"
    assert feedback.exists()
    html = feedback.read_text()
    assert "test_conv2d_values" in html or "conv2d" in html
    assert "BEGIN HIDDEN TESTS" not in html and "20261128" not in html, "feedback shows hidden tests"
    assert "conv2d flipped the filter" in html, "feedback should show the failing test's message"


def test_stderr_warning_in_a_test_cell_keeps_its_points(tmp_path):
    """nbgrader zeroes a test cell with any stderr output; our IgnorePattern lets plain warnings through."""
    course = tmp_path / "course"
    (course / "solutions" / "99_traps").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})

    def test_cell(grade_id, source):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = grade_id
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1,
                                     "grade_id": grade_id, "schema_version": 3}
        return cell

    nb.cells = [
        test_cell("warns", "import warnings\nwarnings.warn('harmless', UserWarning)\nassert True"),
        test_cell("prints_to_stderr", "import sys\nprint('not a warning', file=sys.stderr)\nassert True"),
        test_cell("fails", "assert False, 'a real failure'"),
    ]
    nbformat.write(nb, course / "solutions" / "99_traps" / "99_traps.ipynb")
    assert run_nbgrader(["generate_assignment", "99_traps", "--force"], course).returncode == 0
    write_submission(course, "student", "99_traps", nbformat.read(course / "notebooks" / "99_traps" / "99_traps.ipynb", 4))
    result = run_nbgrader(["autograde", "99_traps", "--force"], course)
    assert result.returncode == 0, result.stderr
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(course / "gradebook.db")) as gb:
        grades = {g.name: g.score for g in gb.find_submission_notebook("99_traps", "99_traps", "student").grades}
    assert grades == {"warns": 1, "prints_to_stderr": 0, "fails": 0}
