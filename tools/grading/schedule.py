"""Scheduling: which worker grades what, when time is up, and which students a shard grades.

* ``plan_tasks``: one task per student; with fewer students than jobs, a student's assignments
  are split round robin so that one student's course also uses every core.
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
    """One task per student; with fewer students than jobs, each student's assignments are split
    (round robin) into as many tasks as it takes to keep every job busy."""
    parts = max(1, -(-jobs // max(1, len(students))))
    tasks = []
    for student in sorted(students):
        pending = sorted(a for a, item in students[student].items() if item.status == Status.PENDING)
        tasks += [Task(student, pending[k::parts], k) for k in range(parts) if pending[k::parts]]
    return tasks


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
