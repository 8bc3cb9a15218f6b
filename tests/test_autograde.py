"""Autograding end to end, through nbgrader's real CLI, in a throwaway copy of the course.

For every assignment, the reference solution earns full marks and the untouched release earns 0.
The prepared submissions in tests/submissions/ (see its README) check that plausible mistakes lose
points, that correct answers written differently earn full marks, and that tampering earns nothing.
Set CS_ASSIGNMENTS=01_convolution,02_stride_padding to grade only some assignments.

Tiers: the module grades only what its selected tests need. `make test` deselects the prepared cases
(marker ``many_gradings``) but for the tampering fixtures and the two cases other tests read; CI grades
all of them in `make test-grading`, after `make test`.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import nbformat
import pytest
from nbgrader.validator import Validator

from tests.support.cases import (
    CASE_DIRS,
    build_case,
    case_path,
    cases,
    hand_in_case_files,
    load_case,
    selected_assignments,
)
from tests.support.notebooks import write_submission
from tools.autograde import autograde
from tools.course import copy_course, hand_in_reference_files
from tools.release import release_in_subprocess
from tools.sandbox import sandbox_problem

pytestmark = pytest.mark.slow

REFERENCES = ("solution", "untouched")
# Prepared cases that `make test` grades too: tampering must always earn nothing, and two tests below
# read these students' graded notebooks.
ALWAYS_GRADED = {("01_convolution", "flipped_kernel"), ("01_convolution", "helper_in_experiment_cell")}


def _in_make_test(assignment: str, name: str) -> bool:
    return (assignment, name) in ALWAYS_GRADED or case_path(assignment, name).is_relative_to(CASE_DIRS[1])


def prepared_cases() -> list:
    return [pytest.param(a, n, marks=() if _in_make_test(a, n) else pytest.mark.many_gradings)
            for a, n in cases()]


def _students_needed(item) -> set[tuple[str, str]]:
    """The (assignment, student) hand-ins that one selected test of this module reads."""
    params = getattr(item, "callspec", None)
    params = params.params if params else {}
    test = item.originalname
    if test == "test_prepared_submission":
        assignment, name = params["assignment"], params["name"]
        expect = load_case(case_path(assignment, name)).EXPECT
        other = [(assignment, expect.split(":", 1)[1])] if expect.startswith("same_as:") else []
        return {(assignment, name), *other}
    if "assignment" in params:
        return {(params["assignment"], student) for student in REFERENCES}
    if test == "test_grades_csv_and_feedback_without_hidden_tests":
        return {(a, s) for a in selected_assignments() for s in REFERENCES} | ALWAYS_GRADED
    if test == "test_every_cell_runs_when_a_student_edited_an_experiment":
        return set(ALWAYS_GRADED)
    if test == "test_experiment_cells_are_skipped_when_only_exercises_changed":
        return {(a, "solution") for a in selected_assignments()}
    return set()


@pytest.fixture(scope="module")
def grades(request, tmp_path_factory):
    """Grade, once and in parallel, every hand-in that this module's selected tests read; returns
    (course, {(assignment, student): (score, max, status)})."""
    here = request.node.path
    needed = set().union(*(_students_needed(item) for item in request.session.items if item.path == here))
    needed = {(a, s) for a, s in needed if a in selected_assignments()}
    course = copy_course(tmp_path_factory.mktemp("autograde") / "course")
    release_in_subprocess(course, sorted({a for a, _ in needed}))
    for name in sorted({a for a, _ in needed}):
        for student, folder in zip(REFERENCES, ("solutions", "notebooks")):
            if (name, student) in needed:
                nb = nbformat.read(course / folder / name / f"{name}.ipynb", 4)
                path = write_submission(course, student, name, nb)
                if student == "solution":  # with what it hands in (the challenge's checkpoint)
                    hand_in_reference_files(course, name, path.parent)
    for assignment, name in sorted(needed):
        if name not in REFERENCES:
            path = write_submission(course, name, assignment, build_case(assignment, name))
            hand_in_case_files(assignment, name, path.parent)
    # Sandboxed where bubblewrap works (.ci/install-bubblewrap.sh), else unconfined with its limits.
    # No canary: the student "solution" is the reference solutions, and must earn full marks below.
    # Under `make test` another pytest worker runs beside this one: take only this worker's share of
    # the cores, so that the notebooks it executes meanwhile keep their time budgets.
    jobs = max(1, (os.cpu_count() or 2) // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    rows = autograde(course / "submitted", course, jobs=jobs, timeout=900,
                     unconfined=sandbox_problem() is not None, canary=False)
    table = {(r["assignment"], r["student"]): (r["score"], r["max_score"], r["status"]) for r in rows}
    return course, table


def score(table, assignment, student):
    got, max_score, status = table[(assignment, student)]
    assert status == "ok", f"grading {student}'s {assignment} failed: {status}"
    assert max_score > 0
    return got, max_score


@pytest.mark.parametrize("assignment", selected_assignments())
def test_solution_earns_full_marks(grades, assignment):
    got, max_score = score(grades[1], assignment, "solution")
    assert got == max_score, f"the reference solution of {assignment} earned {got}/{max_score}"


@pytest.mark.parametrize("assignment", selected_assignments())
def test_untouched_release_earns_zero(grades, assignment):
    got, _ = score(grades[1], assignment, "untouched")
    assert got == 0, f"the untouched release of {assignment} earned {got}"


@pytest.mark.parametrize("assignment, name", prepared_cases())
def test_prepared_submission(grades, assignment, name):
    case = load_case(case_path(assignment, name))
    got, max_score = score(grades[1], assignment, name)
    summary = f"{assignment}/{name} ({(case.__doc__ or '').strip().splitlines()[0]}) earned {got}/{max_score}"
    if case.EXPECT == "full":
        assert got == max_score, summary
    elif case.EXPECT == "zero":
        assert got == 0, summary
    elif case.EXPECT == "partial":
        assert got < max_score, summary
        assert got <= getattr(case, "MAX_FRACTION", 1.0) * max_score, summary
    elif case.EXPECT.startswith("same_as:"):
        other, _ = score(grades[1], assignment, case.EXPECT.split(":", 1)[1])
        assert got == other, summary + f", expected the same as {case.EXPECT}"
    else:
        raise ValueError(f"{assignment}/{name}: unknown EXPECT {case.EXPECT!r}")


def validate_executed(path: Path) -> dict:
    """nbgrader's Validator verdict on a notebook that grading already executed (no second run).

    `nbgrader validate` exits 0 even when tests fail, so the Validator's result is what counts.
    """
    validator = Validator()
    validator.preprocessors = []  # the outputs are there: check them and the checksums only
    return validator.validate(str(path))


@pytest.mark.parametrize("assignment", selected_assignments())
def test_validator_passes_the_graded_solution_and_fails_the_untouched_release(grades, assignment):
    """Validate as a student would, on the copies that grading executed (no notebook runs twice)."""
    course, _ = grades
    solution = validate_executed(course / "autograded" / "solution" / assignment / f"{assignment}.ipynb")
    assert not any(solution.get(key) for key in ("failed", "changed", "type_changed")), solution
    untouched = validate_executed(course / "autograded" / "untouched" / assignment / f"{assignment}.ipynb")
    tests = [c for c in nbformat.read(course / "notebooks" / assignment / f"{assignment}.ipynb", 4).cells
             if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(untouched.get("failed", [])) == len(tests), (
        f"the Validator should fail every test cell of the untouched {assignment}: {untouched}")


def test_grades_csv_and_feedback_without_hidden_tests(grades):
    course, table = grades
    with open(course / "autograde.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["student", "assignment", "notebook", "score", "max_score", "status"]
    assert len(rows) == len(table)
    with open(course / "autograde_lms.csv") as fh:
        lms = list(csv.DictReader(fh))
    assert list(lms[0]) == ["student_id", *sorted(selected_assignments()), "total"]
    assert len(lms) == len({student for _, student in table}), "one row per student"
    solution = next(r for r in lms if r["student_id"] == "solution")
    assert float(solution["total"]) == sum(table[(a, "solution")][1] for a in selected_assignments())
    for assignment in selected_assignments():
        for html_path in (course / "feedback").glob(f"*/{assignment}/{assignment}.html"):
            html = html_path.read_text()
            assert "BEGIN HIDDEN TESTS" not in html, f"{html_path} shows hidden tests"
    if "01_convolution" in selected_assignments():
        html = (course / "feedback" / "flipped_kernel" / "01_convolution" / "01_convolution.html").read_text()
        assert "conv2d flipped the filter" in html, "feedback should show the failing test's message"
        assert "20261128" not in html, "feedback quotes a hidden test (its random seed)"
        assert "<script" not in html and "mathjax" not in html.lower(), "feedback loads nothing from the web"
        assert ">Test cell<" not in html and "<code>test_conv2d" in html, "tests are listed by grade id"


def _experiment_cells(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and "experiment" in c.metadata.get("tags", [])]


def _skipped(cell) -> bool:
    return any("[autograder] experiment cell" in o.get("text", "") for o in cell.get("outputs", []))


def test_experiment_cells_are_skipped_when_only_exercises_changed(grades):
    """The reference solution, submitted whole: its experiment cells are not run while grading."""
    course, _ = grades
    for assignment in selected_assignments():
        cells = _experiment_cells(course / "autograded" / "solution" / assignment / f"{assignment}.ipynb")
        assert cells, f"{assignment}: the autograded solution lost its experiment cells"
        ran = [c.source.splitlines()[0] for c in cells if not _skipped(c)]
        assert not ran, f"{assignment}: experiment cells ran while grading: {ran}"


def test_every_cell_runs_when_a_student_edited_an_experiment(grades):
    """An edited experiment cell runs, and so do the experiment cells it builds on."""
    if "01_convolution" not in selected_assignments():
        pytest.skip("needs 01_convolution")
    course, _ = grades
    cells = _experiment_cells(course / "autograded" / "helper_in_experiment_cell" / "01_convolution"
                              / "01_convolution.ipynb")
    assert sum("def correlate_all" in c.source for c in cells) == 1
    skipped = [c.source.splitlines()[0] for c in cells if _skipped(c)]
    assert not skipped, f"experiment cells skipped although the student edited one: {skipped}"
    errors = [o["evalue"] for c in cells for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"experiment cells failed while grading: {errors}"
