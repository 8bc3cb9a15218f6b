"""Grade a folder of submissions with nbgrader, in quick mode, and export grades and feedback.

    python -m tools.autograde SUBMISSIONS [--jobs N] [--shard K/N] [--unconfined] [...]
    python -m tools.autograde --merge OUT.csv PART_results.json...

SUBMISSIONS holds one entry per student: nbgrader's layout ``<student>/<assignment>/<notebook>.ipynb``,
a folder of notebooks ``<student>/<notebook>.ipynb``, or a zip ``<student>.zip``; or it is a Canvas or
Moodle bulk download as it unzips (``lms.py``). The steps, each a module of ``tools/grading/``:

1. **collect** (``collect.py``, ``match.py``): match each notebook to the course's by name or by its
   nbgrader cells, grade the answered one among duplicates, flag real ambiguity for review, and
   stage the chosen notebooks in the course's ``submitted/`` (the source is never modified);
2. **canary** (``canary.py``): grade the reference solutions the same way; stop unless they earn
   full marks;
3. **schedule** (``schedule.py``) and **workers** (``worker.py``): one worker process per
   student (``--jobs`` at a time; a student's assignments are split when there are fewer students
   than jobs), each running nbgrader's Autograde and GenerateFeedback, every notebook in the
   sandboxed kernel of tools/sandbox.py, every test cell, cell and notebook within its time limit;
4. **results** (``results.py``): ``autograde.csv`` (one row per student and notebook),
   ``autograde_lms.csv`` (one row per student: each assignment and the total, for Canvas or
   Moodle), ``autograde_report.md`` and ``autograde_results.json`` (statuses, events, review
   flags), ``feedback/<student>/<assignment>/<notebook>.html`` and ``autograde_logs/``.

``--shard K/N`` grades the students whose id hashes to shard K of N, into the same (PostgreSQL)
gradebook, writing ``autograde.shard-K-of-N*`` files; ``--merge`` combines the shards' results.
Without bubblewrap the script refuses to grade unless ``--unconfined`` is given (``make autograde
UNCONFINED=1``). Settings: tools/grading/settings.py; everything in docs/grading.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from tools.course import ROOT, assignments, nbgrader_env
from tools.grading import canary as canary_run
from tools.grading.collect import collect as collect_hand_ins
from tools.grading.records import Item, Status
from tools.grading.results import finish_gradebook, gradebook_rows, merge, output_paths, write_outputs
from tools.grading.schedule import Deadlines, GradingTimes, Shard, Task, plan_tasks
from tools.grading.settings import GradingSettings
from tools.grading.worker import RunContext, run_task

__all__ = ["STAGE", "Deadlines", "Item", "Status", "Task", "autograde", "collect", "gradebook_url", "main",
           "plan_tasks"]

OUT_NAME = "autograde.csv"
LOG_DIR = "autograde_logs"
STAGE = Path("submitted")  # where hand-ins from another folder are staged: nbgrader's submitted_directory


def collect(source: Path, course_root: Path, only: list[str] | None = None) -> dict[str, dict[str, Item]]:
    """Stage every student's hand-in found in ``source`` (tools/grading/collect.py) under
    ``course_root/STAGE``; return {student: {assignment: Item}}."""
    return collect_hand_ins(Path(source), Path(course_root), only).students


def gradebook_url(course_root: Path) -> str:
    """The gradebook grading writes to: ``CS_GRADEBOOK_URL``, else the course's SQLite file."""
    return GradingSettings.from_env().db_url(Path(course_root))


