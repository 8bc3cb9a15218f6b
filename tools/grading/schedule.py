"""Scheduling: which worker grades what, when time is up, and which students a shard grades.

* ``plan_tasks``: a task is some of one student's assignments, at most a quarter of one job's
  share of the whole run (so a big course among small ones, or one student alone, keeps every core
  busy), the longest tasks first; in a class each student stays one task (one worker start).
  How long an assignment takes to grade here is remembered from earlier runs (``GradingTimes``,
  ``autograde_work/grading_times.json``): a student's split puts the long ones apart and starts
  them first, so that no core finishes the run alone.
* ``Deadlines``: an optional limit for one student's whole run (``--timeout``), counted from the
  start of their first task, whichever worker runs it.
* ``Shard``: ``K/N`` grades the students whose id hashes to K (1-based) of N. The hash of the id
  alone decides, so a student stays in their shard when others are added or removed, and any one
  shard can be rerun on its own.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tools.grading.records import Item, Status


@dataclass
class Task:
    """Some of one student's assignments, graded by one worker process."""

    student: str
    assignments: list[str]
    part: int = 0


def plan_tasks(students: dict[str, dict[str, Item]], jobs: int,
               seconds: dict[str, float] | None = None) -> list[Task]:
    """Tasks of at most ``ceil(all pending / (2 * jobs))`` assignments each, the longest first.

    ``seconds`` (assignment -> grading time measured before) splits a student's assignments into
    tasks of about equal time, each assignment going to the task with the least so far; an
    assignment never measured counts as the median of those measured (without any, all are equal)."""
    pending = {student: sorted(a for a, item in items.items() if item.status == Status.PENDING)
               for student, items in sorted(students.items())}
    most = max(1, -(-sum(map(len, pending.values())) // (2 * max(1, jobs))))
    seconds = seconds or {}
    usual = statistics.median(seconds.values()) if seconds else 1.0

    def cost(assignment: str) -> float:
        return seconds.get(assignment, usual)

    tasks = []
    for student, names in pending.items():
        parts = [Task(student, [], k) for k in range(-(-len(names) // most))]
        for name in sorted(names, key=lambda a: (-cost(a), a)):
            part = min((t for t in parts if len(t.assignments) < most),
                       key=lambda t: (sum(map(cost, t.assignments)), t.part))
            part.assignments.append(name)
        tasks += parts
    return sorted(tasks, key=lambda task: (-sum(map(cost, task.assignments)), -len(task.assignments)))


class GradingTimes:
    """How many seconds each assignment took to grade in this course folder, remembered between runs
    to plan the next one: per assignment, the median over the last run that graded it. A missing or
    unreadable file knows nothing."""

    FILE = "grading_times.json"  # in the run's work folder

    def __init__(self, work: Path):
        self.path = Path(work) / self.FILE

    def read(self) -> dict[str, float]:
        try:
            known = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(known, dict):
            return {}
        return {a: float(s) for a, s in known.items() if isinstance(s, (int, float)) and s > 0}

    def update(self, items) -> None:
        """Remember the times of ``items`` that were graded (status ok), over the ones before."""
        measured: dict[str, list[float]] = {}
        for item in items:
            if item.status == Status.OK and item.seconds:
                measured.setdefault(item.assignment, []).append(item.seconds)
        if not measured:
            return
        known = {**self.read(), **{a: round(statistics.median(s), 2) for a, s in measured.items()}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.FILE}.{threading.get_ident()}")
        partial.write_text(json.dumps(known, indent=1, sort_keys=True))
        partial.replace(self.path)  # whole or not at all, should two shards write at once


class Deadlines:
    """Each student's time limit counts from the start of their first task, whichever worker runs it.
    ``timeout=None``: no limit for the student as a whole (each notebook has its own budget)."""

    def __init__(self, timeout: float | None):
        self.timeout = timeout
        self._ends: dict[str, float] = {}
        self._lock = threading.Lock()

    def remaining(self, student: str) -> float | None:
        if self.timeout is None:
            return None
        with self._lock:
            end = self._ends.setdefault(student, time.monotonic() + self.timeout)
        return max(0.0, end - time.monotonic())


@dataclass(frozen=True)
class Shard:
    index: int  # 1..count
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"K/N"`` with 1 <= K <= N."""
        try:
            k, n = (int(x) for x in text.split("/"))
        except ValueError:
            raise ValueError(f"a shard is K/N, such as 2/4, not {text!r}") from None
        if not 1 <= k <= n:
            raise ValueError(f"shard {text}: K must be between 1 and N")
        return cls(k, n)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def tag(self) -> str:
        """For file names: ``shard-2-of-4``."""
        return f"shard-{self.index}-of-{self.count}"

    def holds(self, student: str) -> bool:
        digest = hashlib.sha256(student.encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1
