"""Autograding that holds up: bad submissions, escapes, reruns, parallel workers, time limits.

Every bad submission of tests/grading_fixtures/bad_submissions.py is graded in ONE run of
tools/autograde.py, next to a correct submission (``good``) that must keep full marks, on the
two-notebook mini course of tests/grading_fixtures/minicourse.py (seconds per notebook, unlike the
real course). The run uses the bubblewrap sandbox when it is available (.ci/install-bubblewrap.sh)
and the unconfined kernel, with its resource limits, otherwise; the escape test needs the sandbox.
"""

from __future__ import annotations

import csv
import hashlib
import os
import time
from pathlib import Path

import nbformat
import pytest

from tests.grading_fixtures import bad_submissions
from tests.grading_fixtures.minicourse import CANARY, MAX_SCORE, make_course
from tools.autograde import autograde, gradebook_url
from tools.course import ROOT
from tools.sandbox import sandbox_problem

pytestmark = pytest.mark.slow
SANDBOX_PROBLEM = sandbox_problem()
needs_sandbox = pytest.mark.skipif(SANDBOX_PROBLEM is not None,
                                   reason=f"no grading sandbox: {SANDBOX_PROBLEM}")


def table(rows):
    return {(r["student"], r["assignment"]): r for r in rows}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("grading")
    course = make_course(base / "course")
    source = base / "incoming"
    expect = bad_submissions.build(course, source, ROOT)
    before = {name: digest(course / name) for name in ("nbgrader_config.py", "gradebook.db")}
    start = time.monotonic()
    rows = autograde(source, course, jobs=os.cpu_count() or 2, timeout=600, cell_timeout=20, memory_mb=1024,
                     unconfined=SANDBOX_PROBLEM is not None)
    elapsed = time.monotonic() - start
    report = (course / "grades_report.md").read_text()
    return {"course": course, "rows": rows, "expect": expect, "report": report, "before": before,
            "elapsed": elapsed, "base": base}


def test_correct_submission_keeps_full_marks(run):
    got = table(run["rows"])
    for assignment, top in MAX_SCORE.items():
        row = got[("good", assignment)]
        assert (row["score"], row["max_score"], row["status"]) == (top, top, "ok")


@pytest.mark.parametrize("student", ["flip", "infinite_loop", "kernel_death", "memory_hog", "fork_bomb",
                                     "huge_output", "invalid_json", "missing", "renamed", "extra_files",
                                     "edited_tests", "attacker"])
def test_bad_submission_outcome(run, student):
    got = table(run["rows"])
    for assignment, expected in run["expect"][student].items():
        row = got[(student, assignment)]
        assert row["max_score"] == MAX_SCORE[assignment]
        if expected is None:
            assert row["status"] in ("invalid", "missing") and row["score"] == 0, row
        else:
            assert row["status"] == "ok" and row["score"] == expected, row


def test_every_row_once_and_csv_matches(run):
    """Parallel workers lose and duplicate nothing: one row per student, assignment and notebook."""
    keys = [(r["student"], r["assignment"], r["notebook"]) for r in run["rows"]]
    assert len(keys) == len(set(keys)) == len(run["expect"]) * len(MAX_SCORE)
    with open(run["course"] / "grades.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["student", "assignment", "notebook", "score", "max_score", "status"]
    assert len(rows) == len(keys)
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(run["course"])) as gb:
        for assignment in MAX_SCORE:
            graded = {s.student_id for s in gb.find_assignment(assignment).submissions}
            ok = {s for (s, a), r in table(run["rows"]).items() if a == assignment and r["status"] == "ok"}
            assert ok <= graded


@pytest.mark.parametrize("student, assignment, words", [
    ("invalid_json", "91_alpha", "not a valid notebook"),
    ("missing", "91_alpha", "91_alpha.ipynb is missing"),
    ("renamed", "91_alpha", "graded 91_alpha/91_alpha-Copy1.ipynb as 91_alpha.ipynb (renamed)"),
    ("renamed", "92_beta", "graded 92_beta/my homework.ipynb as 92_beta.ipynb (renamed)"),
    ("extra_files", "91_alpha", "ignored extra file extra_files/notes.txt"),
    ("extra_files", "91_alpha", "ignored notebook extra_files/scratch.ipynb"),
    ("kernel_death", "91_alpha", "the kernel died in answer and was restarted"),
    ("infinite_loop", "91_alpha", "ran past the per-cell time limit"),
    ("memory_hog", "91_alpha", "ran out of memory"),
    ("huge_output", "91_alpha", "was truncated"),
])
def test_report_says_what_happened(run, student, assignment, words):
    section = run["report"].split(f"## {student}\n", 1)[1].split("\n## ", 1)[0]
    assert words in section, section


