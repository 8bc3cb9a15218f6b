"""nbgrader's OverwriteCells, reporting only what a student really changed.

nbgrader puts every locked cell back as it is in the gradebook, and logs "Attribute 'checksum' ...
has changed" whenever the submitted cell's checksum differs from the gradebook's. For a test cell
with hidden tests it always does: the gradebook holds the cell *with* its hidden tests, the
release without. So the warning appeared for every such cell of an untouched release and could not
show a real edit. Here a locked cell counts as changed only when its source differs from the
released one (the gradebook's, hidden tests removed, whitespace at line ends ignored); then, and
for a changed cell type, lock or point value, the warning is logged and a ``test_cell_edited``
event recorded. Test cells added back because they were deleted are recorded as ``test_cell_deleted``.
"""

from __future__ import annotations

from nbformat.notebooknode import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells

from tools.grading import events
from tools.grading.records import EventKind


def released_source(source: str) -> str:
    """``source`` as nbgrader releases it: without its hidden tests."""
    cell = NotebookNode(cell_type="code", source=source, metadata={})
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


def same_source(a: str, b: str) -> bool:
    def norm(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip().splitlines()]

    return norm(a) == norm(b)


class ReportingOverwriteCells(OverwriteCells):
    """OverwriteCells whose warnings (and events) mean that a student changed a locked cell."""

    def preprocess(self, nb, resources):
        self._resources = resources
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        self._unchanged_release = False
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id:
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                source_cell = None
            if source_cell is not None and source_cell.locked:
                self._unchanged_release = (same_source(cell.source, released_source(source_cell.source))
                                           or same_source(cell.source, source_cell.source))
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and self._unchanged_release:
            self.log.debug("cell %s is as released; its hidden tests are put back", name)
            return
        super().report_change(name, attr, old, new)
        events.record(EventKind.TEST_CELL_EDITED, self._resources, name, attr)

    def add_missing_grade_cells(self, nb, resources):
        before = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells}
        nb, resources = super().add_missing_grade_cells(nb, resources)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id and grade_id not in before:
                events.record(EventKind.TEST_CELL_DELETED, resources, grade_id)
        return nb, resources
