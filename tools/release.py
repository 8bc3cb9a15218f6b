"""Regenerate the student release (notebooks/) from the nbgrader sources (solutions/).

    python -m tools.release [NAMES]            nbgrader generate_assignment for each (default: all)
    python -m tools.release --check [NAMES]    release into a temporary copy; fail if notebooks/ differs
    python -m tools.release --check --changed  the same, for the assignments changed since main

Use ``--course DIR`` to release a copy of the course elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.course import ROOT, assignments, copy_course, nbgrader_env

# Metadata that a notebook gains when someone opens and saves it, not part of the release's content.
VOLATILE_METADATA = ("widgets", "toc", "varInspector")
# What an assignment is made of: its text source, its nbgrader source and its student release.
ASSIGNMENT_PATHS = ("notebook_src/{}.py", "solutions/{}/", "notebooks/{}/")


def release(course_root: Path = ROOT, names: list[str] | None = None) -> None:
    """``nbgrader generate_assignment NAME --force`` for each assignment, in this process: nbgrader
    and the course's config load once, not once per assignment (seconds each). Works from the
    course root, as nbgrader's command does."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log, temp_attrs
    from traitlets.config.loader import PyFileConfigLoader

    course_root = Path(course_root).resolve()
    here = Path.cwd()
    os.chdir(course_root)
    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()
        coursedir = CourseDirectory(config=config)
        for name in names or assignments(course_root):
            with temp_attrs(coursedir, assignment_id=name):
                app = GenerateAssignment(coursedir=coursedir, config=config)
                app.force = True
                result = capture_log(app)
            log = result.get("log", "") + str(result.get("error") or "")
            if not result["success"] or "ERROR" in log:
                raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{log[-4000:]}")
            print(f"released notebooks/{name}/")
    finally:
        os.chdir(here)


def release_in_subprocess(course_root: Path, names: list[str]) -> None:
    """``release`` in a process of its own (one for every assignment), leaving the caller's working
    folder and logging alone: for tests and benchmarks that release a copy of the course."""
    result = subprocess.run([sys.executable, "-m", "tools.release", "--course", str(course_root), *names],
                            cwd=ROOT, env=nbgrader_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"releasing {', '.join(names)} in {course_root} failed:\n{result.stderr[-4000:]}")


def comparable(path: Path) -> dict:
    nb = json.loads(path.read_text())
    for key in VOLATILE_METADATA:
        nb["metadata"].pop(key, None)
    return nb


def _files(folder: Path) -> list[Path]:
    """Files of a release folder, relative to it; hidden ones (checkpoints) are not part of it."""
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def release_drift(names: list[str] | None = None) -> list[str]:
    """Why the committed notebooks/ differ from a fresh release of solutions/ (empty: in sync)."""
    names = assignments() if names is None else names
    if not names:
        return []
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        course = copy_course(Path(tmp) / "course", names, with_release=False)
        release_in_subprocess(course, names)
        for name in names:
            committed, fresh = ROOT / "notebooks" / name, course / "notebooks" / name
            if _files(committed) != _files(fresh):
                problems.append(f"notebooks/{name} has other files than a fresh release: "
                                f"{_files(committed)} != {_files(fresh)}")
                continue
            problems += [f"notebooks/{name}/{rel} differs from a fresh `nbgrader generate_assignment`"
                         for rel in _files(fresh)
                         if rel.suffix == ".ipynb" and comparable(committed / rel) != comparable(fresh / rel)]
    return problems


def changed_assignments() -> list[str]:
    """Assignments whose source, solution or release differs from main (committed or not)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    base = git("merge-base", "HEAD", "main").strip() or "HEAD"
    paths = set(git("diff", "--name-only", base).split()) | {
        line[3:] for line in git("status", "--porcelain", "--untracked-files=all").splitlines()}
    return [name for name in assignments()
            if any(p == pattern.format(name) or p.startswith(pattern.format(name))
                   for p in paths for pattern in ASSIGNMENT_PATHS)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="assignments (default: all)")
    parser.add_argument("--course", type=Path, default=ROOT, help="course root (default: this repository)")
    parser.add_argument("--check", action="store_true",
                        help="fail if notebooks/ differs from a fresh release")
    parser.add_argument("--changed", action="store_true", help="only assignments changed since main")
    args = parser.parse_args(argv)
    names = args.names or (changed_assignments() if args.changed else None)
    if args.check:
        problems = release_drift(names)
        checked = "every assignment" if names is None else ", ".join(names) or "no assignment changed"
        print("\n".join(problems) or f"release in sync: {checked}")
        return 1 if problems else 0
    release(args.course.resolve(), names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