def test_huge_output_is_truncated(run):
    autograded = run["course"] / "autograded" / "huge_output" / "91_alpha" / "91_alpha.ipynb"
    feedback = run["course"] / "feedback" / "huge_output" / "91_alpha" / "91_alpha.html"
    assert autograded.stat().st_size < 1_000_000
    assert feedback.stat().st_size < 2_000_000


def test_deleted_and_edited_tests_are_restored(run):
    nb = nbformat.read(run["course"] / "autograded" / "edited_tests" / "91_alpha" / "91_alpha.ipynb", 4)
    sources = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nb.cells}
    assert "test_add_many" in sources, "the deleted test cell was not restored"
    assert "add(1, 2) == 3" in sources["test_add_small"], "the edited test cell was not restored"


def test_feedback_hides_hidden_tests(run):
    html = (run["course"] / "feedback" / "good" / "91_alpha" / "91_alpha.html").read_text()
    assert "add(-5, 5)" not in html and "BEGIN HIDDEN TESTS" not in html


@needs_sandbox
def test_sandbox_blocks_every_escape(run):
    course = run["course"]
    nb = nbformat.read(course / "autograded" / "attacker" / "91_alpha" / "91_alpha.ipynb", 4)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer")
    text = "".join(o.get("text", "") for o in answer.outputs)
    blocked = [line for line in text.splitlines() if line.startswith("BLOCKED")]
    escaped = [line for line in text.splitlines() if line.startswith("ESCAPED")]
    assert not escaped, escaped
    assert len(blocked) == bad_submissions.ATTACK.count('attempt("'), text
    assert not (course / "pwned.txt").exists()
    assert digest(course / "nbgrader_config.py") == run["before"]["nbgrader_config.py"]
    for path in (course / "autograded").rglob("*"):  # no solution text reached any student's output
        if path.is_file() and path.suffix in (".ipynb", ".html"):
            assert CANARY not in path.read_text(errors="replace"), path


def test_rerun_is_idempotent_and_drops_stale_scores(run):
    """Regrade: ``good`` unchanged keeps its rows; ``flip`` now sends invalid JSON and its old 3/3 is gone."""
    course, base = run["course"], run["base"]
    source = base / "incoming2"
    (source / "good").mkdir(parents=True)
    os.symlink(base / "incoming" / "good" / "91_alpha", source / "good" / "91_alpha")
    os.symlink(base / "incoming" / "good" / "92_beta", source / "good" / "92_beta")
    bad_submissions.write(source, "flip/91_alpha/91_alpha.ipynb", b"not json")
    bad_submissions.write(source, "flip/92_beta/92_beta.ipynb",
                          (base / "incoming" / "flip" / "92_beta" / "92_beta.ipynb").read_bytes())
    rows = table(autograde(source, course, jobs=2, timeout=600, cell_timeout=20,
                           unconfined=SANDBOX_PROBLEM is not None))
    first = table(run["rows"])
    assert rows[("good", "91_alpha")] == first[("good", "91_alpha")]
    assert rows[("good", "92_beta")] == first[("good", "92_beta")]
    assert rows[("flip", "91_alpha")]["score"] == 0 and rows[("flip", "91_alpha")]["status"] == "invalid"
    assert rows[("flip", "92_beta")]["score"] == 2
    assert not (course / "autograded" / "flip" / "91_alpha").exists()
    assert not (course / "feedback" / "flip" / "91_alpha").exists()
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        assert gb.find_submission_notebook("91_alpha", "91_alpha", "flip").score == 0
        assert gb.find_submission_notebook("91_alpha", "91_alpha", "good").score == 3


def test_whole_student_time_limit(tmp_path):
    """No per-notebook limit exists in nbgrader: the student's whole run is bounded and killed."""
    course = make_course(tmp_path / "course")
    from tests.grading_fixtures.minicourse import CORRECT, student_notebook

    nb = student_notebook(course, "91_alpha", "import time\ntime.sleep(120)\n" + CORRECT["91_alpha"])
    bad_submissions.write(tmp_path / "in", "slow/91_alpha/91_alpha.ipynb", bad_submissions.nb_bytes(nb))
    nb = student_notebook(course, "92_beta", CORRECT["92_beta"])
    bad_submissions.write(tmp_path / "in", "slow/92_beta/92_beta.ipynb", bad_submissions.nb_bytes(nb))
    start = time.monotonic()
    rows = table(autograde(tmp_path / "in", course, jobs=1, timeout=15,
                           unconfined=SANDBOX_PROBLEM is not None))
    assert time.monotonic() - start < 60
    assert rows[("slow", "91_alpha")]["status"] == "timeout" and rows[("slow", "91_alpha")]["score"] == 0
    assert rows[("slow", "92_beta")]["status"] == "timeout"
    assert "time limit" in (course / "grades_report.md").read_text()
