"""Regenerate the student release (notebooks/) from the nbgrader sources (solutions/).

Runs ``nbgrader generate_assignment`` for every assignment. Use ``--course DIR`` to release a copy
of the course elsewhere (the release test does this in a temporary folder).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.course import ROOT, assignments, run_nbgrader  # noqa: E402


def release(course_root: Path = ROOT, names: list[str] | None = None) -> None:
    for name in names or assignments(course_root):
        result = run_nbgrader(["generate_assignment", name, "--force"], course_root)
        if result.returncode != 0 or "ERROR" in result.stderr:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.stderr[-4000:]}")
        print(f"released notebooks/{name}/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="assignments to release (default: all)")
    parser.add_argument("--course", type=Path, default=ROOT, help="course root (default: this repository)")
    args = parser.parse_args(argv)
    release(args.course.resolve(), args.names or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
