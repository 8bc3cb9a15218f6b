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