def create_students(db_url: str, students: list[str]) -> None:
    """Add the students to the gradebook up front: two workers grading one student at once would
    otherwise both try to create them."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        for student in students:
            gb.update_or_create_student(student)


def grade_all(students: dict[str, dict[str, Item]], ctx: RunContext, jobs: int,
              timeout: float | None) -> list[Task]:
    """Grade every pending item with ``jobs`` workers at once; return the tasks that found every
    sandbox slot user taken (they ran as the shared user)."""
    from tools.sandbox import SlotPool

    times = GradingTimes(ctx.work)
    tasks, deadlines = plan_tasks(students, jobs, times.read()), Deadlines(timeout)
    # A slot per running task: its kernels run as the slot's own sandbox user, so that one
    # student's processes never count against another's process limit.
    slots, shared = SlotPool(), []

    def run(task: Task) -> None:
        slot, handle = slots.acquire()
        if not slot:
            shared.append(task)
        try:
            run_task(task, students[task.student], ctx, deadlines.remaining(task.student), slot)
        finally:
            slots.release(handle)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(run, tasks))
    times.update(item for items in students.values() for item in items.values())
    return shared


def autograde(source: Path, course_root: Path = ROOT, jobs: int = 1, timeout: float | None = None,
              out: Path | None = None, *, unconfined: bool = False, only: list[str] | None = None,
              cell_timeout: int | None = None, test_cell_timeout: int | None = None,
              notebook_timeout: int | None = None, memory_mb: int | None = None,
              db_url: str | None = None, shard: Shard | str | None = None, canary: bool = True,
              canary_always: bool = False) -> list[dict]:
    """Grade every submission in ``source``; return the rows of the CSV (see the module docstring).

    ``timeout`` bounds one student's whole run (default: none; each notebook has its budget).
    ``canary=False`` skips grading the reference solutions first: only for callers that grade
    them as a student themselves and check their marks (the course's tests). An assignment whose
    canary passed before with the same fingerprint is not graded again unless ``canary_always``."""
    from tools.sandbox import build_font_list, sandbox_problem, write_kernelspec

    course = Path(course_root).resolve()
    shard = Shard.parse(shard) if isinstance(shard, str) else shard
    problem = sandbox_problem()
    if problem and not unconfined:
        raise SystemExit(f"refusing to grade: the grading sandbox is unavailable ({problem}). Student code "
                         "would run with your permissions; to grade anyway pass --unconfined "
                         "(make autograde UNCONFINED=1).")
    mode = "unconfined" if unconfined else "sandbox"
    work = course / "autograde_work"
    work.mkdir(parents=True, exist_ok=True)
    changes = {k: v for k, v in {"cell_timeout": cell_timeout, "test_cell_timeout": test_cell_timeout,
                                 "notebook_timeout": notebook_timeout, "kernel_memory_mb": memory_mb,
                                 "gradebook_url": db_url}.items() if v}
    base = GradingSettings.from_env()
    settings = base.replace(course_root=str(course), grading_kernel=write_kernelspec(work / "jupyter", mode),
                            course=replace(base.course, quick=True), font_list=build_font_list(work),
                            **changes)
    env = nbgrader_env(quick=True, threads=1)
    env.update(settings.to_env(), MPLBACKEND="agg",
               JUPYTER_PATH=os.pathsep.join(filter(None, [str(work / "jupyter"), env.get("JUPYTER_PATH")])))
    url = settings.db_url(course)
    log_dir = course / LOG_DIR
    log_dir.mkdir(exist_ok=True)

    all_assignments = bool(shard and not only)
    if all_assignments:  # every shard reports every assignment, whoever handed in what (see merge)
        only = assignments(course)
    selected = shard.holds if shard else (lambda s: True)
    # A first look (nothing written) tells which assignments the canary grades; the students'
    # hand-ins are staged only once it passed, so a stopped run changes nothing of theirs.
    looked = collect_hand_ins(Path(source), course, only, selected, stage=False)
    if not looked.students:
        if not shard:
            raise SystemExit(f"no submissions found in {source}")
        print(f"shard {shard}: no student of {source} falls in this shard", file=sys.stderr)
    wanted = sorted({a for items in looked.students.values() for a in items})
    ctx = RunContext(course, mode, settings, env, work, looked.stage, log_dir)

    start = time.monotonic()
    canary_note = "canary skipped (canary=False)."
    if canary and wanted:
        canary_note = run_canary(ctx, url, wanted, jobs, canary_always)
    found = collect_hand_ins(Path(source), course, only, selected)
    students = found.students
    if found.general:
        print("\n".join(found.general), file=sys.stderr)
    for student in students:  # no log of an earlier run survives
        for assignment in assignments(course):
            (log_dir / f"{student}.{assignment}.log").unlink(missing_ok=True)
    create_students(url, sorted(students))
    shared = grade_all(students, ctx, jobs, timeout)
    elapsed = time.monotonic() - start

    finish_gradebook(url, course, students)
    rows = gradebook_rows(url, course, students)
    out = Path(out) if out else course / (f"autograde.{shard.tag}.csv" if shard else OUT_NAME)
    shared_note = ""
    if mode == "sandbox" and os.geteuid() == 0 and shared:
        shared_note = (f" {len(shared)} task(s) found every sandbox user cs-grader-<slot> taken "
                       "and ran as the shared cs-grader, one process limit for all of them "
                       "(.ci/install-bubblewrap.sh creates more with CS_GRADER_SLOTS).")
    header = (f"{len(students)} student(s) graded in {elapsed:.0f} s with {jobs} process(es), kernel: "
              f"{mode}{'' if mode == 'sandbox' else ' (NOT confined)'}"
              f"{f', shard {shard}' if shard else ''}. Limits: {settings.test_cell_timeout} s per test "
              f"cell, {settings.cell_timeout} s per other cell, {settings.notebook_timeout} s per notebook. "
              f"{canary_note}" + shared_note)
    write_outputs(out, students, rows, header, found.student_notes, all_assignments)
    return rows


def run_canary(ctx: RunContext, url: str, wanted: list[str], jobs: int, always: bool = False) -> str:
    """Grade the reference solutions of ``wanted`` (but those that passed before with the same
    fingerprint, unless ``always``); stop the run unless they earn full marks."""
    prints = {a: canary_run.fingerprint(ctx.course, a, ctx.settings, ctx.mode) for a in wanted}
    known = set() if always else canary_run.remembered(ctx.work, prints)
    todo = [a for a in wanted if a not in known]
    known_note = (f" {len(known)} assignment(s) passed an earlier canary with the same course files, "
                  "settings and packages, and were not graded again (--canary-always to do so)."
                  if known else "")
    if not todo:
        return "Canary:" + known_note
    student = canary_run.new_canary_id()
    started = time.monotonic()
    try:
        items = canary_run.stage_canary(ctx.course, ctx.submitted, student, todo)
        create_students(url, [student])
        grade_all({student: items}, replace(ctx, feedback=False), jobs, None)
        problems = canary_run.failures(url, ctx.course, items)
    finally:
        canary_run.remove(url, ctx.course, ctx.submitted, student, ctx.log_dir)
    if problems:
        raise SystemExit(canary_run.message(problems, ctx.mode))
    canary_run.remember(ctx.work, {a: prints[a] for a in todo})
    return (f"Canary: the reference solutions of {len(todo)} assignment(s) earned full marks "
            f"({time.monotonic() - started:.0f} s).{known_note}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m tools.autograde", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path, nargs="?")
    parser.add_argument("--course", type=Path, default=ROOT)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes at once (default: the number of cores); one student's "
                             "assignments are split over several when there are fewer students than jobs")
    parser.add_argument("--shard", help="K/N: grade only the students of shard K of N (1 <= K <= N)")
    parser.add_argument("--test-cell-timeout", type=int, help="seconds for one test cell (default 30)")
    parser.add_argument("--cell-timeout", type=int, help="seconds for one other cell (default 300)")
    parser.add_argument("--notebook-timeout", type=int, help="seconds for one notebook's cells (default 300)")
    parser.add_argument("--timeout", type=float,
                        help="seconds for one student's whole run, all notebooks (default: no such limit)")
    parser.add_argument("--memory-mb", type=int, help="memory limit of each kernel (default 3072)")
    parser.add_argument("--assignments", help="comma-separated assignments to grade (default: all submitted)")
    parser.add_argument("--db-url", help="gradebook URL, e.g. postgresql://user@host/db (default: "
                                         "CS_GRADEBOOK_URL, else SQLite gradebook.db)")
    parser.add_argument("--unconfined", action="store_true",
                        help="grade without the bubblewrap sandbox (student code runs with your permissions)")
    parser.add_argument("--no-canary", action="store_true",
                        help="do not grade the reference solutions first (not recommended)")
    parser.add_argument("--canary-always", action="store_true",
                        help="grade the reference solutions first even where an earlier run's canary passed "
                             "with the same course files, settings and packages")
    parser.add_argument("--out", type=Path, help=f"per-notebook CSV (default: COURSE/{OUT_NAME}); the LMS "
                                                 "CSV, report and results are written beside it")
    parser.add_argument("--merge", nargs="+", type=Path, metavar="RESULTS_JSON",
                        help="combine shards' *_results.json into --out (no grading)")
    args = parser.parse_args(argv)
    out = args.out or args.course / OUT_NAME
    if args.merge:
        paths = merge(args.merge, out)
        print("merged: " + ", ".join(str(p) for p in paths.values()))
        return 0
    if args.submissions is None:
        parser.error("SUBMISSIONS is required (or --merge)")
    try:
        shard = Shard.parse(args.shard) if args.shard else None
    except ValueError as err:
        parser.error(str(err))
    only = [a for a in (args.assignments or "").split(",") if a] or None
    rows = autograde(args.submissions, args.course, args.jobs, args.timeout, args.out,
                     unconfined=args.unconfined, only=only, cell_timeout=args.cell_timeout,
                     test_cell_timeout=args.test_cell_timeout, notebook_timeout=args.notebook_timeout,
                     memory_mb=args.memory_mb, db_url=args.db_url, shard=shard, canary=not args.no_canary,
                     canary_always=args.canary_always)
    for row in rows:
        print(f"{row['student']:>20} {row['assignment']:>24} {row['score']:6.1f} / "
              f"{row['max_score']:<6.1f} {row['status']}")
    written = output_paths(args.out or args.course / (f"autograde.{shard.tag}.csv" if shard else OUT_NAME))
    print("written: " + ", ".join(str(p) for p in written.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
