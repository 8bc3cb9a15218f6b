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
import json
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

pytestmark = [pytest.mark.slow, pytest.mark.many_gradings]
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
    rows = autograde(source, course, jobs=os.cpu_count() or 2, timeout=600, cell_timeout=20,
                     test_cell_timeout=15, memory_mb=1024, unconfined=SANDBOX_PROBLEM is not None)
    elapsed = time.monotonic() - start
    report = (course / "autograde_report.md").read_text()
    return {"course": course, "rows": rows, "expect": expect, "report": report, "before": before,
            "elapsed": elapsed, "base": base}


def test_correct_submission_keeps_full_marks(run):
    got = table(run["rows"])
    for assignment, top in MAX_SCORE.items():
        row = got[("good", assignment)]
        assert (row["score"], row["max_score"], row["status"]) == (top, top, "ok")


@pytest.mark.parametrize("student", ["flip", "infinite_loop", "loops_everywhere", "kernel_death",
                                     "memory_hog", "fork_bomb", "huge_output", "invalid_json", "missing",
                                     "renamed", "extra_files", "duplicates", "edited_tests",
                                     "metadata_dropped", "metadata_dropped_wrong", "duplicated_cells",
                                     "rewritten_answer", "48213", "5521", "zip_slip", "linked_solutions",
                                     "attacker"])
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
    with open(run["course"] / "autograde.csv") as fh:
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
    ("extra_files", "91_alpha",
     "extra_files/notes.txt goes with the notebooks of its folder: 91_alpha, 92_beta"),
    ("extra_files", "91_alpha", "ignored notebook extra_files/scratch.ipynb"),
    ("kernel_death", "91_alpha", "the kernel died in answer and was restarted"),
    ("infinite_loop", "91_alpha", "ran past the per-cell time limit"),
    ("loops_everywhere", "91_alpha", "91_alpha: test_add_small ran past the per-cell time limit (15 s)"),
    ("loops_everywhere", "91_alpha", "91_alpha: test_add_many ran past the per-cell time limit (15 s)"),
    ("duplicates", "91_alpha", "ignored 91_alpha.ipynb as 91_alpha.ipynb: 91_alpha-Copy1.ipynb has more "
                               "answers"),
    ("duplicates", "92_beta", "needs review: 92_beta.ipynb was handed in more than once with different "
                              "answers"),
    ("memory_hog", "91_alpha", "ran out of memory"),
    ("edited_tests", "91_alpha", "91_alpha: the locked cell test_add_small was edited; graded as released"),
    ("edited_tests", "91_alpha", "91_alpha: the test cell test_add_many was deleted; graded as released"),
    ("huge_output", "91_alpha", "was truncated"),
    ("metadata_dropped", "91_alpha", "graded Copy of 91_alpha.ipynb as 91_alpha.ipynb (renamed)"),
    ("metadata_dropped", "91_alpha", "91_alpha: the test cell test_add_many was deleted; graded as released"),
    ("duplicated_cells", "91_alpha", "91_alpha: the cell answer was handed in 2 times"),
    ("duplicated_cells", "91_alpha", "91_alpha: the cell test_add_small was handed in 2 times"),
    ("duplicated_cells", "92_beta", "92_beta: the exercise cell answer was handed in as a markdown cell"),
    ("rewritten_answer", "91_alpha", "91_alpha: the cell test_scale is not a cell of this notebook"),
    ("rewritten_answer", "91_alpha", "91_alpha: the test cell test_add_small was deleted"),
    ("48213", "91_alpha", "Canvas download: smithjohn (user 48213)"),
    ("48213", "92_beta", "92_beta-1.ipynb was handed in late (Canvas marked it LATE)"),
    ("48213", "92_beta", "graded 92_beta-1.ipynb as 92_beta.ipynb (renamed)"),
    ("5521", "91_alpha", "Moodle download: John Smith (participant 5521)"),
    ("zip_slip", "91_alpha", "ignored 91_alpha/../../../nbgrader_config.py: a path that leads out of"),
    ("linked_solutions", "91_alpha", "ignored 91_alpha/91_alpha.ipynb: a link that leads out of the hand-in"),
    ("linked_solutions", "91_alpha", "ignored 92_beta: a link into the course's own folders"),
])
def test_report_says_what_happened(run, student, assignment, words):
    section = run["report"].split(f"## {student}\n", 1)[1].split("\n## ", 1)[0]
    assert words in section, section


