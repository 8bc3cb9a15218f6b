"""Course layout and nbgrader invocation shared by the release and autograde tools and the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where students get the course (`make student` writes it; the instructor publishes it there): the
# notebooks' Colab set-up cell installs cs_utils from it, and the student README links to it.
STUDENT_REPOSITORY = "cnn-week7/cnn-week7-student"   # GitHub owner/name
STUDENT_VERSION = "v2026.11"                          # the tag of this release there


def student_package() -> str:
    """The pip requirement that installs this release's cs_utils from the student repository."""
    return f"cs-utils @ git+https://github.com/{STUDENT_REPOSITORY}@{STUDENT_VERSION}"


# solutions/<assignment>/reference_handin/: the files that the reference solution hands in beside its
# notebook (notebook 12's challenge checkpoint). nbgrader_config.py's CourseDirectory.ignore keeps the
# folder out of the student release; the canary and the tests hand these files in with the reference
# solution. `python -m tools.reference_handin` makes them.
REFERENCE_HANDIN = "reference_handin"


def reference_handin(course_root: Path, assignment: str) -> list[Path]:
    """The files the reference solution of ``assignment`` hands in (none for most assignments)."""
    folder = course_root / "solutions" / assignment / REFERENCE_HANDIN
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def hand_in_reference_files(course_root: Path, assignment: str, folder: Path) -> None:
    """Copy the reference solution's hand-in files of ``assignment`` into a hand-in ``folder``."""
    for path in reference_handin(course_root, assignment):
        shutil.copy(path, folder / path.name)


def requires_python(course_root: Path = ROOT):
    """pyproject.toml's requires-python, as a packaging SpecifierSet: the one place that says which
    Pythons the course supports (the Makefiles, the student README and the tests read it)."""
    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((course_root / "pyproject.toml").read_text())["project"]
    return SpecifierSet(project["requires-python"])


def python_minors(course_root: Path = ROOT) -> list[str]:
    """Each "3.X" of which requires-python admits some release: ["3.11", "3.12", "3.13", "3.14"]."""
    from packaging.version import Version

    admitted = requires_python(course_root)
    return [f"3.{minor}" for minor in range(40)
            if any(Version(f"3.{minor}.{micro}") in admitted for micro in range(40))]


def assignments(course_root: Path = ROOT) -> list[str]:
    """Assignment names, one folder per notebook under solutions/, in course order."""
    return sorted(p.name for p in (course_root / "solutions").iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").exists())


def copy_course(dest: Path, names: list[str] | None = None, with_release: bool = True,
                course_root: Path = ROOT) -> Path:
    """Copy what nbgrader needs (config, solutions and the student release) into ``dest``; return it.

    Tests and benchmarks grade in such a copy, so nbgrader never touches the real gradebook.
    ``names`` limits the copy to some assignments.
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(course_root / "nbgrader_config.py", dest)
    for name in names or assignments(course_root):
        shutil.copytree(course_root / "solutions" / name, dest / "solutions" / name)
        if with_release:
            shutil.copytree(course_root / "notebooks" / name, dest / "notebooks" / name)
    return dest


def nbgrader_env(quick: bool = True, threads: int | None = None) -> dict[str, str]:
    """Environment for nbgrader subprocesses (PATH already leads to this interpreter's ``alembic``:
    tools/__init__.py). Quick mode is on for grading; ``threads`` caps BLAS/torch threads per kernel
    so parallel graders do not oversubscribe the cores.
    """
    env = dict(os.environ)
    if quick:
        env["CS_QUICK"] = "1"
    if threads is not None:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env[var] = str(threads)
    return env


def run_nbgrader(args: list[str], course_root: Path = ROOT, timeout: float | None = None,
                 quick: bool = True, threads: int | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` with the course's config, from the course root, capturing output."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_root,
                          env=nbgrader_env(quick, threads), capture_output=True, text=True, timeout=timeout)
