"""The prepared submissions (tests/submissions/) are well formed: cheap checks for `make check`.

Grading them is tests/test_autograde.py's job (slow); here every case must load, build a notebook
from the release, and every assignment must have a plausible mistake and a correct alternative.
"""

from __future__ import annotations

import pytest

from tests.support.cases import SUBMISSIONS, build_case, case_answers, case_path, cases, load_case
from tools.course import assignments

EXPECTATIONS = {"full", "partial", "zero"}


@pytest.mark.parametrize("assignment", assignments())
def test_every_assignment_has_prepared_mistakes_and_alternatives(assignment):
    expectations = [load_case(p).EXPECT for p in (SUBMISSIONS / assignment).glob("*.py")]
    where = f"tests/submissions/{assignment}"
    assert "partial" in expectations, f"{where} has no prepared plausible mistake"
    assert "full" in expectations, f"{where} has no correct answer written differently"


@pytest.mark.parametrize("assignment, name", cases())
def test_case_builds_a_notebook(assignment, name):
    case = load_case(case_path(assignment, name))
    expect = case.EXPECT
    assert expect in EXPECTATIONS or expect.startswith("same_as:"), f"{name}: EXPECT {expect!r}"
    assert (case.__doc__ or "").strip(), f"{assignment}/{name} needs a docstring saying which mistake it is"
    nb = build_case(assignment, name)
    sources = [c.source for c in nb.cells]
    for grade_id, answer in case_answers(assignment, name).items():
        assert any(answer.strip() in source for source in sources), f"{name}: no answer {grade_id}"
