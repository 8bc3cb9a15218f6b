"""Grade a folder of submissions with nbgrader, in quick mode, and export grades and feedback.

    python tools/autograde.py SUBMISSIONS [--jobs N] [--timeout SECONDS] [--unconfined] [...]

SUBMISSIONS holds one entry per student: nbgrader's layout ``<student>/<assignment>/<notebook>.ipynb``,
a folder of notebooks ``<student>/<notebook>.ipynb``, or a zip ``<student>.zip``. Each notebook is
matched to its assignment by name; a renamed notebook (``01_convolution (1).ipynb``,
``my_work.ipynb``) is matched by its nbgrader cell ids. The matched notebooks are staged in
``COURSE/autograde_work/submitted`` (the source folder is never modified) and graded by the real
nbgrader autograde, one process per student (``--jobs`` at a time, default: all cores; with fewer
students than jobs, a student's assignments are split over several processes), each student's whole
run bounded by ``--timeout``. Experiment cells are not run in a notebook whose cells outside the
exercises are as released (see GradingExecute in nbgrader_config.py; ``CS_RUN_EXPERIMENTS=1`` runs
them). Results:

* ``grades.csv``: student, assignment, notebook, score, max_score, status (``ok``, ``missing``,
  ``invalid``, ``timeout`` or ``error``; anything but ``ok`` scores 0);
* ``grades_report.md`` beside it: what happened to every submission, in words (renamed, extra
  or invalid files, dead kernels, cell timeouts, truncated output);
* ``feedback/<student>/<assignment>/<notebook>.html``, without hidden tests;
* ``autograde_logs/<student>.<assignment>.log``: nbgrader's log.

Every notebook runs in the grading kernel of tools/sandbox.py: confined by bubblewrap, with memory,
CPU, file-size and process limits. Without bubblewrap the script refuses to grade unless
``--unconfined`` is given (the resource limits still apply; student code then runs with the
grader's permissions). Re-running is idempotent: each run regrades every submission it is given,
clears that submission's earlier autograded copy, feedback and scores first, and writes the CSV
atomically at the end, so an interrupted run that is restarted loses nothing and counts nothing
twice.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tools.course import ROOT, assignments, nbgrader_env

STUDENT_TIMEOUT_S = 900
STAGE = Path("autograde_work") / "submitted"  # nbgrader's submitted_directory while grading
MAX_NOTEBOOK_BYTES = 50 << 20
STATUSES = ("ok", "missing", "invalid", "timeout", "error")


@dataclass
class Item:
    """One student's assignment: what was found, and what became of it."""

    student: str
    assignment: str
    status: str = "pending"  # pending -> ok | missing | invalid | timeout | error
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Collecting: any layout in, nbgrader's layout (staged) out


def course_notebooks(course_root: Path) -> dict[str, dict[str, set[str]]]:
    """{assignment: {notebook stem: grade ids}} from the course's source notebooks."""
    result = {}
    for name in assignments(course_root):
        result[name] = {nb.stem: _grade_ids(nb.read_bytes())
                        for nb in sorted((course_root / "solutions" / name).glob("*.ipynb"))}
    return result


