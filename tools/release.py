"""Regenerate the student release (notebooks/) from the nbgrader sources (solutions/).

    python -m tools.release [NAMES]            nbgrader generate_assignment for each (default: all)
    python -m tools.release --check [NAMES]    release into a temporary copy; fail if notebooks/ differs
    python -m tools.release --check --changed  the same, for the assignments changed since main

Use ``--course DIR`` to release a copy of the course elsewhere.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.course import ROOT, assignments, copy_course, run_nbgrader

# Metadata that a notebook gains when someone opens and saves it, not part of the release's content.
VOLATILE_METADATA = ("widgets", "toc", "varInspector")
# What an assignment is made of: its text source, its nbgrader source and its student release.
ASSIGNMENT_PATHS = ("notebook_src/{}.py", "solutions/{}/", "notebooks/{}/")


def release(course_root: Path = ROOT, names: list[str] | None = None) -> None:
    for name in names or assignments(course_root):
        result = run_nbgrader(["generate_assignment", name, "--force"], course_root)
        if result.returncode != 0 or "ERROR" in result.stderr:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.stderr[-4000:]}")
        print(f"released notebooks/{name}/")


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
        release(course, names)
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
