"""Workers: one process grades some of one student's assignments with nbgrader, in-process.

``run_task`` (in the grading run) starts ``python -m tools.grading.worker SPEC`` and watches it;
``main`` (the worker) grades the spec's assignments one after another with nbgrader's Autograde
and GenerateFeedback (nbgrader imported once), and appends one JSON line per assignment to the
results file: ``{"assignment", "phase": "start"}`` when it starts, then ``{"assignment", "phase":
"done", "success", "error", "events", "seconds"}``, the events being what the preprocessors
recorded and the seconds how long the assignment took.

Time: inside the kernel every cell and every notebook has its limit (preprocessors/execute.py).
Should an assignment still outlast ``hard_limit`` (nbgrader itself stuck), the worker and its
kernels are killed, that assignment is ``timeout``, and a fresh worker grades the rest. An
optional limit for the student's whole run (``--timeout``) ends every assignment left.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools.grading.records import Event, Item, Status
from tools.grading.schedule import Task
from tools.grading.settings import GradingSettings

STARTUP_ALLOWANCE_S = 180  # per notebook, on top of its budget: kernel start, guard, feedback


@dataclass
class RunContext:
    """What every worker of one grading run shares."""

    course: Path
    mode: str  # "sandbox" or "unconfined"
    settings: GradingSettings
    env: dict[str, str]  # the workers' environment (settings.to_env() included)
    work: Path           # autograde_work/: specs and result files
    submitted: Path      # nbgrader's submitted_directory for this run (the stage)
    log_dir: Path        # nbgrader's log of each submission: <student>.<assignment>.log
    feedback: bool = True  # write the feedback HTML (the canary needs none)


def hard_limit(settings: GradingSettings, notebooks: int) -> float:
    """Seconds after which an assignment's worker is killed: every notebook's budget and more."""
    return max(1, notebooks) * (settings.notebook_timeout + STARTUP_ALLOWANCE_S)


def _kill_kernels(pid_dir: Path) -> None:
    for pid_file in pid_dir.glob("*"):
        try:
            os.kill(int(pid_file.name), signal.SIGKILL)
        except (ValueError, ProcessLookupError, PermissionError):
            pass


def _read_results(path: Path) -> list[dict]:
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # a line being written
    return records


def run_task(task: Task, items: dict[str, Item], ctx: RunContext, time_left: float | None, slot: str) -> None:
    """Grade the task's assignments of one student (``items``), within the time left, restarting
    the worker after an assignment that had to be killed; kernels run as the slot's user."""
    course, pending = ctx.course, list(task.assignments)
    for assignment in pending:  # nothing of an earlier run survives a regrade
        shutil.rmtree(course / "autograded" / task.student / assignment, ignore_errors=True)
        shutil.rmtree(course / "feedback" / task.student / assignment, ignore_errors=True)
    end = None if time_left is None else time.monotonic() + time_left
    attempt = 0
    while pending:
        attempt += 1
        pending = _run_worker(task, pending, items, ctx, end, slot, attempt)


def _notebooks(ctx: RunContext, assignment: str) -> int:
    return len(list((ctx.course / "solutions" / assignment).glob("*.ipynb")))


