"""The committed notebooks are exactly what the sources produce, and the release leaks nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.validator import Validator
from traitlets.config import Config

from tests.conftest import copy_course
from tools import build_notebooks
from tools.course import ROOT, assignments
from tools.release import release

ASSIGNMENTS = assignments()
# Metadata that a notebook gains when someone opens and saves it, not part of the release's content.
VOLATILE_METADATA = ("widgets", "toc", "varInspector")


def comparable(path: Path) -> dict:
    nb = json.loads(path.read_text())
    for key in VOLATILE_METADATA:
        nb["metadata"].pop(key, None)
    return nb


def test_every_notebook_in_the_course_map_is_an_assignment_folder():
    assert ASSIGNMENTS, "no assignments found under solutions/"
    for name in ASSIGNMENTS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+", name)
        assert (ROOT / "notebook_src" / f"{name}.py").exists(), f"{name} has no text source"
        assert (ROOT / "notebooks" / name / f"{name}.ipynb").exists(), f"{name} has no student release"


def test_solutions_are_built_from_notebook_src():
    assert build_notebooks.main(["--check"]) == 0, "run `make release` and commit solutions/ and notebooks/"


def test_builder_is_deterministic():
    for name in ASSIGNMENTS:
        source = ROOT / "notebook_src" / f"{name}.py"
        assert build_notebooks.render(build_notebooks.build(source)) == \
            build_notebooks.render(build_notebooks.build(source))


def test_release_is_in_sync_with_solutions(tmp_path):
    course = copy_course(tmp_path / "course", with_release=False)
    release(course)
    for name in ASSIGNMENTS:
        committed = sorted(p.relative_to(ROOT / "notebooks") for p in (ROOT / "notebooks" / name).rglob("*")
                           if p.is_file() and not any(part.startswith(".") for part in p.parts[len(ROOT.parts):]))
        regenerated = sorted(p.relative_to(course / "notebooks") for p in (course / "notebooks" / name).rglob("*")
                             if p.is_file())
        assert committed == regenerated, f"notebooks/{name} has different files from a fresh release"
        for rel in regenerated:
            if rel.suffix == ".ipynb":
                assert comparable(ROOT / "notebooks" / rel) == comparable(course / "notebooks" / rel), (
                    f"notebooks/{rel} differs from a fresh `nbgrader generate_assignment`: run `make release`")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_student_release_contains_no_solution_or_hidden_test(name):
    source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    student_text = (ROOT / "notebooks" / name / f"{name}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in student_text, f"{marker} leaked into notebooks/{name}"
    block = re.compile(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END (?:SOLUTION|HIDDEN TESTS)", re.S)
    # Lines that the source also shows outside the hidden blocks (imports, say) are not secrets.
    public = {line.strip() for cell in source.cells for line in block.sub("", cell.source).splitlines()}
    for cell in source.cells:
        for hidden in block.findall(cell.source):
            for line in hidden.splitlines():
                line = line.strip()
                if len(line) > 25 and line not in public:  # long enough to be specific, not "return out"
                    assert line not in student_text, f"solution or hidden-test line leaked: {line!r}"
    student = nbformat.read(ROOT / "notebooks" / name / f"{name}.ipynb", as_version=4)
    stubs = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs and all("raise NotImplementedError()" in c.source for c in stubs if c.cell_type == "code")


def test_no_python_sources_next_to_solution_notebooks():
    # nbgrader copies every non-notebook file of an assignment folder into the release verbatim.
    for name in ASSIGNMENTS:
        extra = [p.name for p in (ROOT / "solutions" / name).iterdir() if p.suffix != ".ipynb"]
        assert not extra, f"solutions/{name} holds {extra}, which would be released to students"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_notebook_passes_nbgrader_validator(name, monkeypatch):
    # `nbgrader validate` exits 0 even when tests fail, so use the Validator's result instead.
    monkeypatch.setenv("CS_QUICK", "1")
    monkeypatch.chdir(ROOT / "solutions" / name)
    # The course's per-cell limit, as `make lab` and the grader use it (nbgrader's default is 30 s).
    result = Validator(config=Config({"Execute": {"timeout": 300}})).validate(str(ROOT / "solutions" / name / f"{name}.ipynb"))
    assert not result.get("failed") and not result.get("changed") and not result.get("type_changed"), result


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
