"""Autograding speed: one student's whole course, and parallel over sequential for 8 students.

    python benchmarks/bench_autograde.py [--assignments 01_convolution,...] [--students 8]
                                         [--jobs N] [--unconfined] [--skip-speedup]

Grades, in quick mode (CS_QUICK=1) with tools/autograde.py in a throwaway copy of the course, the
reference solutions submitted as whole notebooks (experiments included, as a student submits them):

1. one student, every available notebook (or --assignments), with one process and then with
   --jobs processes (what `make autograde` uses: one student's assignments are split over the
   cores): seconds per student (goal: at most 60 s on the 2-core machine);
2. --students identical students, sequentially (--jobs 1) and in parallel (--jobs = cores):
   the speedup (goal: at least 1.7x on 2 cores).

Prints a Markdown table to paste into benchmarks/RESULTS.md, with the machine's load average:
other work on a busy machine inflates the wall time. (Children's CPU time is not reported: the
sandboxed kernels are not reaped through the grader, so it would miss most of the work.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tools.autograde import autograde
from tools.course import assignments, copy_course, run_nbgrader
from tools.sandbox import sandbox_problem


def make_course(dest: Path, names: list[str], students: int) -> Path:
    copy_course(dest, names)
    for name in names:
        result = run_nbgrader(["generate_assignment", name, "--force"], dest)
        assert result.returncode == 0, result.stderr
        nb = nbformat.read(dest / "solutions" / name / f"{name}.ipynb", as_version=4)
        for i in range(students):
            path = dest / "incoming" / f"student{i:02d}" / name / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
    return dest


def timed(course: Path, source: Path, jobs: int, unconfined: bool) -> tuple[float, list[dict]]:
    for leftover in ("autograded", "feedback", "gradebook.db"):
        p = course / leftover
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    for name in sorted({p.parent.name for p in (course / "solutions").glob("*/*.ipynb")}):
        run_nbgrader(["generate_assignment", name, "--force"], course)
    start = time.monotonic()
    rows = autograde(source, course, jobs=jobs, timeout=1800, unconfined=unconfined)
    return time.monotonic() - start, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignments", help="comma-separated (default: every notebook in solutions/)")
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--unconfined", action="store_true")
    parser.add_argument("--skip-speedup", action="store_true")
    args = parser.parse_args()
    names = [a for a in (args.assignments or "").split(",") if a] or assignments()
    unconfined = args.unconfined or sandbox_problem() is not None
    mode = "unconfined" if unconfined else "bubblewrap sandbox"
    with tempfile.TemporaryDirectory() as tmp:
        course = make_course(Path(tmp) / "course", names, args.students)
        one = Path(tmp) / "one"
        shutil.copytree(course / "incoming" / "student00", one / "student00")
        for jobs in sorted({1, args.jobs}):
            load = os.getloadavg()[0]
            seconds, rows = timed(course, one, jobs, unconfined)
            bad = [r for r in rows if r["status"] != "ok" or r["score"] != r["max_score"]]
            print(f"| one student, {len(names)} notebook(s) ({', '.join(names)}), "
                  f"{jobs} process(es), {mode} | "
                  f"{seconds:.1f} s | load {load:.1f} |"
                  + (f" NOT FULL MARKS: {bad}" if bad else ""), flush=True)
        if args.skip_speedup:
            return 0
        load = os.getloadavg()[0]
        sequential, _ = timed(course, course / "incoming", 1, unconfined)
        parallel, rows = timed(course, course / "incoming", args.jobs, unconfined)
        bad = [r for r in rows if r["status"] != "ok" or r["score"] != r["max_score"]]
        print(f"| {args.students} students x {len(names)} notebook(s): sequential | "
              f"{sequential:.1f} s | load {load:.1f} |")
        print(f"| {args.students} students x {len(names)} notebook(s): {args.jobs} processes | "
              f"{parallel:.1f} s | "
              f"speedup {sequential / parallel:.2f}x |" + (f" NOT FULL MARKS: {bad}" if bad else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
