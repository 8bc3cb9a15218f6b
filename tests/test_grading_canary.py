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
from tools.grading.canary import MEMO, fingerprint, message, remember, remembered
from tools.grading.settings import GradingSettings
from tools.sandbox import sandbox_problem


def test_the_message_lists_what_failed_and_what_to_check():
    text = message(
        [f"91_alpha/91_alpha: test_{i} scored 0/1: ModuleNotFoundError" for i in range(25)], "sandbox"
    )
    assert text.startswith("refusing to grade: the reference solutions do not earn full marks")
    assert "test_0 scored 0/1" in text and "... and 5 more" in text and "cs_utils" in text


def _tiny_course(root):
    for rel, text in {"solutions/91_alpha/91_alpha.ipynb": "{}", "solutions/92_beta/92_beta.ipynb": "{}",
                      "nbgrader_config.py": "c = get_config()\n", "cs_utils/checks.py": "X = 1\n"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_the_fingerprint_follows_what_the_verdict_depends_on(tmp_path):
    course, settings = _tiny_course(tmp_path), GradingSettings()
    first = fingerprint(course, "91_alpha", settings, "sandbox")
    assert fingerprint(course, "91_alpha", settings, "sandbox") == first, "stable from one run to the next"
    assert fingerprint(course, "91_alpha", settings.replace(kernel_ipc="/tmp/x", sandbox_slot="3"),
                       "sandbox") == first, "a worker's own paths are not part of it"
    assert fingerprint(course, "92_beta", settings, "sandbox") != first
    assert fingerprint(course, "91_alpha", settings, "unconfined") != first
    assert fingerprint(course, "91_alpha", settings.replace(test_cell_timeout=5), "sandbox") != first
    (course / "cs_utils" / "checks.py").write_text("X = 2\n")
    second = fingerprint(course, "91_alpha", settings, "sandbox")
    assert second != first, "cs_utils changed"
    (course / "solutions" / "91_alpha" / "data.npz").write_bytes(b"new")
    assert fingerprint(course, "91_alpha", settings, "sandbox") != second, "a file of the assignment changed"


def test_only_passing_verdicts_with_the_same_fingerprint_are_remembered(tmp_path):
    assert remembered(tmp_path, {"91_alpha": "a"}) == set(), "nothing remembered yet"
    remember(tmp_path, {"91_alpha": "a", "92_beta": "b"})
    remember(tmp_path, {"92_beta": "c"})
    assert remembered(tmp_path, {"91_alpha": "a", "92_beta": "b"}) == {"91_alpha"}
    assert remembered(tmp_path, {"92_beta": "c"}) == {"92_beta"}
    (tmp_path / MEMO).write_text("{not json")
    assert remembered(tmp_path, {"91_alpha": "a"}) == set(), "an unreadable memo remembers nothing"


@pytest.mark.slow
@pytest.mark.many_gradings
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
    assert not (course / "autograde_work" / MEMO).exists(), "a failed canary is not remembered"
    leftovers = [
        p.name for d in ("submitted", "autograded", "feedback") for p in (course / d).glob("_canary*")
    ]
    assert leftovers == [], "the canary leaves nothing behind"
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        assert [s.id for s in gb.students if s.id.startswith("_canary")] == []
