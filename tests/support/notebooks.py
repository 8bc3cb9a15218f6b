"""Finding cells by grade id and placing a student's notebook where nbgrader looks for it."""

from __future__ import annotations

from pathlib import Path

import nbformat


def cell_by_grade_id(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def drop_all_metadata(nb: nbformat.NotebookNode, cell_by_grade_id=None) -> nbformat.NotebookNode:
    """``nb`` as a notebook with no cell metadata at all: answers copied into a fresh notebook, or
    saved by an editor that keeps none. A prepared case's ``EDIT``."""
    for cell in nb.cells:
        cell.metadata = {}
    return nb


def write_submission(course_root: Path, student: str, assignment: str, nb: nbformat.NotebookNode) -> Path:
    """Write ``nb`` as ``student``'s hand-in of ``assignment`` in nbgrader's submitted/ layout."""
    path = course_root / "submitted" / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
