"""The course's tools: build, release, export and grade the notebooks (``python -m tools.<name>``)."""

import os
import sys
from pathlib import Path

# jsonschema checks the "iri" string format with rfc3987_syntax when it is installed (jupyter-events
# asks for jsonschema[format-nongpl]), and that module builds a Lark parser when imported: about 2 s
# in every process that imports nbformat (each grading worker, each release, each test process).
# Nothing these tools validate has an IRI format, so they go without that one check.
sys.modules.setdefault("rfc3987_syntax", None)

# nbgrader runs `alembic` as a command whenever it opens a gradebook that does not exist yet (the
# first release or grading run of a fresh clone). alembic is installed beside this interpreter,
# which is not on PATH when the environment is not activated (`.venv/bin/python -m tools.release`):
# that first release failed, after nbgrader had already deleted the assignment's old release.
# Subprocesses (graders, kernels) inherit this PATH.
_interpreter_bin = str(Path(sys.executable).parent)
if _interpreter_bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _interpreter_bin + os.pathsep + os.environ.get("PATH", "")
