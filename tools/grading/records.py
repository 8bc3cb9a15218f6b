"""What grading produces, as data: the status of each assignment and the events seen while grading.

A status says whether an assignment was graded; an event says what happened in a notebook
(a kernel restart, a cell past its time limit, tampering undone, ...). Events are recorded by the
preprocessors where they happen (``tools.grading.events``), travel from the worker to the
results as JSON, and become the report's sentences only at the end (``Event.describe``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum


class Status(str, Enum):
    """What became of one student's assignment. Anything but OK scores 0."""

    PENDING = "pending"  # not graded yet
    OK = "ok"            # graded (some tests may have failed, timed out or not run)
    MISSING = "missing"  # no notebook of the assignment was handed in
    INVALID = "invalid"  # only unreadable notebooks (not JSON, not a notebook, too large)
    TIMEOUT = "timeout"  # the time allowed ran out before the assignment was graded
    ERROR = "error"      # nbgrader failed (see the log)

    def __str__(self) -> str:
        return self.value


class EventKind(str, Enum):
    KERNEL_DIED = "kernel_died"              # the kernel died in a cell and was restarted
    KERNEL_GAVE_UP = "kernel_gave_up"        # too many deaths: the remaining cells were not run
    CELL_TIMEOUT = "cell_timeout"            # a cell ran past its limit and was interrupted
    NOTEBOOK_TIMEOUT = "notebook_timeout"    # the notebook's budget ran out: later cells not run
    MEMORY_ERROR = "memory_error"            # a cell hit the kernel's memory limit
    OUTPUT_TRUNCATED = "output_truncated"    # a cell printed more than the output budget
    TAMPERING = "tampering"                  # the guard put back what a cell had changed
    TAMPERING_IN_TEST = "tampering_in_test"  # a test cell changed what it compares with: it failed
    INTROSPECTION = "introspection"          # the student's functions use frames or globals(): review
    GLOBAL_SHARED = "global_shared"          # they declare global a name a test assigns: review
    GUARD_FAILED = "guard_failed"            # the guard could not run: the test cell failed
    GUARD_OFF = "guard_off"                  # the guard's snapshot failed: notebook not guarded
    TEST_CELL_EDITED = "test_cell_edited"    # a locked cell differed from the release: restored
    TEST_CELL_DELETED = "test_cell_deleted"  # a test cell was missing: added back
    DUPLICATE_CELL = "duplicate_cell"        # a grade id on several cells: the last one graded
    FOREIGN_CELL = "foreign_cell"            # a grade id this notebook does not have: a plain cell
    CELL_TYPE_CHANGED = "cell_type_changed"  # an exercise cell of another type: its text graded as code
    ALL_CELLS_RUN = "all_cells_run"          # cells outside the exercises changed: experiments ran


# Events a person should look at: the grade stands, but the code could have changed what a test
# compared (the report lists them under "Needs review").
REVIEW_EVENTS = frozenset({EventKind.INTROSPECTION, EventKind.GLOBAL_SHARED})


@dataclass(frozen=True)
class Event:
    kind: EventKind
    notebook: str
    cell: str = ""      # grade id, or "cell N" for a cell without one
    detail: str = ""    # the names restored, the limit in seconds, ...

    def to_dict(self) -> dict:
        return {**asdict(self), "kind": self.kind.value}

    @classmethod
    def from_dict(cls, data: dict) -> Event:
        return cls(EventKind(data["kind"]), data["notebook"], data.get("cell", ""), data.get("detail", ""))

    def describe(self) -> str:
        nb, cell, detail = self.notebook, self.cell, self.detail
        return {
            EventKind.KERNEL_DIED: f"{nb}: the kernel died in {cell} and was restarted",
            EventKind.KERNEL_GAVE_UP: f"{nb}: the kernel died too often; cells from {cell} on were not run",
            EventKind.CELL_TIMEOUT: f"{nb}: {cell} ran past the per-cell time limit ({detail} s) "
                                    "and was interrupted",
            EventKind.NOTEBOOK_TIMEOUT: f"{nb}: the notebook's time budget ({detail} s) ran out; cells "
                                        f"from {cell} on were not run (their tests score 0)",
            EventKind.MEMORY_ERROR: f"{nb}: {cell} ran out of memory (the kernel's limit)",
            EventKind.OUTPUT_TRUNCATED: f"{nb}: the output of {cell} was truncated",
            EventKind.TAMPERING: f"{nb}: tampering: restored before {cell}: {detail}",
            EventKind.TAMPERING_IN_TEST: f"{nb}: tampering: while {cell} ran, the code it called changed "
                                         f"what the test checks with ({detail}); the test fails",
            EventKind.INTROSPECTION: f"{nb}: the functions defined in {cell} use {detail}, which can reach "
                                     "the tests' own variables while a test runs",
            EventKind.GLOBAL_SHARED: f"{nb}: the student's functions declare global {detail}, which "
                                     f"{cell} assigns: if the test calls one, it can change what it compares",
            EventKind.GUARD_FAILED: f"{nb}: tampering: the guard could not run around {cell}; the test fails",
            EventKind.GUARD_OFF: f"{nb}: the tampering guard was off (its snapshot failed: {detail})",
            EventKind.TEST_CELL_EDITED: f"{nb}: the locked cell {cell} was edited; graded as released",
            EventKind.TEST_CELL_DELETED: f"{nb}: the test cell {cell} was deleted; graded as released",
            EventKind.DUPLICATE_CELL: f"{nb}: the cell {cell} was handed in {detail} times; the last copy "
                                      "was graded, the others ran as ordinary cells",
            EventKind.FOREIGN_CELL: f"{nb}: the cell {cell} is not a cell of this notebook (copied from "
                                    "another one, or an older release); it ran as an ordinary cell",
            EventKind.CELL_TYPE_CHANGED: f"{nb}: the exercise cell {cell} was handed in as a {detail} cell; "
                                         "its text was graded as the type of cell released",
            EventKind.ALL_CELLS_RUN: f"{nb}: cells outside the exercises were changed, so every cell ran "
                                     "(experiments included)",
        }[self.kind]


@dataclass
class Item:
    """One student's assignment: what was handed in, and what became of it."""

    student: str
    assignment: str
    status: Status = Status.PENDING
    notes: list[str] = field(default_factory=list)     # about the hand-in (renamed, missing, ...)
    events: list[Event] = field(default_factory=list)  # from grading
    review: list[str] = field(default_factory=list)    # why a person should look at it
    seconds: float | None = None  # how long grading it took, kernel start and feedback included

    def add_events(self, graded: Iterable[Event]) -> None:
        """Grading's events; those in ``REVIEW_EVENTS`` also go on the review list."""
        for event in graded:
            self.events.append(event)
            if event.kind in REVIEW_EVENTS:
                self.review.append(event.describe())

    def to_dict(self) -> dict:
        return {"student": self.student, "assignment": self.assignment, "status": self.status.value,
                "notes": list(self.notes), "events": [e.to_dict() for e in self.events],
                "review": list(self.review)}

    @classmethod
    def from_dict(cls, data: dict) -> Item:
        return cls(data["student"], data["assignment"], Status(data["status"]), list(data.get("notes", [])),
                   [Event.from_dict(e) for e in data.get("events", [])], list(data.get("review", [])))
