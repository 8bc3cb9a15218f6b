"""nbgrader configuration for the course. The course root is this repository."""

import os

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

c = get_config()  # noqa: F821 (injected by traitlets)

c.CourseDirectory.course_id = "cnn-week7"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
# Default ignores plus things that must never reach students: caches and checkpoints.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".pytest_cache"]

# Student stub that every untouched exercise raises, so an untouched release scores 0 without hanging.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Per-cell limit; quick-mode cells take seconds. A whole-notebook limit is the autograde script's job.
c.Execute.timeout = 300
c.Execute.startup_timeout = 120
c.Execute.iopub_timeout = 60

# A student who deletes a test cell does not delete the test.
c.OverwriteCells.add_missing_cells = True

# nbgrader scores a test cell 0 if it wrote anything to stderr, even when every assert passed.
# Drop stderr that consists only of Python warnings (path:line: SomethingWarning: text + source
# line), such as a torch UserWarning. Anything else on stderr still costs the points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\A(?:[^\n]*:\d+: \w*Warning: [^\n]*\n(?:[ \t]+[^\n]*\n)*)+\Z"

# Feedback must never show hidden tests. nbgrader shows them by default, and even with their source
# cleared, an error's traceback quotes the failing lines. Keep only "ErrorType: message" there.
class TracebackToMessage(Preprocessor):
    """Replace the traceback of a failed graded cell with its one-line error message."""

    enabled = Bool(True)  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources


c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    TracebackToMessage,
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
