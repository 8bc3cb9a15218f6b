"""Session set-up. Helpers that tests import live in tests/support/, not here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# nbgrader shells out to `alembic`, and some tests run `jupyter` or `nbgrader`: the environment's
# bin folder goes first on PATH, so a bare `pytest` works as well as `make test`.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

# The grading fixtures' notebooks loop forever, kill their kernel or tamper on purpose: they are
# graded by tests/test_grading_preprocessors.py, never executed by nbval (make test passes --nbval-lax).
collect_ignore_glob = ["grading_fixtures/notebooks/*.ipynb"]


def _longest_first(item) -> tuple[int, int]:
    """Roughly how long an item's file takes, as a sort key: the grading module (about 5 min on one
    of 2 cores), the solution notebooks (10-60 s, the torch ones 08-12 and the later ones heavier),
    other end-to-end files, then unit tests (seconds)."""
    path = Path(item.path)
    if path.name == "test_autograde.py":
        return (0, 0)
    if path.suffix == ".ipynb":
        return (1, -int(path.stem[:2]) if path.stem[:2].isdigit() else 0)
    return (2 if item.get_closest_marker("slow") else 3, 0)


def pytest_collection_modifyitems(config, items):
    # `make test` hands files to its workers in collection order (--dist loadfile
    # --no-loadscope-reorder): longest first, so that no worker ends alone on a long file while the
    # other is idle. Within a file the order is kept (the sort is stable).
    items.sort(key=_longest_first)