def test_files_beside_a_notebook_are_graded_with_it(run):
    """A saved model handed in beside a notebook must reach the grading kernel's folder."""
    for assignment in ("91_alpha", "92_beta"):
        staged = run["course"] / "autograded" / "extra_files" / assignment / "notes.txt"
        assert staged.read_text() == "my notes"


def test_a_zip_cannot_write_outside_its_staging_folder(run):
    assert digest(run["course"] / "nbgrader_config.py") == run["before"]["nbgrader_config.py"]
    assert not (run["base"] / "zip_slip.txt").exists() and not (run["base"].parent / "zip_slip.txt").exists()
    assert not Path("/tmp/zip_slip_absolute.txt").exists()
    assert sorted(p.name for p in (run["course"] / "submitted" / "zip_slip").rglob("*") if p.is_file()) == [
        "91_alpha.ipynb", "92_beta.ipynb"]


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
    logs = run["course"] / "autograde_logs"
    edited = (logs / "edited_tests.91_alpha.log").read_text()
    assert "Attribute 'checksum' for cell test_add_small has changed" in edited
    for student in ("good", "renamed", "duplicates"):  # as released: hidden tests come back without a word
        assert "has changed" not in (logs / f"{student}.91_alpha.log").read_text(), student


def test_feedback_hides_hidden_tests(run):
    html = (run["course"] / "feedback" / "good" / "91_alpha" / "91_alpha.html").read_text()
    assert "add(-5, 5)" not in html and "BEGIN HIDDEN TESTS" not in html


def test_feedback_is_offline_wraps_and_names_each_test(run):
    html = (run["course"] / "feedback" / "loops_everywhere" / "91_alpha" / "91_alpha.html").read_text()
    assert "<script" not in html and "mathjax" not in html.lower(), "nothing is loaded from the internet"
    assert "white-space: pre-wrap" in html, "long messages wrap"
    assert '<li class="failed"><a href="#test_add_small"><code>test_add_small</code></a>' in html
    assert ">Test cell<" not in html


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


def test_the_canary_ran_first_and_left_nothing(run):
    header = run["report"].split("\n## ", 1)[0]
    assert "Canary: the reference solutions of 2 assignment(s) earned full marks" in header
    memo = json.loads((run["course"] / "autograde_work" / "canary.json").read_text())
    assert sorted(memo) == ["91_alpha", "92_beta"], "both passing verdicts are remembered for the next run"
    assert "15 s per test cell" in header, "the report states the limits"
    course = run["course"]
    assert [p for d in ("submitted", "autograded", "feedback") for p in (course / d).glob("_canary*")] == []
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        assert not [s.id for s in gb.students if s.id.startswith("_canary")]


