"""Where the preprocessors record what happened while grading (``records.Event``).

The preprocessors run inside the worker process (nbgrader's Autograde, in-process), so a list in
this module is enough: they ``record`` events as they happen, and the worker ``drain``s them after
each assignment into its results. In a plain ``nbgrader autograde`` run nobody drains them; the
same events are in nbgrader's log as well.
"""

from __future__ import annotations

import logging

from tools.grading.records import Event, EventKind

_recorded: list[Event] = []


def notebook_of(resources: dict | None) -> str:
    return str(((resources or {}).get("nbgrader") or {}).get("notebook", ""))


def record(kind: EventKind, resources: dict | None, cell: str = "", detail: str = "",
           log: logging.Logger | None = None) -> Event:
    event = Event(kind, notebook_of(resources), cell, detail)
    _recorded.append(event)
    if log is not None:
        log.warning("%s", event.describe())
    return event


def drain() -> list[Event]:
    """The events recorded since the last drain."""
    events = list(_recorded)
    _recorded.clear()
    return events


def cell_label(cell, index: int) -> str:
    """A test's grade id, else ``cell N`` (1-based, as JupyterLab counts)."""
    return (cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index + 1}")
