"""Feedback never shows hidden tests, not even in a traceback.

nbgrader's feedback shows hidden tests by default, and even with their source cleared
(``ClearHiddenTests``), an error's traceback quotes the failing lines. This keeps only
``ErrorType: message`` in the outputs of failed graded cells.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


class TracebackToMessage(Preprocessor):
    """Replace the traceback of a failed graded cell with its one-line error message."""

    enabled = Bool(True)  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
