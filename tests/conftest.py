"""Shared fixtures: a throwaway copy of the course, so nbgrader never touches the real gradebook."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from tools.course import ROOT


def copy_course(dest: Path, with_release: bool = True) -> Path:
    """Copy what nbgrader needs (config, sources, release) into ``dest`` and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    shutil.copytree(ROOT / "solutions", dest / "solutions")
    if with_release:
        shutil.copytree(ROOT / "notebooks", dest / "notebooks")
    return dest


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")


def cell_by_grade_id(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def write_submission(course_root: Path, student: str, assignment: str, nb: nbformat.NotebookNode) -> Path:
    path = course_root / "submitted" / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