def _grade_ids(data: bytes) -> set[str]:
    try:
        cells = json.loads(data).get("cells", [])
        return {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells
                if isinstance(c, dict) and c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
    except (ValueError, AttributeError, TypeError):
        return set()


def _normalise(stem: str) -> str:
    stem = stem.strip().lower().replace(" ", "_")
    return re.sub(r"(_?\(\d+\)|[-_]copy\d*|[-_]v\d+|[-_]final|[-_]submitted?)+$", "", stem)


def _check_notebook(data: bytes) -> str | None:
    """Why ``data`` is not a notebook nbgrader can read, or None."""
    import nbformat

    if len(data) > MAX_NOTEBOOK_BYTES:
        return f"larger than {MAX_NOTEBOOK_BYTES >> 20} MB"
    try:
        nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as err:  # noqa: BLE001 (JSON, Unicode and schema errors alike)
        first_line = str(err).splitlines()[0][:120] if str(err) else ''
        return f"not a valid notebook ({type(err).__name__}: {first_line})"
    return None


def _student_files(entry: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(relative path, bytes) of a student's files from a folder or a zip; plus problems."""
    files, problems = [], []
    if entry.suffix == ".zip":
        try:
            with zipfile.ZipFile(entry) as archive:
                for info in archive.infolist():
                    name = info.filename
                    if info.is_dir() or "__MACOSX" in name or ".ipynb_checkpoints" in name:
                        continue
                    if info.file_size > MAX_NOTEBOOK_BYTES:
                        problems.append(f"ignored {name}: larger than {MAX_NOTEBOOK_BYTES >> 20} MB")
                        continue
                    files.append((name, archive.read(info)))
        except (zipfile.BadZipFile, OSError) as err:
            problems.append(f"{entry.name} is not a readable zip ({err})")
    else:
        paths = [Path(d, f) for d, _, names in os.walk(entry, followlinks=True) for f in names]
        for path in sorted(paths):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts and "__MACOSX" not in path.parts:
                rel = path.relative_to(entry).as_posix()
                if path.stat().st_size > MAX_NOTEBOOK_BYTES:
                    problems.append(f"ignored {rel}: larger than {MAX_NOTEBOOK_BYTES >> 20} MB")
                    continue
                files.append((rel, path.read_bytes()))
    return files, problems


def collect(source: Path, course_root: Path, only: list[str] | None = None) -> dict[str, dict[str, Item]]:
    """Stage every student's notebooks under ``course_root/STAGE``; return {student: {assignment: Item}}."""
    known = course_notebooks(course_root)
    by_stem = {stem: a for a, nbs in known.items() for stem in nbs}
    by_norm = {_normalise(stem): a for stem, a in by_stem.items()}
    stage = course_root / STAGE
    students: dict[str, dict[str, Item]] = {}
    general: list[str] = []
    # (student, assignment, notebook) -> (rank, path, data); rank 0 = exact name, 1 = renamed
    chosen: dict[tuple[str, str, str], tuple[int, str, bytes]] = {}
    extra: dict[str, list[str]] = {}
    timestamps: dict[tuple[str, str], bytes] = {}

    for entry in sorted(source.iterdir()):
        if entry.name.startswith(".") or not (entry.is_dir() or entry.suffix == ".zip"):
            general.append(f"ignored {entry.name}: not a student folder or zip")
            continue
        student = entry.stem if entry.suffix == ".zip" else entry.name
        if not re.fullmatch(r"[A-Za-z0-9_.@+-]+", student):
            general.append(f"ignored {entry.name}: a student id may only hold letters, digits and _.@+-")
            continue
        files, problems = _student_files(entry)
        extra[student] = list(problems)
        students.setdefault(student, {})
        for rel, data in files:
            parts = rel.split("/")
            name = parts[-1]
            hint = next((p for p in reversed(parts[:-1]) if p in known), None)
            if name == "timestamp.txt" and hint:
                timestamps[(student, hint)] = data
                continue
            if not name.endswith(".ipynb"):
                extra[student].append(f"ignored extra file {rel}")
                continue
            stem = name[:-len(".ipynb")]
            match, rank = None, 1
            if hint and stem in known[hint]:
                match, rank = (hint, stem), 0
            elif stem in by_stem and (hint is None or by_stem[stem] == hint):
                match, rank = (by_stem[stem], stem), 0
            else:
                ids = _grade_ids(data)
                scored = [(len(ids & gids) / max(1, len(gids)), a, nb) for a, nbs in known.items()
                          for nb, gids in nbs.items() if ids & gids]
                if scored and max(scored)[0] >= 0.5:
                    _, a, nb = max(scored)
                    match = (a, nb)
                elif _normalise(stem) in by_norm:
                    a = by_norm[_normalise(stem)]
                    match = (a, next(nb for nb in known[a] if _normalise(nb) == _normalise(stem)))
                elif hint and len(known[hint]) == 1:
                    match = (hint, next(iter(known[hint])))
            if match is None:
                extra[student].append(f"ignored notebook {rel}: it matches no assignment of the course")
                continue
            if only and match[0] not in only:
                continue
            key = (student, *match)
            previous = chosen.get(key)
            if previous is None or rank < previous[0]:
                if previous is not None:
                    extra[student].append(f"ignored {previous[1]}: {rel} is the notebook {match[1]}.ipynb")
                chosen[key] = (rank, rel, data)
            else:
                extra[student].append(
                    f"ignored {rel}: {previous[1]} is already the notebook {match[1]}.ipynb")

    wanted = list(only) if only else sorted({a for (_, a, _) in chosen})
    for student, items in students.items():
        shutil.rmtree(stage / student, ignore_errors=True)
        for assignment in wanted:
            item = items[assignment] = Item(student, assignment)
            folder = stage / student / assignment
            present = []
            for nb in known.get(assignment, {}):
                pick = chosen.get((student, assignment, nb))
                if pick is None:
                    item.notes.append(f"{nb}.ipynb is missing: 0 points for it")
                    continue
                rank, rel, data = pick
                if rank == 1:
                    item.notes.append(f"graded {rel} as {nb}.ipynb (renamed)")
                problem = _check_notebook(data)
                if problem:
                    item.notes.append(f"{rel} is {problem}: 0 points for it")
                    continue
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{nb}.ipynb").write_bytes(data)
                present.append(nb)
            if not present:
                item.status = "invalid" if any("not a valid notebook" in n or "larger than" in n
                                               for n in item.notes) else "missing"
            elif (student, assignment) in timestamps:
                (folder / "timestamp.txt").write_bytes(timestamps[(student, assignment)])
        items_notes = extra.get(student, [])
        if items_notes and wanted:
            items[wanted[0]].notes.extend(items_notes)
    if general:
        print("\n".join(general), file=sys.stderr)
    return students


# ---------------------------------------------------------------------------------------------
# Grading: one worker process per student


def _worker(spec_path: str) -> int:
    """Grade one student's staged assignments in this process, one result line per assignment."""
    import logging

    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log, temp_attrs
    from traitlets.config.loader import PyFileConfigLoader

    spec = json.loads(Path(spec_path).read_text())
    course = Path(spec["course"])
    os.chdir(course)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.submitted_directory = str(STAGE)
    coursedir = CourseDirectory(config=config)
    log_dir = course / "autograde_logs"
    log_dir.mkdir(exist_ok=True)
    student = spec["student"]
    for assignment in spec["assignments"]:
        handler = logging.FileHandler(log_dir / f"{student}.{assignment}.log", mode="w")
        handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            with temp_attrs(coursedir, assignment_id=assignment, student_id=student):
                app = Autograde(coursedir=coursedir, config=config)
                app.log = logging.getLogger("nbgrader.autograde")
                app.force = True
                app.create_student = True
                result = capture_log(app)
                if result["success"]:  # feedback right away, in this process: no extra nbgrader start
                    feedback = GenerateFeedback(coursedir=coursedir, config=config)
                    feedback.log = logging.getLogger("nbgrader.feedback")
                    feedback.force = True
                    fb = capture_log(feedback)
                    if not fb["success"]:
                        logging.getLogger().error("feedback failed: %s", fb.get("error"))
        except Exception as err:  # noqa: BLE001 (report, then go on with the next assignment)
            result = {"success": False, "error": repr(err)}
        finally:
            root.removeHandler(handler)
            handler.close()
        if not result["success"]:
            with open(log_dir / f"{student}.{assignment}.log", "a") as fh:
                fh.write(result.get("log", "") + "\n" + result.get("error", ""))
        line = {"assignment": assignment, "success": bool(result["success"]),
                "error": (result.get("error") or "").strip().splitlines()[-1:] or [""]}
        with open(spec["result"], "a") as fh:
            fh.write(json.dumps(line) + "\n")
    return 0


@dataclass
class Settings:
    course: Path
    mode: str  # "sandbox" or "unconfined"
    timeout: float
    env: dict[str, str]
    work: Path


def _kill_kernels(pid_dir: Path) -> None:
    for pid_file in pid_dir.glob("*"):
        try:
            os.kill(int(pid_file.name), signal.SIGKILL)
        except (ValueError, ProcessLookupError, PermissionError):
            pass


@dataclass
class Task:
    """Some of one student's assignments, graded by one worker process."""
    student: str
    assignments: list[str]
    part: int = 0


def plan_tasks(students: dict[str, dict[str, Item]], jobs: int) -> list[Task]:
    """One task per student; with fewer students than jobs, each student's assignments are split
    (round robin) into as many tasks as it takes to keep every job busy."""
    parts = max(1, -(-jobs // max(1, len(students))))
    tasks = []
    for student in sorted(students):
        pending = sorted(a for a, item in students[student].items() if item.status == "pending")
        tasks += [Task(student, pending[k::parts], k) for k in range(parts) if pending[k::parts]]
    return tasks


class Deadlines:
    """Each student's time limit counts from the start of their first task, whichever worker runs it."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._ends: dict[str, float] = {}
        self._lock = threading.Lock()

    def remaining(self, student: str) -> float:
        with self._lock:
            end = self._ends.setdefault(student, time.monotonic() + self.timeout)
        return max(0.0, end - time.monotonic())


def create_students(course: Path, students: list[str]) -> None:
    """Add the students to the gradebook up front: two workers grading one student at once would
    otherwise both try to create them."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        for student in students:
            gb.update_or_create_student(student)


def grade_task(task: Task, items: dict[str, Item], settings: Settings, time_left: float, slot: str) -> None:
    """Run one worker for the task's assignments of one student (``items``), within the time left,
    its kernels as the sandbox user of ``slot``."""
    student, pending = task.student, task.assignments
    course = settings.course
    for assignment in pending:  # nothing of an earlier run survives a regrade
        shutil.rmtree(course / "autograded" / student / assignment, ignore_errors=True)
        shutil.rmtree(course / "feedback" / student / assignment, ignore_errors=True)
    private = Path(tempfile.mkdtemp(prefix="csg-", dir="/tmp"))  # short: IPC socket paths max 107 chars
    try:
        (private / "pids").mkdir()
        spec = {"course": str(course), "student": student, "assignments": pending,
                "result": str(settings.work / f"{student}.{task.part}.results.jsonl")}
        Path(spec["result"]).unlink(missing_ok=True)
        spec_path = settings.work / f"{student}.{task.part}.spec.json"
        spec_path.write_text(json.dumps(spec))
        env = dict(settings.env, JUPYTER_RUNTIME_DIR=str(private), CS_KERNEL_IPC=str(private / "k"),
                   CS_KERNEL_PIDS=str(private / "pids"), CS_SANDBOX_SLOT=slot)
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(spec_path)],
                                cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
        timed_out = False
        try:
            out, _ = proc.communicate(timeout=max(time_left, 1.0))
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        _kill_kernels(private / "pids")
        done = {}
        if Path(spec["result"]).exists():
            for line in Path(spec["result"]).read_text().splitlines():
                record = json.loads(line)
                done[record["assignment"]] = record
        for assignment in pending:
            item = items[assignment]
            record = done.get(assignment)
            if record and record["success"]:
                item.status = "ok"
            elif record:
                item.status = "error"
                item.notes.append(f"nbgrader failed ({record['error'][0]}); see "
                                  f"autograde_logs/{student}.{assignment}.log")
            elif timed_out:
                item.status = "timeout"
                item.notes.append(f"the student's time limit ({settings.timeout:.0f} s for all notebooks) "
                                  "ran out before this assignment was graded")
            else:
                item.status = "error"
                item.notes.append(f"the grading process ended early (exit {proc.returncode}): {out[-300:]}")
    finally:
        shutil.rmtree(private, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Gradebook, CSV, report, feedback


def gradebook_url(course_root: Path) -> str:
    return (os.environ.get("CS_GRADEBOOK_URL")
            or "sqlite:///" + str(course_root / "gradebook.db") + "?timeout=60")


def _notes_from_autograded(course: Path, item: Item) -> None:
    import nbformat

    folder = course / "autograded" / item.student / item.assignment
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001
            continue
        for cell in nb.cells:
            grade_id = (cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                        or f"cell {cell.get('id')}")
            for out in cell.get("outputs", []):
                if out.get("ename") == "DeadKernelError" and "not run" not in out.get("evalue", ""):
                    item.notes.append(f"{path.stem}: the kernel died in {grade_id} and was restarted")
                elif out.get("ename") == "CellTimeoutError":
                    item.notes.append(f"{path.stem}: {grade_id} ran past the per-cell time limit "
                                      "and was interrupted")
                elif out.get("ename") == "MemoryError":
                    item.notes.append(f"{path.stem}: {grade_id} ran out of memory (the kernel's limit)")
                elif "output truncated" in str(out.get("text", "")):
                    item.notes.append(f"{path.stem}: the output of {grade_id} was truncated")


def _notes_from_log(course: Path, item: Item) -> None:
    log = course / "autograde_logs" / f"{item.student}.{item.assignment}.log"
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            if "tampering:" in line:
                item.notes.append(line.split("tampering:", 1)[1].strip().join(("tampering: ", "")))


def finish_gradebook(course: Path, students: dict[str, dict[str, Item]]) -> None:
    """Zero the automatic scores of everything not graded in this run, so no stale score survives."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course)) as gb:
        for items in students.values():
            for item in items.values():
                if item.status == "ok":
                    continue
                shutil.rmtree(course / "autograded" / item.student / item.assignment, ignore_errors=True)
                shutil.rmtree(course / "feedback" / item.student / item.assignment, ignore_errors=True)
                try:
                    submission = gb.find_submission(item.assignment, item.student)
                except MissingEntry:
                    continue
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
                gb.db.commit()


def export_grades(course: Path, students: dict[str, dict[str, Item]], out: Path) -> list[dict]:
    """Write one CSV row per student, assignment and notebook (atomically) and return the rows."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with Gradebook(gradebook_url(course)) as gb:
        for student in sorted(students):
            for assignment, item in sorted(students[student].items()):
                for nb_path in sorted((course / "solutions" / assignment).glob("*.ipynb")):
                    row = {"student": student, "assignment": assignment, "notebook": nb_path.stem,
                           "score": 0.0, "max_score": 0.0, "status": item.status}
                    try:
                        row["max_score"] = gb.find_notebook(nb_path.stem, assignment).max_score
                        if item.status == "ok":
                            row["score"] = gb.find_submission_notebook(
                                nb_path.stem, assignment, student).score
                    except MissingEntry:
                        if item.status == "ok":
                            row["status"] = "missing"
                    rows.append(row)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["student", "assignment", "notebook", "score", "max_score", "status"])
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, out)
    return rows


def write_report(students: dict[str, dict[str, Item]], rows: list[dict], path: Path, header: str) -> None:
    scores = {(r["student"], r["assignment"]): (0.0, 0.0) for r in rows}
    for r in rows:
        got, top = scores[(r["student"], r["assignment"])]
        scores[(r["student"], r["assignment"])] = (got + r["score"], top + r["max_score"])
    lines = ["# Autograding report", "", header, ""]
    for student in sorted(students):
        lines.append(f"## {student}")
        for assignment, item in sorted(students[student].items()):
            got, top = scores.get((student, assignment), (0.0, 0.0))
            lines.append(f"- {assignment}: {got:g} / {top:g} ({item.status})")
            lines.extend(f"  - {note}" for note in item.notes)
        lines.append("")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines))
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------


