"""The course's source notebook of the notebook being graded, and a cell's grade id: what the
preprocessors compare a hand-in with (execute.py's untouched experiments, overwrite.py's places
of deleted tests, gradeids.py's duplicates)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def grade_id_of(cell) -> str | None:
    """The cell's nbgrader grade id; None for a plain cell, or nbgrader metadata that names none."""
    meta = cell.get("metadata", {}).get("nbgrader")
    return (meta.get("grade_id") or None) if isinstance(meta, dict) else None


def source_notebook(source_directory: str, resources: dict | None) -> nbformat.NotebookNode | None:
    """``<source_directory>/<assignment>/<notebook>.ipynb`` of the notebook nbgrader is grading
    (``resources["nbgrader"]``), or None when there is no such file."""
    info = (resources or {}).get("nbgrader", {})
    if not source_directory or not info.get("assignment") or not info.get("notebook"):
        return None
    path = Path(source_directory) / info["assignment"] / f"{info['notebook']}.ipynb"
    return nbformat.read(path, as_version=4) if path.exists() else None
