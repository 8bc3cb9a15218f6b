"""The prepared submissions that tests/test_autograde.py grades: finding, loading and building them.

A case is a Python file, tests/submissions/<assignment>/<case>.py or a tampering fixture under
tests/grading_fixtures/tampering/; tests/submissions/README.md documents its keys.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import nbformat

from tests.support.notebooks import cell_by_grade_id
from tools.course import ROOT, assignments, hand_in_reference_files

SUBMISSIONS = Path(__file__).parent.parent / "submissions"
# Tampering fixtures of the grading tests (tests/grading_fixtures/tampering), graded in the same run.
CASE_DIRS = [SUBMISSIONS, Path(__file__).parent.parent / "grading_fixtures" / "tampering"]


class CaseError(ValueError):
    """A prepared case that cannot be built as written (a bad BASED_ON or REPLACE)."""


def case_path(assignment: str, name: str) -> Path:
    for d in CASE_DIRS:
        if (d / assignment / f"{name}.py").exists():
            return d / assignment / f"{name}.py"
    raise CaseError(f"no case {assignment}/{name} in {', '.join(str(d) for d in CASE_DIRS)}")


def selected_assignments() -> list[str]:
    wanted = [a for a in os.environ.get("CS_ASSIGNMENTS", "").split(",") if a]
    return [a for a in assignments() if not wanted or a in wanted]


def load_case(path: Path):
    spec = importlib.util.spec_from_file_location(f"case_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases() -> list[tuple[str, str]]:
    return [(a, p.stem) for a in selected_assignments() for d in CASE_DIRS
            for p in sorted((d / a).glob("*.py"))]


def case_answers(assignment: str, name: str, _chain: tuple[str, ...] = ()) -> dict[str, str]:
    """{grade_id: source}: the answers of the case it is BASED_ON (recursively), edited by its REPLACE,
    then overridden cell by cell by its own ANSWERS.

    REPLACE = {grade_id: [(old, new), ...]} rewrites the base's answer for grade_id with one
    ``str.replace`` (every occurrence) after the other; an ``old`` that does not occur is an error.
    """
    where = f"{assignment}/{name}"
    if name in _chain:
        raise CaseError(f"{where}: BASED_ON loops: {' -> '.join((*_chain, name))}")
    case = load_case(case_path(assignment, name))
    own = getattr(case, "ANSWERS", {})
    replace = getattr(case, "REPLACE", {})
    if not hasattr(case, "BASED_ON"):
        if replace:
            raise CaseError(f"{where}: REPLACE needs a BASED_ON case to apply to")
        return dict(own)
    answers = case_answers(assignment, case.BASED_ON, (*_chain, name))
    for grade_id, pairs in replace.items():
        if grade_id in own:
            raise CaseError(f"{where}: {grade_id!r} is in both REPLACE and ANSWERS "
                            "(ANSWERS would discard the replacements)")
        if grade_id not in answers:
            raise CaseError(f"{where}: REPLACE[{grade_id!r}]: the base case {case.BASED_ON} "
                            "has no answer for that grade id")
        source = answers[grade_id]
        for old, new in pairs:
            if old not in source:
                raise CaseError(f"{where}: REPLACE[{grade_id!r}]: {old!r} does not occur in the answer of "
                                f"{case.BASED_ON} (after the replacements before it): it would do nothing")
            source = source.replace(old, new)
        answers[grade_id] = source
    return {**answers, **own}


def build_case(assignment: str, name: str) -> nbformat.NotebookNode:
    case = load_case(case_path(assignment, name))
    answers = case_answers(assignment, name)
    nb = nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    for grade_id, source in answers.items():
        cell_by_grade_id(nb, grade_id).source = source.strip("\n")
    if not getattr(case, "KEEP_EXPERIMENTS", False):
        nb.cells = [c for c in nb.cells if "experiment" not in c.metadata.get("tags", [])]
    if hasattr(case, "EDIT"):
        nb = case.EDIT(nb, cell_by_grade_id)
    return nb


def handin_folder(assignment: str, name: str) -> Path:
    """Where a case keeps the files it hands in beside its notebook: ``<case>.handin/``."""
    return case_path(assignment, name).with_suffix(".handin")


def hand_in_case_files(assignment: str, name: str, folder: Path, _chain: tuple[str, ...] = ()) -> None:
    """Copy into the hand-in ``folder`` the files the case hands in beside its notebook: those of
    its ``<case>.handin/`` folder, else those of the case it is BASED_ON (recursively), else the
    reference solution's (notebook 12's checkpoint); then its ``HANDIN(folder)`` edits them."""
    if name in _chain:
        raise CaseError(f"{assignment}/{name}: BASED_ON loops: {' -> '.join((*_chain, name))}")
    case = load_case(case_path(assignment, name))
    own = handin_folder(assignment, name)
    if own.is_dir():
        for path in sorted(own.iterdir()):
            shutil.copy(path, folder / path.name)
    elif hasattr(case, "BASED_ON"):
        hand_in_case_files(assignment, case.BASED_ON, folder, (*_chain, name))
    else:
        hand_in_reference_files(ROOT, assignment, folder)
    if hasattr(case, "HANDIN"):
        case.HANDIN(folder)
