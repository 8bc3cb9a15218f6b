"""Score a prepared case in seconds, for writing one: the solution notebook's tests, hidden ones
included, run in one kernel against the case's answers.

    python -m tests.support.quick_grade ASSIGNMENT CASE [CASE ...] [--messages] [--visible]

CASE is a case name under tests/submissions/ASSIGNMENT (its BASED_ON chain is resolved) or the path
of a case file anywhere (its ANSWERS only). Each graded test cell prints PASS or FAIL, with
``--messages`` the error a student would read, then the score. Cells tagged ``experiment`` are
skipped, as the grader may skip them. ``--visible`` leaves the hidden tests out, as in the student's
copy: does a student see the mistake before handing in?

This is not the autograder: no nbgrader, no sandbox, no tampering guard, and the hand-in files a
case brings (``HANDIN``, ``<case>.handin/``) are not used, so a tampering case or one that edits the
notebook (``EDIT``) is not modelled. Check a finished case with the real grader
(``CS_ASSIGNMENTS=<assignment> make test-grading``).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from dataclasses import dataclass

import nbformat

from tests.support.cases import SUBMISSIONS, case_answers
from tests.support.kernel import Kernel
from tools.course import ROOT

HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", re.S)


@dataclass
class CellResult:
    grade_id: str
    points: float
    passed: bool
    error: str


def answers_of(assignment: str, case: str) -> dict[str, str]:
    if (SUBMISSIONS / assignment / f"{case}.py").exists():
        return case_answers(assignment, case)
    spec = importlib.util.spec_from_file_location("quick_grade_case", case)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ANSWERS


def quick_grade(assignment: str, answers: dict[str, str],
                visible_only: bool = False) -> tuple[list[CellResult], dict[str, str]]:
    """The graded test cells' results, and the errors the answer cells raised by grade id."""
    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    kernel = Kernel(path.parent)
    results, answer_errors = [], {}
    try:
        for cell in nb.cells:
            if cell.cell_type != "code" or "experiment" in cell.metadata.get("tags", []):
                continue
            meta = cell.metadata.get("nbgrader", {})
            source = answers.get(meta.get("grade_id"), cell.source) if meta.get("solution") else cell.source
            if visible_only and meta.get("grade"):
                source = HIDDEN_TESTS.sub("", source)
            error = kernel.run(source)
            if meta.get("grade"):
                results.append(CellResult(meta["grade_id"], float(meta.get("points", 0)), not error, error))
            elif error and meta.get("solution"):
                answer_errors[meta["grade_id"]] = error
    finally:
        kernel.close()
    return results, answer_errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment")
    parser.add_argument("cases", nargs="+",
                        help="case names under tests/submissions/ASSIGNMENT, or case files")
    parser.add_argument("--messages", action="store_true", help="print each failing test's error")
    parser.add_argument("--visible", action="store_true", help="leave out the hidden tests, as students do")
    args = parser.parse_args(argv)
    for case in args.cases:
        results, answer_errors = quick_grade(args.assignment, answers_of(args.assignment, case), args.visible)
        print(f"== {case}")
        for grade_id, error in answer_errors.items():
            print(f"ERROR in the answer cell {grade_id}: {error[:800]}")
        for r in results:
            print(f"{'PASS' if r.passed else 'FAIL'} {r.grade_id} ({r.points:g})")
            if args.messages and r.error:
                print(f"    {r.error[:800]}")
        earned = sum(r.points for r in results if r.passed)
        print(f"score {earned:g}/{sum(r.points for r in results):g}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