def test_the_formgrader_lists_the_graded_submissions(run):
    """nbgrader's own count ("# Submissions") agrees with the graded rows: they are in submitted/."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(run["course"])).load_config()
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    for assignment in MAX_SCORE:
        graded = {s for (s, a), r in table(run["rows"]).items() if a == assignment and r["status"] == "ok"}
        assert api.get_submitted_students(assignment) == graded
        assert api.get_assignment(assignment)["num_submissions"] == len(graded)


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
    rows = table(autograde(source, course, jobs=2, timeout=600, cell_timeout=20, test_cell_timeout=15,
                           unconfined=SANDBOX_PROBLEM is not None, canary=False))
    first = table(run["rows"])
    assert rows[("good", "91_alpha")] == first[("good", "91_alpha")]
    assert rows[("good", "92_beta")] == first[("good", "92_beta")]
    assert rows[("flip", "91_alpha")]["score"] == 0 and rows[("flip", "91_alpha")]["status"] == "invalid"
    assert rows[("flip", "92_beta")]["score"] == 2
    assert not (course / "autograded" / "flip" / "91_alpha").exists()
    assert not (course / "feedback" / "flip" / "91_alpha").exists()
    assert not (course / "autograde_logs" / "flip.91_alpha.log").exists(), "no stale log survives"
    assert (course / "autograde_logs" / "flip.92_beta.log").exists()
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        assert gb.find_submission_notebook("91_alpha", "91_alpha", "flip").score == 0
        assert gb.find_submission_notebook("91_alpha", "91_alpha", "good").score == 3


def test_whole_student_time_limit(tmp_path):
    """An optional limit for a student's whole run (``timeout``): when it runs out, the worker and its
    kernels are killed and the assignments not finished are ``timeout``."""
    course = make_course(tmp_path / "course")
    from tests.grading_fixtures.minicourse import CORRECT, student_notebook

    nb = student_notebook(course, "91_alpha", "import time\ntime.sleep(120)\n" + CORRECT["91_alpha"])
    bad_submissions.write(tmp_path / "in", "slow/91_alpha/91_alpha.ipynb", bad_submissions.nb_bytes(nb))
    nb = student_notebook(course, "92_beta", CORRECT["92_beta"])
    bad_submissions.write(tmp_path / "in", "slow/92_beta/92_beta.ipynb", bad_submissions.nb_bytes(nb))
    start = time.monotonic()
    rows = table(autograde(tmp_path / "in", course, jobs=1, timeout=15, canary=False,
                           unconfined=SANDBOX_PROBLEM is not None))
    assert time.monotonic() - start < 60
    assert rows[("slow", "91_alpha")]["status"] == "timeout" and rows[("slow", "91_alpha")]["score"] == 0
    assert rows[("slow", "92_beta")]["status"] == "timeout"
    assert "time limit" in (course / "autograde_report.md").read_text()



def test_an_assignment_past_its_hard_limit_is_stopped_and_the_rest_graded(tmp_path, monkeypatch):
    """Should nbgrader itself outlast an assignment's budgets, its worker is killed, that assignment
    is ``timeout``, and a fresh worker grades the student's other assignments as usual."""
    from tests.grading_fixtures.minicourse import CORRECT, student_notebook
    from tools.grading import worker

    # Only the stuck assignment gets the short limit: on a busy machine the other may need more than 30 s.
    real_count, real_limit = worker._notebooks, worker.hard_limit
    monkeypatch.setattr(worker, "_notebooks", lambda ctx, a: -1 if a == "91_alpha" else real_count(ctx, a))
    monkeypatch.setattr(worker, "hard_limit", lambda s, n: 30.0 if n == -1 else real_limit(s, n))
    course = make_course(tmp_path / "course")
    nb = student_notebook(course, "91_alpha", "import time\ntime.sleep(120)\n" + CORRECT["91_alpha"])
    bad_submissions.write(tmp_path / "in", "stuck/91_alpha/91_alpha.ipynb", bad_submissions.nb_bytes(nb))
    nb = student_notebook(course, "92_beta", CORRECT["92_beta"])
    bad_submissions.write(tmp_path / "in", "stuck/92_beta/92_beta.ipynb", bad_submissions.nb_bytes(nb))
    rows = table(autograde(tmp_path / "in", course, jobs=1, canary=False,
                           unconfined=SANDBOX_PROBLEM is not None))
    assert (rows[("stuck", "91_alpha")]["status"], rows[("stuck", "91_alpha")]["score"]) == ("timeout", 0)
    assert (rows[("stuck", "92_beta")]["status"], rows[("stuck", "92_beta")]["score"]) == ("ok", 2)
    assert "took more than 30 s and was stopped" in (course / "autograde_report.md").read_text()
