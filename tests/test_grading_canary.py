"""The canary (tools/grading/canary.py): a grading run first grades the reference solutions, in the
same sandbox and environment, and stops with what failed unless they earn full marks.

The broken environment here is a test cell that imports a module the grading kernel cannot see
(like the course's ``cs_utils`` installed where the sandbox does not look): every student would
have scored 0 with status ``ok``. On the mini course (tests/grading_fixtures/minicourse.py); the
passing canary is checked by tests/test_grading_robustness.py's run.
"""

from __future__ import annotations

import nbformat
import pytest

from tests.grading_fixtures.bad_submissions import nb_bytes, write
from tests.grading_fixtures.minicourse import CORRECT, make_course, student_notebook
from tools.autograde import autograde, gradebook_url
from tools.course import run_nbgrader
from tools.grading.canary import message
from tools.sandbox import sandbox_problem


def test_the_message_lists_what_failed_and_what_to_check():
    text = message(
        [f"91_alpha/91_alpha: test_{i} scored 0/1: ModuleNotFoundError" for i in range(25)], "sandbox"
    )
    assert text.startswith("refusing to grade: the reference solutions do not earn full marks")
    assert "test_0 scored 0/1" in text and "... and 5 more" in text and "cs_utils" in text


@pytest.mark.slow
def test_a_broken_environment_stops_the_run_before_any_student(tmp_path):
    course = make_course(tmp_path / "course")
    source = course / "solutions" / "91_alpha" / "91_alpha.ipynb"
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_add_small":
            cell.source = (
                "import tests.grading_fixtures  # not importable in the grading kernel\n" + cell.source
            )
    nbformat.write(nb, source)
    result = run_nbgrader(["generate_assignment", "91_alpha", "--force"], course)
    assert result.returncode == 0, result.stderr
    for assignment in ("91_alpha", "92_beta"):
        write(
            tmp_path / "in",
            f"good/{assignment}/{assignment}.ipynb",
            nb_bytes(student_notebook(course, assignment, CORRECT[assignment])),
        )
    with pytest.raises(SystemExit) as stopped:
        autograde(tmp_path / "in", course, jobs=2, unconfined=sandbox_problem() is not None)
    text = str(stopped.value)
    assert "reference solutions do not earn full marks" in text
    assert (
        "91_alpha/91_alpha: test_add_small scored 0/1: ModuleNotFoundError: No module named 'tests'" in text
    )
    assert "92_beta" not in text, "only what failed"
    assert not (course / "autograded" / "good").exists(), "no student was graded"
    assert not (course / "submitted" / "good").exists(), "nor staged: a stopped run changes nothing of theirs"
    assert not (course / "autograde.csv").exists()
    leftovers = [
        p.name for d in ("submitted", "autograded", "feedback") for p in (course / d).glob("_canary*")
    ]
    assert leftovers == [], "the canary leaves nothing behind"
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        assert [s.id for s in gb.students if s.id.startswith("_canary")] == []
