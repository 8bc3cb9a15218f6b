"""Scheduling: which worker grades what, when time is up, and which students a shard grades.

* ``plan_tasks``: a task is some of one student's assignments, at most a quarter of one job's
  share of the whole run (so a big course among small ones, or one student alone, keeps every core
  busy), the biggest tasks first; in a class each student stays one task (one worker start).
* ``Deadlines``: an optional limit for one student's whole run (``--timeout``), counted from the
  start of their first task, whichever worker runs it.
* ``Shard``: ``K/N`` grades the students whose id hashes to K (1-based) of N. The hash of the id
  alone decides, so a student stays in their shard when others are added or removed, and any one
  shard can be rerun on its own.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from tools.grading.records import Item, Status


@dataclass
class Task:
    """Some of one student's assignments, graded by one worker process."""

    student: str
    assignments: list[str]
    part: int = 0


def plan_tasks(students: dict[str, dict[str, Item]], jobs: int) -> list[Task]:
    """Tasks of at most ``ceil(all pending / (2 * jobs))`` assignments each (a student's split round
    robin), the biggest first, so that the last tasks to start are short ones."""
    pending = {student: sorted(a for a, item in items.items() if item.status == Status.PENDING)
               for student, items in sorted(students.items())}
    most = max(1, -(-sum(map(len, pending.values())) // (2 * max(1, jobs))))
    tasks = []
    for student, names in pending.items():
        parts = -(-len(names) // most)
        tasks += [Task(student, names[k::parts], k) for k in range(parts)]
    return sorted(tasks, key=lambda task: -len(task.assignments))


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
