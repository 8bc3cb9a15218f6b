"""The design challenge's hand-in files are current (notebook 12).

The grader never trains: the canary and the tests hand in the reference solution's checkpoint
(solutions/12_complexity/reference_handin/) and the prepared ``alternative`` case its own
(tests/submissions/12_complexity/alternative.handin/). Each must come from the design now in its
notebook, keep the quick budget and reach the third tier, or the canary stops every grading run.
These tests load and evaluate each checkpoint as the grader does (seconds); a stale one fails here,
in `make check`, with the command that remakes it.
"""

from __future__ import annotations

import importlib.util
import inspect

import nbformat
import pytest
import torch

from tests.support.cases import case_answers, handin_folder
from tools.course import ROOT, reference_handin

challenge = pytest.importorskip("cs_utils.challenge")
ASSIGNMENT = "12_complexity"


def builder_source(cell_source: str, tmp_path) -> str:
    """``inspect.getsource(build_challenge_model)`` as the notebook computes it from this cell."""
    module_path = tmp_path / "design.py"
    module_path.write_text(cell_source)
    spec = importlib.util.spec_from_file_location("design", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return inspect.getsource(module.build_challenge_model)


def check(path, expected_source: str, remake: str) -> None:
    checkpoint = challenge.read_checkpoint(path)
    assert checkpoint["build_source"] == expected_source, (
        f"{path} was saved from another build_challenge_model than the notebook's: remake it with {remake}")
    assert checkpoint["mode"] == "quick", f"{path}: the course grades in quick mode"
    assert challenge.budget_problem(checkpoint) is None, challenge.budget_problem(checkpoint)
    accuracy, _ = challenge.checkpoint_accuracy(path)
    assert accuracy >= challenge.TIERS["quick"][2], (
        f"{path}: test accuracy {accuracy:.1%} is below the third tier, {challenge.TIERS['quick'][2]:.1%}; "
        f"the grading tests expect full marks (remake it with {remake}, or revisit the design or the tiers)")


def test_the_reference_checkpoint_is_the_solutions(tmp_path):
    files = reference_handin(ROOT, ASSIGNMENT)
    assert [p.name for p in files] == [challenge.CHECKPOINT], f"the reference hands in {files}"
    nb = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "challenge_design")
    check(files[0], builder_source(cell.source, tmp_path), f"`python -m tools.reference_handin {ASSIGNMENT}`")


def test_the_alternative_design_hands_in_its_own_checkpoint(tmp_path):
    source = case_answers(ASSIGNMENT, "alternative")["challenge_design"]
    check(handin_folder(ASSIGNMENT, "alternative") / challenge.CHECKPOINT, builder_source(source, tmp_path),
          f"`python -m tests.support.handins {ASSIGNMENT} alternative`")


def test_no_checkpoint_reaches_the_students():
    assert not [p for p in (ROOT / "notebooks").rglob("*") if p.suffix in {".pt", ".pth"}
                or p.name == "reference_handin"], "the student release holds a trained model"


def test_a_checkpoint_is_plain_data():
    """weights_only=True reads it: loading a hand-in never runs pickled code."""
    path = reference_handin(ROOT, ASSIGNMENT)[0]
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    assert isinstance(checkpoint["build_source"], str) and isinstance(checkpoint["state_dict"], dict)
