"""One graded cell per grade id: nbgrader's DeduplicateIds, without the notebook it fails.

A student who duplicates an exercise or a test cell (copy and paste keeps the nbgrader metadata)
hands in two cells with one grade id. nbgrader's DeduplicateIds keeps the last one as the graded
cell and sets the others' metadata to an empty ``nbgrader: {}``; but an empty dict is not "no
metadata": OverwriteCells' ``add_missing_task_cells`` then fails on its missing grade id
(``KeyError``) and CheckCellMetadata rejects it as schema version 0, so the whole notebook failed
to grade and scored 0, however right the answer. Here the other copies lose the ``nbgrader`` key
altogether: they stay where they are and run as the student's own cells, as in the student's "Run
all", and the last copy is graded (nbgrader's choice: the exercise and its tests keep their place,
and a duplicated test cell is still restored from the gradebook). nbgrader metadata that names
no grade id at all (``{}`` left by another tool) is dropped the same way: nbgrader cannot grade
such a cell, only fail on it. Each duplicated grade id is recorded as a ``duplicate_cell`` event.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from tools.grading import events
from tools.grading.preprocessors.source import grade_id_of
from tools.grading.records import EventKind


class DeduplicateGradeIds(NbGraderPreprocessor):
    """Keep the last cell of each grade id; the others, and metadata without a grade id, become
    plain cells."""

    def preprocess(self, nb, resources):
        copies: dict[str, int] = {}
        for cell in reversed(nb.cells):
            if "nbgrader" not in cell.get("metadata", {}):
                continue
            grade_id = grade_id_of(cell)
            if grade_id is None or grade_id in copies:
                del cell.metadata["nbgrader"]
            if grade_id is not None:
                copies[grade_id] = copies.get(grade_id, 0) + 1
        for grade_id, count in reversed(copies.items()):  # in the notebook's order
            if count > 1:
                events.record(EventKind.DUPLICATE_CELL, resources, grade_id, str(count), log=self.log)
        return nb, resources