def autograde(source: Path, course_root: Path = ROOT, jobs: int = 1, timeout: float = STUDENT_TIMEOUT_S,
              out: Path | None = None, *, unconfined: bool = False, only: list[str] | None = None,
              cell_timeout: int | None = None, memory_mb: int | None = None,
              db_url: str | None = None) -> list[dict]:
    """Grade every submission in ``source``; return the CSV rows (see the module docstring)."""
    from tools.sandbox import SlotPool, sandbox_problem, write_kernelspec

    course = Path(course_root).resolve()
    problem = sandbox_problem()
    if problem and not unconfined:
        raise SystemExit(f"refusing to grade: the grading sandbox is unavailable ({problem}). Student code "
                         "would run with your permissions; pass --unconfined to grade anyway.")
    mode = "unconfined" if unconfined else "sandbox"
    work = course / "autograde_work"
    work.mkdir(parents=True, exist_ok=True)
    kernel = write_kernelspec(work / "jupyter", mode)
    env = nbgrader_env(quick=True, threads=1)
    env.update(CS_GRADING_KERNEL=kernel, CS_COURSE_ROOT=str(course), MPLBACKEND="agg",
               JUPYTER_PATH=os.pathsep.join(filter(None, [str(work / "jupyter"), env.get("JUPYTER_PATH")])))
    if cell_timeout:
        env["CS_CELL_TIMEOUT"] = str(cell_timeout)
    if memory_mb:
        env["CS_KERNEL_MEMORY_MB"] = str(memory_mb)
    if db_url:
        env["CS_GRADEBOOK_URL"] = db_url
    saved_url = os.environ.get("CS_GRADEBOOK_URL")
    if db_url:
        os.environ["CS_GRADEBOOK_URL"] = db_url
    try:
        students = collect(Path(source), course, only)
        if not students:
            raise SystemExit(f"no submissions found in {source}")
        settings = Settings(course, mode, timeout, env, work)
        create_students(course, sorted(students))
        tasks, deadlines = plan_tasks(students, jobs), Deadlines(timeout)
        # A slot per running task: its kernels run as the slot's own sandbox user, so that one
        # student's processes never count against another's process limit.
        slots, shared = SlotPool(), []

        def run_task(task: Task) -> None:
            slot, handle = slots.acquire()
            if not slot:
                shared.append(task)
            try:
                grade_task(task, students[task.student], settings, deadlines.remaining(task.student), slot)
            finally:
                slots.release(handle)

        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(run_task, tasks))
        elapsed = time.monotonic() - start
        for items in students.values():
            for item in items.values():
                if item.status == "ok":
                    _notes_from_autograded(course, item)
                    _notes_from_log(course, item)
        finish_gradebook(course, students)
        out = Path(out or course / "grades.csv")
        rows = export_grades(course, students, out)
        shared_note = ""
        if mode == "sandbox" and os.geteuid() == 0 and shared:
            shared_note = (f" {len(shared)} task(s) found every sandbox user cs-grader-<slot> taken "
                           "and ran as the shared cs-grader, one process limit for all of them "
                           "(.ci/install-bubblewrap.sh creates more with CS_GRADER_SLOTS).")
        write_report(students, rows, out.with_name(out.stem + "_report.md"),
                     f"{len(students)} student(s) graded in {elapsed:.0f} s with {jobs} process(es), kernel: "
                     f"{mode}{'' if mode == 'sandbox' else ' (NOT confined)'}." + shared_note)
        return rows
    finally:
        if db_url:
            if saved_url is None:
                os.environ.pop("CS_GRADEBOOK_URL", None)
            else:
                os.environ["CS_GRADEBOOK_URL"] = saved_url


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return _worker(argv[1])
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--course", type=Path, default=ROOT)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes at once (default: the number of cores); one student's "
                             "assignments are split over several when there are fewer students than jobs")
    parser.add_argument("--timeout", type=float, default=STUDENT_TIMEOUT_S,
                        help="seconds allowed for one student's whole submission (all notebooks)")
    parser.add_argument("--cell-timeout", type=int, help="seconds allowed for one cell (default 300)")
    parser.add_argument("--memory-mb", type=int, help="memory limit of each kernel (default 3072)")
    parser.add_argument("--assignments", help="comma-separated assignments to grade (default: all submitted)")
    parser.add_argument("--db-url", help="gradebook URL, e.g. postgresql://user@host/db (default: SQLite)")
    parser.add_argument("--unconfined", action="store_true",
                        help="grade without the bubblewrap sandbox (student code runs with your permissions)")
    parser.add_argument("--out", type=Path, help="grades CSV (default: COURSE/grades.csv)")
    args = parser.parse_args(argv)
    only = [a for a in (args.assignments or "").split(",") if a] or None
    rows = autograde(args.submissions, args.course, args.jobs, args.timeout, args.out,
                     unconfined=args.unconfined, only=only, cell_timeout=args.cell_timeout,
                     memory_mb=args.memory_mb, db_url=args.db_url)
    for row in rows:
        print(f"{row['student']:>20} {row['assignment']:>24} {row['score']:6.1f} / "
              f"{row['max_score']:<6.1f} {row['status']}")
    out = args.out or args.course / "grades.csv"
    print(f"grades: {out}; report: {out.with_name(out.stem + '_report.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
