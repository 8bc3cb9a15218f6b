"""The canary: before any student, grade the reference solutions the same way, and stop unless
they earn full marks.

An environment that breaks grading (``cs_utils`` not importable in the sandbox, a missing
package, limits too tight for this machine) makes every test fail for every student, while each
submission is still graded "ok". The canary is a student made of ``solutions/``, graded in the
same sandbox, with the same settings and workers, just before the students; when any of its
notebooks scores less than full marks, the run stops with what failed (each failing test and its
error), and no student is graded. Its id starts with ``_canary`` (refused as a student id), and
it is removed from the gradebook, ``submitted/``, ``autograded/`` and ``feedback/`` afterwards.

A verdict is remembered (``autograde_work/canary.json``) per assignment, with a fingerprint of
everything it depends on: the assignment's source and release files, the course's
``nbgrader_config.py`` and ``cs_utils``, the grading code, the settings, the kernel mode, this
machine's Python and every installed package with its location. A later run whose fingerprint
matches skips that assignment's canary: grading late hand-ins costs no second course. Any change
(a package upgraded, ``cs_utils`` edited, a limit changed) runs it again; ``--canary-always``
does so regardless.
"""

from __future__ import annotations

import hashlib
import json
import platform
import secrets
import shutil
import sys
import sysconfig
from dataclasses import asdict
from functools import cache
from importlib import metadata
from pathlib import Path

from tools.course import ROOT, hand_in_reference_files
from tools.grading.collect import RESERVED_PREFIX
from tools.grading.records import Item, Status


def new_canary_id() -> str:
    return f"{RESERVED_PREFIX}-{secrets.token_hex(4)}"


MEMO = "canary.json"  # in the run's work folder
_GRADING_CODE = ("tools/grading", "tools/sandbox.py", "tools/autograde.py")


def _hash_files(digest, root: Path, paths) -> None:
    for path in sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")


@cache
def _environment() -> str:
    """This machine's Python and installed packages (name, version, location).

    Only the interpreter's site-packages count: ``metadata.distributions()`` also reads the first
    folder of ``sys.path``, the script's or the working directory (the repository root holds
    ``cs_utils.egg-info``), so the same environment printed differently by how the grader started."""
    site = sorted({sysconfig.get_paths()[key] for key in ("purelib", "platlib")})
    packages = sorted(f"{d.metadata['Name']}=={d.version}@{d.locate_file('')}"
                      for d in metadata.distributions(path=site))
    return "\n".join([sys.version, sys.executable, platform.node(), *packages])


def fingerprint(course: Path, assignment: str, settings, mode: str) -> str:
    """What the canary's verdict on ``assignment`` depends on, as one hash (see the module docstring)."""
    digest = hashlib.sha256()
    for folder in ("solutions", "notebooks"):  # the course's nbgrader source and release folders
        if (course / folder / assignment).is_dir():
            _hash_files(digest, course, (course / folder / assignment).rglob("*"))
    _hash_files(digest, course, [course / "nbgrader_config.py", *(course / "cs_utils").rglob("*.py")])
    for rel in _GRADING_CODE:
        _hash_files(digest, ROOT, [ROOT / rel] if (ROOT / rel).is_file() else (ROOT / rel).rglob("*.py"))
    per_run = {"kernel_ipc", "kernel_pids", "sandbox_slot"}
    fixed = {k: v for k, v in asdict(settings).items() if k not in per_run}
    digest.update(json.dumps(fixed, sort_keys=True, default=str).encode() + mode.encode())
    digest.update(_environment().encode())
    return digest.hexdigest()


def remembered(work: Path, prints: dict[str, str]) -> set[str]:
    """The assignments whose canary passed before with the same fingerprint."""
    try:
        memo = json.loads((work / MEMO).read_text())
    except (OSError, ValueError):
        return set()
    return {a for a, value in prints.items() if memo.get(a) == value}


def remember(work: Path, prints: dict[str, str]) -> None:
    """Record passing verdicts (``prints``: assignment -> fingerprint), keeping the others."""
    try:
        memo = json.loads((work / MEMO).read_text())
    except (OSError, ValueError):
        memo = {}
    memo.update(prints)
    (work / MEMO).write_text(json.dumps(memo, indent=1, sort_keys=True))


def stage_canary(course: Path, stage: Path, student: str, assignments: list[str]) -> dict[str, Item]:
    """Put the reference solutions, and the files they hand in, where nbgrader looks for
    ``student``'s submissions."""
    items = {}
    for assignment in assignments:
        folder = stage / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for nb in sorted((course / "solutions" / assignment).glob("*.ipynb")):
            shutil.copy(nb, folder / nb.name)
        hand_in_reference_files(course, assignment, folder)  # the challenge's checkpoint
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
