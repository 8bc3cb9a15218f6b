"""Autograding speed: one student's whole course, an infinite loop, and a class in parallel.

    python benchmarks/bench_autograde.py [--assignments 01_convolution,...] [--students 40]
                                         [--sequential-students 8] [--jobs N] [--unconfined]
                                         [--skip-speedup] [--skip-loop]

Grades, in quick mode (CS_QUICK=1) with tools/autograde.py in a throwaway copy of the course, the
reference solutions submitted as whole notebooks (experiments included, as a student submits them),
each run with the canary first, as a first `make autograde` of a course runs it:

1. one student, every available notebook (or --assignments), with one process and then with
   --jobs processes (what `make autograde` uses: one student's assignments are split over the
   cores): seconds per student (goal: at most 60 s on the 2-core machine), the canary included;
   then once more with --jobs processes as every later run goes, the canary's verdict remembered
   (tools/grading/canary.py);
2. the infinite loop: one student whose 01's `conv2d` loops forever (its `i += 1` missing) and whose
   03 and 07 are the reference solutions, with --jobs processes (goal: full marks on 03 and 07, at
   most 3 minutes);
3. --students identical students with --jobs processes, and --sequential-students of them with
   one process (sequential grading time is linear in the students: it is scaled to --students):
   the speed-up (the ceiling is the number of cores).

Prints a Markdown table to paste into benchmarks/RESULTS.md, with the machine's load average:
other work on a busy machine inflates the wall time. (Children's CPU time is not reported: the
sandboxed kernels are not reaped through the grader, so it would miss most of the work.)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tools.autograde import autograde
from tools.course import assignments, copy_course, hand_in_reference_files
from tools.release import release_in_subprocess
from tools.sandbox import sandbox_problem

LOOP_ASSIGNMENTS = ["01_convolution", "03_pooling", "07_dropout"]


def make_course(dest: Path, names: list[str]) -> Path:
    copy_course(dest, names)
    release_in_subprocess(dest, names)
    return dest


def submit(course: Path, folder: Path, students: int, names: list[str]) -> Path:
    for name in names:
        nb = nbformat.read(course / "solutions" / name / f"{name}.ipynb", as_version=4)
        for i in range(students):
            path = folder / f"student{i:02d}" / name / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            hand_in_reference_files(course, name, path.parent)
    return folder


def looping_conv2d(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """01 with conv2d's row loop turned into a while loop that never advances (``i += 1`` missing)."""
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "conv2d":
            source = re.sub(r"for i in range\(H_out\):", "i = 0\n            while i < H_out:", cell.source)
            assert source != cell.source, "the loop to break was not found"
            cell.source = source
    return nb


def timed(course: Path, source: Path, jobs: int, unconfined: bool,
          canary_remembered: bool = False) -> tuple[float, list[dict]]:
    leftovers = ["autograded", "feedback", "submitted", "gradebook.db"]
    if not canary_remembered:
        leftovers.append("autograde_work/canary.json")
    for leftover in leftovers:
        p = course / leftover
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    release_in_subprocess(course, sorted({p.parent.name for p in (course / "solutions").glob("*/*.ipynb")}))
    start = time.monotonic()
    rows = autograde(source, course, jobs=jobs, unconfined=unconfined)
    return time.monotonic() - start, rows


def not_full(rows: list[dict]) -> str:
    bad = [r for r in rows if r["status"] != "ok" or r["score"] != r["max_score"]]
    return f" NOT FULL MARKS: {bad}" if bad else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignments", help="comma-separated (default: every notebook in solutions/)")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--sequential-students", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--unconfined", action="store_true")
    parser.add_argument("--skip-one", action="store_true", help="skip part 1 (one student)")
    parser.add_argument("--skip-loop", action="store_true", help="skip part 2 (the infinite loop)")
    parser.add_argument("--skip-speedup", action="store_true", help="skip part 3 (the class)")
    args = parser.parse_args()
    names = [a for a in (args.assignments or "").split(",") if a] or assignments()
    unconfined = args.unconfined or sandbox_problem() is not None
    mode = "unconfined" if unconfined else "bubblewrap sandbox"
    with tempfile.TemporaryDirectory() as tmp:
        course = make_course(Path(tmp) / "course", sorted(set(names) | set(LOOP_ASSIGNMENTS)))
        if not args.skip_one:
            one = submit(course, Path(tmp) / "one", 1, names)
            for jobs in sorted({1, args.jobs}):
                load = os.getloadavg()[0]
                seconds, rows = timed(course, one, jobs, unconfined)
                print(f"| one student, {len(names)} notebook(s), {jobs} process(es), canary included, "
                      f"{mode} | {seconds:.1f} s | load {load:.1f} |" + not_full(rows), flush=True)
            load = os.getloadavg()[0]
            seconds, rows = timed(course, one, args.jobs, unconfined, canary_remembered=True)
            print(f"| one student, {len(names)} notebook(s), {args.jobs} process(es), canary remembered "
                  f"from the run before, {mode} | {seconds:.1f} s | load {load:.1f} |" + not_full(rows),
                  flush=True)
        if not args.skip_loop:
            loop = submit(course, Path(tmp) / "loop", 1, LOOP_ASSIGNMENTS)
            path = loop / "student00" / "01_convolution" / "01_convolution.ipynb"
            nbformat.write(looping_conv2d(nbformat.read(path, as_version=4)), path)
            load = os.getloadavg()[0]
            seconds, rows = timed(course, loop, args.jobs, unconfined)
            got = {r["assignment"]: f"{r['score']:g}/{r['max_score']:g} {r['status']}" for r in rows}
            print(f"| 01 loops forever, 03 and 07 correct, {args.jobs} process(es), canary included | "
                  f"{seconds:.1f} s | load {load:.1f} | {got} |", flush=True)
            report = (course / "autograde_report.md").read_text()
            print("\n".join(line for line in report.splitlines() if "time limit" in line or "budget" in line))
        if args.skip_speedup:
            return 0
        few = submit(course, Path(tmp) / "few", args.sequential_students, names)
        many = submit(course, Path(tmp) / "many", args.students, names)
        # The canary is a fixed cost of a run, not of a student: one run grades it (and measures each
        # assignment's grading time for the plan), so that the two timed runs below remember it and
        # the sequential time scales with the students alone.
        warm_up, _ = timed(course, submit(course, Path(tmp) / "warm", 1, names), args.jobs, unconfined)
        print(f"| warm-up: canary and 1 student, {args.jobs} processes | {warm_up:.1f} s |", flush=True)
        load = os.getloadavg()[0]
        sequential, _ = timed(course, few, 1, unconfined, canary_remembered=True)
        scaled = sequential * args.students / args.sequential_students
        print(f"| {args.sequential_students} students x {len(names)} notebook(s): 1 process, canary "
              f"remembered | {sequential:.1f} s (x {args.students / args.sequential_students:g} = "
              f"{scaled:.0f} s) | load {load:.1f} |", flush=True)
        load2 = os.getloadavg()[0]
        parallel, rows = timed(course, many, args.jobs, unconfined, canary_remembered=True)
        print(f"| {args.students} students x {len(names)} notebook(s): {args.jobs} processes, canary "
              f"remembered | {parallel:.1f} s | speedup {scaled / parallel:.2f}x, load {load2:.1f} |"
              + not_full(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
