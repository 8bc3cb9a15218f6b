"""The questions_transposed answers (conv2d right, every question wrong: 8/11) in a notebook with no
cell metadata at all: copied cell by cell into a fresh notebook, or saved by an editor that keeps
none. Every nbgrader cell is then a plain cell, so the grader adds each test back from the
gradebook, after the student's answer (placed by the Markdown around it), and this earns exactly
what questions_transposed.py earns. nbgrader's own OverwriteCells failed such a notebook (KeyError:
0 points)."""

from tests.support.notebooks import drop_all_metadata

BASED_ON = "questions_transposed"
EXPECT = "same_as:questions_transposed"

EDIT = drop_all_metadata
