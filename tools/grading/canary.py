"""The canary: before any student, grade the reference solutions the same way, and stop unless
they earn full marks.

An environment that breaks grading (``cs_utils`` not importable in the sandbox, a missing
package, limits too tight for this machine) makes every test fail for every student, while each
submission is still graded "ok". The canary is a student made of ``solutions/``, graded in the
same sandbox, with the same settings and workers, just before the students; when any of its
notebooks scores less than full marks, the run stops with what failed (each failing test and its
error), and no student is graded. Its id starts with ``_canary`` (refused as a student id), and
it is removed from the gradebook, ``submitted/``, ``autograded/`` and ``feedback/`` afterwards.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from tools.grading.collect import RESERVED_PREFIX
from tools.grading.records import Item, Status


def new_canary_id() -> str:
    return f"{RESERVED_PREFIX}-{secrets.token_hex(4)}"


def stage_canary(course: Path, stage: Path, student: str, assignments: list[str]) -> dict[str, Item]:
    """Put the reference solutions where nbgrader looks for ``student``'s submissions."""
    items = {}
    for assignment in assignments:
        folder = stage / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for nb in sorted((course / "solutions" / assignment).glob("*.ipynb")):
            shutil.copy(nb, folder / nb.name)
        items[assignment] = Item(student, assignment)
    return items


def failures(db_url: str, course: Path, items: dict[str, Item]) -> list[str]:
    """What kept the reference solutions from full marks, one line per failing test (empty: none)."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    problems = []
    with Gradebook(db_url) as gb:
        for assignment, item in sorted(items.items()):
            if item.status != Status.OK:
                problems.append(f"{assignment}: not graded ({item.status}): {'; '.join(item.notes)}")
                continue
            for nb_path in sorted((course / "solutions" / assignment).glob("*.ipynb")):
                try:
                    graded = gb.find_submission_notebook(nb_path.stem, assignment, item.student)
                except MissingEntry:
                    problems.append(f"{assignment}/{nb_path.stem}: not in the gradebook")
                    continue
                if graded.score >= graded.max_score:
                    continue
                executed = course / "autograded" / item.student / assignment / nb_path.name
                errors = {}
                if executed.exists():
                    for cell in nbformat.read(executed, as_version=4).cells:
                        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                        for output in cell.get("outputs", []):
                            if grade_id and output.get("output_type") == "error":
                                errors[grade_id] = f"{output.get('ename')}: {output.get('evalue')}"[:300]
                for grade in graded.grades:
                    if (grade.score or 0) < (grade.max_score or 0):
                        problems.append(f"{assignment}/{nb_path.stem}: {grade.name} scored {grade.score:g}/"
                                        f"{grade.max_score:g}: {errors.get(grade.name, 'no error shown')}")
    if problems:  # what else happened may explain it
        problems += [f"{a}: {e.describe()}" for a, item in sorted(items.items()) for e in item.events]
    return problems


def remove(db_url: str, course: Path, stage: Path, student: str, log_dir: Path) -> None:
    """Leave nothing of the canary behind."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            gb.remove_student(student)
        except MissingEntry:
            pass
    for folder in (stage, course / "autograded", course / "feedback"):
        shutil.rmtree(folder / student, ignore_errors=True)
    for log in log_dir.glob(f"{student}.*.log"):
        log.unlink(missing_ok=True)


def message(problems: list[str], mode: str) -> str:
    shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
    return ("refusing to grade: the reference solutions do not earn full marks in this grading environment "
            f"(kernel: {mode}), so every student would be graded wrongly. What failed:\n  - "
            + "\n  - ".join(shown)
            + "\nCheck that the course's packages are importable in the sandbox (cs_utils is bound read-only "
            "from the course; an editable install elsewhere is not visible), the limits (--memory-mb, "
            "--test-cell-timeout) and autograde_logs/.")
