"""Feedback renders maths offline: LaTeX in Markdown cells becomes HTML text.

nbgrader's feedback loads MathJax from a CDN, so offline (or behind a strict firewall) students
saw raw ``$$...$$``. This preprocessor turns the maths of every Markdown cell into HTML
(``tools.grading.mathtext``) before the HTML exporter runs; the course's feedback template
(``tools/grading/templates/cs_feedback``) loads no MathJax at all.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from tools.grading.mathtext import render_markdown_maths


class RenderMaths(Preprocessor):
    """Replace ``$...$`` and ``$$...$$`` in Markdown cells with HTML."""

    enabled = Bool(True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown" and "$" in cell.source:
            cell.source = render_markdown_maths(cell.source)
        return cell, resources
