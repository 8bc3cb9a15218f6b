"""nbgrader preprocessors of the course's grading, one per module (as nbgrader's own are).

* ``execute.GradingExecute``: time limits per cell and per notebook, kernel restarts, output cap,
  experiment cells skipped when unchanged;
* ``guard.GuardedExecute``: GradingExecute plus the tampering guard (``tools/grading/guard_program.py``);
* ``gradeids.DeduplicateGradeIds``: nbgrader's DeduplicateIds, leaving extra copies as plain cells;
* ``overwrite.ReportingOverwriteCells``: nbgrader's OverwriteCells, reporting only real edits of
  locked cells, and placing deleted tests after a rewritten answer;
* ``traceback.TracebackToMessage``: feedback keeps ``ErrorType: message`` of failed tests only;
* ``maths.RenderMaths``: feedback shows maths as text, with no MathJax from the internet.

``source.py`` reads the source notebook a hand-in is compared with.
``nbgrader_config.py`` names them by their dotted paths; what they record is in ``tools.grading.events``.
"""
