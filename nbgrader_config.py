"""nbgrader configuration for the course: settings only. The course root is this repository.

The grading code lives in ``tools/grading/`` (one preprocessor per module, each with its tests);
the switches of a grading run are one typed object, ``tools.grading.settings.GradingSettings``,
read here from the environment (``CS_*`` variables, listed in docs/grading.md), which
``tools/autograde.py`` (what ``make autograde`` runs) sets for every nbgrader it starts.
"""

import os

from tools.course import REFERENCE_HANDIN
from tools.grading.feedback_exporter import TEMPLATE_NAME, template_basedirs, template_paths
from tools.grading.settings import GradingSettings

c = get_config()  # noqa: F821 (injected by traitlets)
settings = GradingSettings.from_env()
ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "cnn-week7"
c.CourseDirectory.root = ROOT
c.CourseDirectory.source_directory = "solutions"
# Each hand-in is compared with its source notebook there (tools/grading/preprocessors/source.py).
SOURCE_NOTEBOOKS = os.path.join(ROOT, c.CourseDirectory.source_directory)
c.CourseDirectory.release_directory = "notebooks"
# SQLite (gradebook.db) waits up to 60 s for a lock held by another grading process; or PostgreSQL.
c.CourseDirectory.db_url = settings.db_url(ROOT)
# Default ignores plus things that must never reach students: caches and checkpoints, and the files
# the reference solution hands in (notebook 12's trained challenge model; tools/course.py).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".pytest_cache",
                            REFERENCE_HANDIN]

# Student stub that every untouched exercise raises, so an untouched release scores 0 without hanging.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Time limits (tools/grading/preprocessors/execute.py): per test cell, per other cell, per notebook.
# Generous iopub and startup timeouts: parallel graders on a busy machine are slow to answer.
c.Execute.timeout = settings.cell_timeout
c.GradingExecute.test_cell_timeout = settings.test_cell_timeout
c.GradingExecute.notebook_timeout = settings.notebook_timeout
c.GradingExecute.max_output_chars = settings.max_output_chars
c.GradingExecute.skip_unchanged_experiments = not settings.run_experiments
c.GradingExecute.source_directory = SOURCE_NOTEBOOKS
c.GuardedExecute.guard = settings.tamper_guard
c.Execute.startup_timeout = 120
c.Execute.iopub_timeout = 60
c.Execute.interrupt_on_timeout = True

# A student who deletes a test cell does not delete the test.
c.OverwriteCells.add_missing_cells = True

# nbgrader scores a test cell 0 if it wrote anything to stderr, even when every assert passed.
# Drop stderr that consists only of Python warnings (path:line: SomethingWarning: text + source
# line), such as a torch UserWarning. Anything else on stderr still costs the points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\A(?:[^\n]*:\d+: \w*Warning: [^\n]*\n(?:[ \t]+[^\n]*\n)*)+\Z"

# Huge outputs: at most this many lines per cell survive (nbgrader's LimitOutput), and at most
# CS_MAX_OUTPUT_CHARS characters are even kept while the cell runs (GradingExecute).
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

if settings.grading_kernel:
    # Every notebook runs in the grading kernel; a student cannot pick another in the metadata.
    c.Execute.kernel_name = settings.grading_kernel
if settings.kernel_ipc:
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = settings.kernel_ipc

# Hand-ins from Colab, VS Code or older tools, duplicated or foreign cells: nbgrader's DeduplicateIds and
# OverwriteCells failed such notebooks (tools/grading/preprocessors/gradeids.py and overwrite.py).
c.ReportingOverwriteCells.source_directory = SOURCE_NOTEBOOKS
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "tools.grading.preprocessors.gradeids.DeduplicateGradeIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "tools.grading.preprocessors.overwrite.ReportingOverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "tools.grading.preprocessors.guard.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback never shows hidden tests (nor tracebacks, which quote them), renders maths offline, wraps
# long lines and lists each test by its grade id (tools/grading/templates/cs_feedback).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "tools.grading.preprocessors.traceback.TracebackToMessage",
    "tools.grading.preprocessors.maths.RenderMaths",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.GenerateFeedback.exporter_class = "tools.grading.feedback_exporter.FeedbackExporter"
c.FeedbackExporter.template_name = TEMPLATE_NAME
c.FeedbackExporter.extra_template_basedirs = template_basedirs()
c.FeedbackExporter.extra_template_paths = template_paths()
