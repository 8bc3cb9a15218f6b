"""nbgrader's OverwriteCells, reporting only what a student really changed, for any editor's notebook.

nbgrader puts every locked cell back as it is in the gradebook, and logs "Attribute 'checksum' ...
has changed" whenever the submitted cell's checksum differs from the gradebook's. For a test cell
with hidden tests it always does: the gradebook holds the cell *with* its hidden tests, the
release without. So the warning appeared for every such cell of an untouched release and could not
show a real edit. Here a locked cell counts as changed only when its source differs from the
released one (the gradebook's, hidden tests removed, whitespace at line ends ignored); then, and
for a changed lock or point value, the warning is logged and a ``test_cell_edited`` event
recorded. An exercise cell handed in as Markdown (and put back as code) is a ``cell_type_changed``
event instead: its text is the student's answer, graded as such, not "graded as released".

Hand-ins edited outside JupyterLab made nbgrader fail the whole notebook (status ``error``, 0
points) in two more places, fixed here:

* **A grade id the gradebook does not know** (a cell copied from another notebook, or from an
  older release): nbgrader deletes only its ``grade_id``, leaving a cell marked solution or test
  without one, which ``add_missing_grade_cells`` (``KeyError``) and CheckCellMetadata then reject.
  Here its nbgrader metadata goes: it runs as the student's own cell (a ``foreign_cell`` event).
* **Test cells added back when the cell before them is missing too**: nbgrader puts a deleted test
  cell after the cell that precedes it in the source, and fails (``KeyError``) when that one is
  gone as well, as when a student deletes an exercise cell with its test and writes the answer in
  a new cell, or when an editor (Colab) drops the nbgrader metadata of every cell. Here a missing
  test goes after the source cell before it when that one is there (nbgrader's place), else before
  the first later cell of the source notebook that is there (a Markdown cell the student did not
  touch, say), so that it runs after the student's answer written in its place; else at the end.
  Cells are recognised by grade id, and cells outside nbgrader's by their text (when it occurs once
  in the source and once in the hand-in). Each is recorded as ``test_cell_deleted``.
"""

from __future__ import annotations

from nbformat.notebooknode import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells
from traitlets import Unicode

from tools.grading import events
from tools.grading.preprocessors.source import grade_id_of, source_notebook
from tools.grading.records import EventKind


def released_source(source: str) -> str:
    """``source`` as nbgrader releases it: without its hidden tests."""
    cell = NotebookNode(cell_type="code", source=source, metadata={})
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


def norm(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]


def same_source(a: str, b: str) -> bool:
    return norm(a) == norm(b)


def cell_key(cell) -> str | tuple[str, ...] | None:
    """What recognises a cell in another copy of the notebook: its grade id, else its text."""
    if grade_id := grade_id_of(cell):
        return grade_id
    text = norm(cell.get("source", ""))
    return (cell.get("cell_type", ""), *text) if text else None


def missing_cell_position(order: list, cells: list, key) -> int:
    """Where the source notebook's cell ``key`` goes among the hand-in's ``cells``: after the
    source cell before it when that one is there, else before the first later source cell that is
    there, else at the end. ``order`` is the source notebook's cells as ``cell_key``s; a key
    recognises a cell only when it occurs once in each."""
    keys = [cell_key(cell) for cell in cells]

    def found(k) -> int | None:
        return keys.index(k) if k is not None and keys.count(k) == 1 and order.count(k) == 1 else None

    at = order.index(key)
    if at > 0 and (before := found(order[at - 1])) is not None:
        return before + 1
    return next((i for i in map(found, order[at + 1:]) if i is not None), len(cells))


class ReportingOverwriteCells(OverwriteCells):
    """OverwriteCells whose warnings (and events) mean that a student changed a locked cell, and
    that grades what editors other than JupyterLab hand in."""

    source_directory = Unicode("", help="Folder of the source notebooks (<assignment>/<notebook>.ipynb): "
                                        "their cells place test cells added back (else the gradebook's "
                                        "order of nbgrader's cells).").tag(config=True)

    def preprocess(self, nb, resources):
        self._resources = resources
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        self._unchanged_release = False
        self._locked = True
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id:
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                del cell.metadata["nbgrader"]
                events.record(EventKind.FOREIGN_CELL, resources, grade_id, log=self.log)
                return cell, resources
            self._locked = source_cell.locked
            if source_cell.locked:
                self._unchanged_release = (same_source(cell.source, released_source(source_cell.source))
                                           or same_source(cell.source, source_cell.source))
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and self._unchanged_release:
            self.log.debug("cell %s is as released; its hidden tests are put back", name)
            return
        if attr == "cell_type" and not self._locked:
            events.record(EventKind.CELL_TYPE_CHANGED, self._resources, name, new, log=self.log)
            return
        super().report_change(name, attr, old, new)
        events.record(EventKind.TEST_CELL_EDITED, self._resources, name, attr)

    def source_order(self, source_nb, resources) -> list:
        """The source notebook's cells as ``cell_key``s: from ``source_directory``, else nbgrader's
        cells in the gradebook."""
        nbgrader_cells = [cell.name for cell in source_nb.source_cells]
        source = source_notebook(self.source_directory, resources)
        order = [cell_key(cell) for cell in source.cells] if source is not None else []
        return order if set(nbgrader_cells) <= set(order) else nbgrader_cells

    def add_missing_grade_cells(self, nb, resources):
        """nbgrader's, placing each cell with ``missing_cell_position`` (see the module's docstring)."""
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        sources = {cell.name: cell for cell in source_nb.source_cells}
        solutions = {cell.name for cell in source_nb.solution_cells}
        present = {grade_id_of(cell) for cell in nb.cells}
        order = self.source_order(source_nb, resources)
        for grade_id in [key for key in order if key in grade_cells and key not in present]:
            self.log.warning("Missing grade cell %s encountered, adding to notebook", grade_id)
            cell = self.missing_cell_transform(sources[grade_id], grade_cells[grade_id].max_score,
                                               is_solution=grade_id in solutions)
            nb.cells.insert(missing_cell_position(order, nb.cells, grade_id), cell)
            events.record(EventKind.TEST_CELL_DELETED, resources, grade_id)
        return nb, resources
