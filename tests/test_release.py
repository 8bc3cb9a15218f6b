"""The committed notebooks are exactly what the sources produce, and the release leaks nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.validator import Validator

from tools.course import REFERENCE_HANDIN, ROOT, assignments, copy_course
from tools.release import release_drift

ASSIGNMENTS = assignments()


def test_every_notebook_in_the_course_map_is_an_assignment_folder():
    assert ASSIGNMENTS, "no assignments found under solutions/"
    for name in ASSIGNMENTS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+", name)
        assert (ROOT / "notebook_src" / f"{name}.py").exists(), f"{name} has no text source"
        assert (ROOT / "notebooks" / name / f"{name}.ipynb").exists(), f"{name} has no student release"


@pytest.mark.slow
def test_release_is_in_sync_with_solutions():
    problems = release_drift()
    assert not problems, "run `make release`:\n" + "\n".join(problems)


def code_of(line: str) -> str:
    """The line without its indentation and its inline comment (PEP 8's two spaces before the #)."""
    return line.split("  # ")[0].strip()


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_student_release_contains_no_solution_or_hidden_test(name):
    source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    student_text = (ROOT / "notebooks" / name / f"{name}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in student_text, f"{marker} leaked into notebooks/{name}"
    block = re.compile(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END (?:SOLUTION|HIDDEN TESTS)", re.S)
    # Lines whose code the source also shows outside the hidden blocks (imports, say, or a helper
    # reloaded again after the answer has run) are not secrets, whatever their comments say.
    public = {code_of(line) for cell in source.cells for line in block.sub("", cell.source).splitlines()}
    for cell in source.cells:
        for hidden in block.findall(cell.source):
            for line in hidden.splitlines():
                line = code_of(line)
                if len(line) > 25 and line not in public:  # long enough to be specific, not "return out"
                    assert line not in student_text, f"solution or hidden-test line leaked: {line!r}"
    student = nbformat.read(ROOT / "notebooks" / name / f"{name}.ipynb", as_version=4)
    stubs = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs and all("raise NotImplementedError()" in c.source for c in stubs if c.cell_type == "code")


def test_no_python_sources_next_to_solution_notebooks():
    # nbgrader copies every non-notebook file of an assignment folder into the release verbatim, but
    # what CourseDirectory.ignore names (the reference solution's hand-in files; tools/course.py).
    for name in ASSIGNMENTS:
        extra = [p.name for p in (ROOT / "solutions" / name).iterdir()
                 if p.suffix != ".ipynb" and p.name != REFERENCE_HANDIN]
        assert not extra, f"solutions/{name} holds {extra}, which would be released to students"


def test_validator_reports_a_reformatted_test_cell(tmp_path, monkeypatch):
    """The formatter trap: restyling a locked test cell in notebooks/ breaks its checksum."""
    name = ASSIGNMENTS[0]
    nb = nbformat.read(ROOT / "notebooks" / name / f"{name}.ipynb", as_version=4)
    test_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    test_cell.source = test_cell.source.replace('"', "'")  # what a formatter's quote rule would do
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setenv("CS_QUICK", "1")
    monkeypatch.chdir(tmp_path)
    validator = Validator()
    validator.preprocessors = []  # only the checksum comparison matters here; skip execution
    result = validator.validate(str(path))
    assert result.get("changed"), "a reformatted test cell should be reported as changed"


@pytest.mark.slow
def test_release_of_a_fresh_course_works_without_an_activated_environment(tmp_path):
    """`.venv/bin/python -m tools.release` with the environment's bin folder off PATH: nbgrader must
    still find `alembic` to create the new gradebook (before, the release failed after deleting the
    assignment's old release)."""
    name = ASSIGNMENTS[0]
    course = copy_course(tmp_path / "course", [name])
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if Path(p).resolve() != Path(sys.executable).parent.resolve())
    result = subprocess.run([sys.executable, "-m", "tools.release", "--course", str(course), name],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (course / "gradebook.db").exists()
    assert (course / "notebooks" / name / f"{name}.ipynb").exists()