def _run_worker(task: Task, pending: list[str], items: dict[str, Item], ctx: RunContext,
                end: float | None, slot: str, attempt: int) -> list[str]:
    """One worker process for ``pending``; the assignments still to grade afterwards."""
    student = task.student
    private = Path(tempfile.mkdtemp(prefix="csg-", dir="/tmp"))  # short: IPC socket paths max 107 chars
    result = ctx.work / f"{student}.{task.part}.{attempt}.results.jsonl"
    try:
        (private / "pids").mkdir()
        spec = {"course": str(ctx.course), "student": student, "assignments": pending,
                "result": str(result), "submitted": str(ctx.submitted), "logs": str(ctx.log_dir),
                "feedback": ctx.feedback}
        result.unlink(missing_ok=True)
        spec_path = ctx.work / f"{student}.{task.part}.spec.json"
        spec_path.write_text(json.dumps(spec))
        worker_settings = ctx.settings.replace(kernel_ipc=str(private / "k"),
                                               kernel_pids=str(private / "pids"), sandbox_slot=slot)
        env = dict(ctx.env, **worker_settings.to_env(), JUPYTER_RUNTIME_DIR=str(private))
        proc = subprocess.Popen([sys.executable, "-m", "tools.grading.worker", str(spec_path)],
                                cwd=ctx.course, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
        killed_in, student_time_up, output = None, False, []
        reader = _Drain(proc)
        while proc.poll() is None:
            time.sleep(0.5)
            records = _read_results(result)
            started = {r["assignment"]: r["time"] for r in records if r.get("phase") == "start"}
            done = {r["assignment"] for r in records if r.get("phase") == "done"}
            current = next((a for a in started if a not in done), None)
            now = time.time()
            if current and now - started[current] > hard_limit(ctx.settings, _notebooks(ctx, current)):
                killed_in = current
            if end is not None and time.monotonic() > end:
                student_time_up = True
            if killed_in or student_time_up:
                os.killpg(proc.pid, signal.SIGKILL)
                break
        proc.wait()
        output = reader.text()
        _kill_kernels(private / "pids")
    finally:
        shutil.rmtree(private, ignore_errors=True)

    records = _read_results(result)
    done = {r["assignment"]: r for r in records if r.get("phase") == "done"}
    left = []
    for assignment in pending:
        item = items[assignment]
        record = done.get(assignment)
        if record:
            item.add_events(Event.from_dict(e) for e in record.get("events", []))
            item.seconds = record.get("seconds")
            if record["success"]:
                item.status = Status.OK
                if not record.get("feedback", True):
                    item.notes.append(f"the feedback could not be written; see "
                                      f"{ctx.log_dir.name}/{student}.{assignment}.log")
            else:
                item.status = Status.ERROR
                item.notes.append(f"nbgrader failed ({record['error']}); see "
                                  f"{ctx.log_dir.name}/{student}.{assignment}.log")
        elif student_time_up:
            item.status = Status.TIMEOUT
            item.notes.append("the student's time limit ran out before this assignment was graded")
        elif assignment == killed_in:
            limit = hard_limit(ctx.settings, _notebooks(ctx, assignment))
            item.status = Status.TIMEOUT
            item.notes.append(f"grading this assignment took more than {limit:.0f} s and was stopped; "
                              "the student's other assignments are graded as usual")
        elif killed_in:
            left.append(assignment)  # not reached: a fresh worker grades it
        else:
            item.status = Status.ERROR
            item.notes.append(f"the grading process ended early (exit {proc.returncode}): {output[-300:]}")
    return left


class _Drain:
    """Read a process's output in the background, so that a chatty worker never blocks on its pipe."""

    def __init__(self, proc: subprocess.Popen):
        import threading

        self._chunks: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc):
        for line in proc.stdout:
            self._chunks.append(line)
            del self._chunks[:-200]

    def text(self) -> str:
        self._thread.join(timeout=5)
        return "".join(self._chunks)


# ---------------------------------------------------------------------------------------------
# The worker process


def grade(spec: dict) -> None:
    """Grade ``spec``'s assignments of one student; append a start and a done line for each."""
    import logging

    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log, temp_attrs
    from traitlets.config.loader import PyFileConfigLoader

    from tools.grading import events

    course = Path(spec["course"])
    os.chdir(course)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.submitted_directory = str(Path(spec["submitted"]).resolve())
    coursedir = CourseDirectory(config=config)
    log_dir = Path(spec["logs"])
    log_dir.mkdir(exist_ok=True)
    student = spec["student"]

    def write(record: dict) -> None:
        with open(spec["result"], "a") as fh:
            fh.write(json.dumps(record) + "\n")

    for assignment in spec["assignments"]:
        started = time.time()
        write({"assignment": assignment, "phase": "start", "time": started})
        events.drain()
        log_path = log_dir / f"{student}.{assignment}.log"
        handler = logging.FileHandler(log_path, mode="w")
        handler.setFormatter(logging.Formatter("%(asctime)s [%(levelname)s] %(message)s", "%H:%M:%S"))
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
                # Feedback right away, in this process: no extra nbgrader start.
                feedback_ok = not spec.get("feedback", True)
                if result["success"] and spec.get("feedback", True):
                    feedback = GenerateFeedback(coursedir=coursedir, config=config)
                    feedback.log = logging.getLogger("nbgrader.feedback")
                    feedback.force = True
                    fb = capture_log(feedback)
                    feedback_ok = bool(fb["success"])
                    if not fb["success"]:
                        logging.getLogger().error("feedback failed: %s", fb.get("error"))
        except Exception as err:  # noqa: BLE001 (report, then go on with the next assignment)
            result, feedback_ok = {"success": False, "error": repr(err)}, False
        finally:
            root.removeHandler(handler)
            handler.close()
        if not result["success"]:
            with open(log_path, "a") as fh:
                fh.write(result.get("log", "") + "\n" + result.get("error", ""))
        error = (result.get("error") or "").strip().splitlines()[-1:] or [""]
        write({"assignment": assignment, "phase": "done", "success": bool(result["success"]),
               "error": error[0], "feedback": feedback_ok, "events": [e.to_dict() for e in events.drain()],
               "seconds": time.time() - started})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    grade(json.loads(Path(argv[0]).read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
