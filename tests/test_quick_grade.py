"""tests/support/quick_grade.py, the seconds-long loop for writing a prepared case, scores as the
grader would: a prepared mistake loses its test's points, with the student's message, and an answer
cell that raises is reported."""

from __future__ import annotations

import nbformat
import pytest

from tests.support.quick_grade import HIDDEN_TESTS, answers_of, quick_grade
from tools.course import ROOT

ASSIGNMENT = "05_conv1d_conv3d"


@pytest.mark.slow
def test_a_mistake_loses_its_test_and_a_broken_answer_is_reported():
    answers = answers_of(ASSIGNMENT, "no_relu") | {"conv3d_output_shape": "def conv3d_output_shape(:"}
    results, answer_errors = quick_grade(ASSIGNMENT, answers)
    failed = {r.grade_id: r.error for r in results if not r.passed}
    assert "skips the ReLU" in failed["test_text_cnn_forward"]
    assert {"test_conv3d_output_shape_ints", "test_conv3d_output_shape_tuples"} <= set(failed)
    assert "test_conv1d_lecture" not in failed and results[0].points > 0
    assert list(answer_errors) == ["conv3d_output_shape"]
    assert answer_errors["conv3d_output_shape"].startswith("SyntaxError")


def test_visible_tests_are_the_student_release_s():
    """--visible runs each test cell as the student's copy holds it (nbgrader's ClearHiddenTests)."""
    solution = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    release = nbformat.read(ROOT / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    released = {c.metadata["nbgrader"]["grade_id"]: c.source for c in release.cells
                if c.metadata.get("nbgrader", {}).get("grade")}
    tests = [c for c in solution.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert tests and any("BEGIN HIDDEN TESTS" in c.source for c in tests)
    for cell in tests:
        student_copy = released[cell.metadata["nbgrader"]["grade_id"]]
        assert HIDDEN_TESTS.sub("", cell.source).strip() == student_copy.strip()
