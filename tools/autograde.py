"""Grade a folder of submissions with nbgrader, in quick mode, and export grades and feedback.

    python tools/autograde.py SUBMISSIONS [--course DIR] [--jobs N] [--timeout SECONDS]

SUBMISSIONS is either nbgrader's own layout, ``<student>/<assignment>/<notebook>.ipynb``, or a
folder with one entry per student: ``<student>.zip`` or ``<student>/`` holding notebooks, each
matched to its assignment by file name. Everything is copied into the course's ``submitted/``,
graded by the real ``nbgrader autograde`` (one process per student and assignment, as many at a
time as ``--jobs``, each bounded by ``--timeout``), then written out as:

* ``grades.csv``: student, assignment, notebook, score, max_score, status
* ``feedback/<student>/<assignment>/<notebook>.html`` (hidden tests removed)
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.course import ROOT, assignments, nbgrader_env  # noqa: E402

STUDENT_TIMEOUT_S = 900


def notebook_to_assignment(course_root: Path) -> dict[str, str]:
    return {nb.name: name for name in assignments(course_root)
            for nb in (course_root / "solutions" / name).glob("*.ipynb")}


def collect(source: Path, course_root: Path) -> list[tuple[str, str]]:
    """Copy submissions into ``course_root/submitted`` and return the (student, assignment) pairs."""
    submitted = course_root / "submitted"
    known = notebook_to_assignment(course_root)
    pairs: set[tuple[str, str]] = set()

    def place(student: str, name: str, data: bytes) -> None:
        assignment = known.get(name)
        if assignment is None:
            print(f"skipping {student}/{name}: no assignment has a notebook of that name", file=sys.stderr)
            return
        target = submitted / student / assignment / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        pairs.add((student, assignment))

    same_folder = source.resolve() == submitted.resolve()
    for entry in sorted(source.iterdir()):
        if entry.suffix == ".zip":
            with zipfile.ZipFile(entry) as archive:
                for member in archive.namelist():
                    if member.endswith(".ipynb") and "__MACOSX" not in member:
                        place(entry.stem, Path(member).name, archive.read(member))
        elif entry.is_dir():
            for nb in sorted(entry.rglob("*.ipynb")):
                if ".ipynb_checkpoints" in nb.parts:
                    continue
                if same_folder:
                    pairs.add((entry.name, nb.parent.name))
                else:
                    place(entry.name, nb.name, nb.read_bytes())
    return sorted(pairs)


def grade_one(student: str, assignment: str, course_root: Path, timeout: float) -> str:
    """Run ``nbgrader autograde`` for one student's assignment; return 'ok' or why not."""
    cmd = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--student", student, "--force"]
    # Its own session, so a timeout kills the kernel and anything it started, not just nbgrader.
    proc = subprocess.Popen(cmd, cwd=course_root, env=nbgrader_env(quick=True, threads=1),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return f"timeout after {timeout:.0f} s"
    log_dir = course_root / "autograde_logs"
    log_dir.mkdir(exist_ok=True)
    (log_dir / f"{student}.{assignment}.log").write_text(log)
    if proc.returncode != 0 or "[AutogradeApp | ERROR]" in log:
        return f"error (see autograde_logs/{student}.{assignment}.log)"
    return "ok"


def export_grades(course_root: Path, statuses: dict[tuple[str, str], str], out: Path) -> list[dict]:
    """Write one CSV row per student, assignment and notebook from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    db_url = "sqlite:///" + str(course_root / "gradebook.db")
    with Gradebook(db_url) as gb:
        for (student, assignment), status in sorted(statuses.items()):
            for nb_path in sorted((course_root / "solutions" / assignment).glob("*.ipynb")):
                row = {"student": student, "assignment": assignment, "notebook": nb_path.stem,
                       "score": 0.0, "max_score": 0.0, "status": status}
                try:
                    max_score = gb.find_notebook(nb_path.stem, assignment).max_score
                    row["max_score"] = max_score
                    if status == "ok":
                        row["score"] = gb.find_submission_notebook(nb_path.stem, assignment, student).score
                except MissingEntry:
                    row["status"] = status if status != "ok" else "not graded"
                rows.append(row)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["student", "assignment", "notebook", "score", "max_score", "status"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def generate_feedback(course_root: Path, pairs: list[tuple[str, str]]) -> None:
    for assignment in sorted({a for _, a in pairs}):
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", assignment, "--force"],
                       cwd=course_root, env=nbgrader_env(), capture_output=True, text=True, check=False)


def autograde(source: Path, course_root: Path = ROOT, jobs: int = 1, timeout: float = STUDENT_TIMEOUT_S,
              out: Path | None = None) -> list[dict]:
    course_root = course_root.resolve()
    pairs = collect(source, course_root)
    if not pairs:
        raise SystemExit(f"no submissions found in {source}")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = pool.map(lambda pair: grade_one(*pair, course_root, timeout), pairs)
        statuses = dict(zip(pairs, results))
    rows = export_grades(course_root, statuses, out or course_root / "grades.csv")
    generate_feedback(course_root, pairs)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--course", type=Path, default=ROOT)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=STUDENT_TIMEOUT_S,
                        help="seconds allowed for one student's whole assignment")
    parser.add_argument("--out", type=Path, help="grades CSV (default: COURSE/grades.csv)")
    args = parser.parse_args(argv)
    rows = autograde(args.submissions, args.course, args.jobs, args.timeout, args.out)
    for row in rows:
        print(f"{row['student']:>20} {row['assignment']:>24} {row['score']:6.1f} / {row['max_score']:<6.1f} {row['status']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
