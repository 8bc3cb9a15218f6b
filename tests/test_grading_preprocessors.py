"""The grading preprocessors (tools/grading/preprocessors/), each on a small fixture notebook.

In the style of nbgrader's own preprocessor tests: one fixture notebook per behaviour in
tests/grading_fixtures/notebooks/, read, run through one preprocessor, and the cells and the
recorded events checked. The executing ones start a plain ``python3`` kernel with limits of a few
seconds; nothing here runs nbgrader's apps, so these tests belong to ``make check``.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from tests.support.notebooks import drop_all_metadata
from tools.course import ROOT
from tools.grading import events
from tools.grading.preprocessors.execute import SKIPPED_EXPERIMENT_NOTE, SKIPPED_HANDIN_NOTE, GradingExecute
from tools.grading.preprocessors.gradeids import DeduplicateGradeIds
from tools.grading.preprocessors.guard import GuardedExecute, parse_guard_reply
from tools.grading.preprocessors.maths import RenderMaths
from tools.grading.preprocessors.names import assigned_names, function_reach, import_bindings
from tools.grading.preprocessors.overwrite import (
    ReportingOverwriteCells,
    cell_key,
    missing_cell_position,
    released_source,
)
from tools.grading.preprocessors.traceback import TracebackToMessage
from tools.grading.records import REVIEW_EVENTS, EventKind

FILES = Path(__file__).parent / "grading_fixtures" / "notebooks"


def read_nb(name: str) -> nbformat.NotebookNode:
    return nbformat.read(FILES / f"{name}.ipynb", as_version=4)


def resources(notebook: str, assignment: str = "a") -> dict:
    return {"nbgrader": {"notebook": notebook, "assignment": assignment}, "metadata": {"path": "."}}


def cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def errors(c) -> list[str]:
    return [o["ename"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.fixture(autouse=True)
def no_stale_events():
    events.drain()
    yield
    events.drain()


@pytest.fixture(scope="module")
def kernel():
    """One plain python3 kernel for the module's executing tests (each notebook's preprocessor
    restarts it when a test kills it): kernel start-ups are most of these tests' time."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name="python3")
    run_sync(km.start_kernel)()
    yield km
    run_sync(km.shutdown_kernel)(now=True)


def executor(cls=GradingExecute, **traits):
    traits = {
        "kernel_name": "python3",
        "test_cell_timeout": 3,
        "timeout": 10,
        "notebook_timeout": 60,
        "startup_timeout": 60,
        "iopub_timeout": 10,
        "guard": False,
        **traits,
    }
    if cls is GradingExecute:
        traits.pop("guard")
    return cls(**traits)


class TestGradingExecute:
    def test_an_infinite_loop_costs_only_the_test_that_reaches_it(self, kernel):
        nb = read_nb("infinite-loop")
        started = time.monotonic()
        nb, _ = executor().preprocess(nb, resources("infinite-loop"), kernel)
        assert time.monotonic() - started < 40
        assert "CellTimeoutError" in errors(cell(nb, "test_loops"))
        assert errors(cell(nb, "test_after")) == [], "the next test runs in the same, interrupted kernel"
        recorded = events.drain()
        assert [(e.kind, e.notebook, e.cell, e.detail) for e in recorded] == [
            (EventKind.CELL_TIMEOUT, "infinite-loop", "test_loops", "3")
        ]
        assert recorded[0].describe() == (
            "infinite-loop: test_loops ran past the per-cell time limit (3 s) and was interrupted"
        )

    def test_the_notebook_budget_stops_the_rest_and_nothing_unrun_passes(self, kernel):
        nb = read_nb("notebook-budget")
        nb, _ = executor(test_cell_timeout=30, notebook_timeout=3).preprocess(
            nb, resources("notebook-budget"), kernel
        )
        assert "CellTimeoutError" in errors(cell(nb, "test_slow"))
        assert errors(cell(nb, "test_never_reached")) == ["NotebookTimeoutError"]
        kinds = [(e.kind, e.cell) for e in events.drain()]
        assert kinds == [(EventKind.NOTEBOOK_TIMEOUT, "test_slow")], "one event, naming the cell"

    def test_a_dead_kernel_is_restarted_and_the_tests_go_on(self):
        nb = read_nb("kernel-death")
        nb, _ = executor().preprocess(nb, resources("kernel-death"))  # a kernel of its own, restarted
        assert "DeadKernelError" in errors(cell(nb, "answer"))
        assert errors(cell(nb, "test_fresh_kernel")) == []
        assert [(e.kind, e.cell) for e in events.drain()] == [(EventKind.KERNEL_DIED, "answer")]

    def test_output_over_the_budget_is_cut_as_it_arrives(self, kernel):
        nb = read_nb("huge-output")
        nb, _ = executor(max_output_chars=1000).preprocess(nb, resources("huge-output"), kernel)
        text = "".join(o.get("text", "") for o in cell(nb, "test_prints").outputs)
        assert len(text) < 1200 and "output truncated by the autograder" in text
        assert [(e.kind, e.cell) for e in events.drain()] == [(EventKind.OUTPUT_TRUNCATED, "test_prints")]

    def test_experiments_are_skipped_only_while_the_rest_is_as_released(self, tmp_path, kernel):
        (tmp_path / "a").mkdir()
        shutil.copy(FILES / "experiments.ipynb", tmp_path / "a" / "experiments.ipynb")
        pp = executor(source_directory=str(tmp_path))
        nb, _ = pp.preprocess(read_nb("experiments"), resources("experiments"), kernel)
        experiment = next(c for c in nb.cells if "experiment" in c.metadata.get("tags", []))
        assert [o.get("text") for o in experiment.outputs] == [SKIPPED_EXPERIMENT_NOTE]
        assert errors(cell(nb, "test_double")) == []
        assert events.drain() == []
        edited = read_nb("experiments")
        edited.cells[1].source = "x = 2  # mine"
        nb, _ = pp.preprocess(edited, resources("experiments"), kernel)
        experiment = next(c for c in nb.cells if "experiment" in c.metadata.get("tags", []))
        assert "experiment ran" in experiment.outputs[0]["text"]
        assert [e.kind for e in events.drain()] == [EventKind.ALL_CELLS_RUN]


    def test_handin_cells_never_run_while_grading(self, tmp_path, kernel):
        """A cell tagged handin (notebook 12's training) is skipped even when every cell runs."""
        (tmp_path / "a").mkdir()
        shutil.copy(FILES / "experiments.ipynb", tmp_path / "a" / "experiments.ipynb")
        edited = read_nb("experiments")
        edited.cells[1].source = "x = 2  # mine"  # so that the experiment runs: all cells do
        edited.cells.insert(2, nbformat.v4.new_code_cell("x = 3\nprint('trained for an hour')",
                                                        metadata={"tags": ["handin"]}))
        nb, _ = executor(source_directory=str(tmp_path)).preprocess(edited, resources("experiments"), kernel)
        handin = next(c for c in nb.cells if "handin" in c.metadata.get("tags", []))
        assert [o.get("text") for o in handin.outputs] == [SKIPPED_HANDIN_NOTE]
        assert errors(cell(nb, "test_double")) == [], "x is still 2: the hand-in cell did not run"
        assert [e.kind for e in events.drain()] == [EventKind.ALL_CELLS_RUN]

class TestIgnorePattern:
    """nbgrader scores 0 for a test cell that wrote to stderr, even when its asserts passed; the
    course's IgnorePattern (nbgrader_config.py) drops stderr that holds only Python warnings."""

    def test_a_warning_keeps_its_points_other_stderr_does_not(self, kernel):
        from nbgrader.preprocessors import IgnorePattern
        from nbgrader.utils import determine_grade
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
        nb, res = executor().preprocess(read_nb("stderr-in-tests"), resources("stderr-in-tests"), kernel)
        warned = cell(nb, "warns").outputs
        assert any(o.get("name") == "stderr" and "UserWarning: harmless" in o.get("text", "") for o in warned)
        nb, _ = IgnorePattern(config=config).preprocess(nb, res)
        scores = {c.metadata.nbgrader["grade_id"]: determine_grade(c)[0]
                  for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
        assert scores == {"warns": 1, "prints_to_stderr": 0, "fails": 0}


class TestGuardedExecute:
    def test_monkeypatching_is_undone_before_the_test_and_recorded(self, kernel):
        nb = read_nb("tampering")
        nb, _ = executor(GuardedExecute, guard=True).preprocess(nb, resources("tampering"), kernel)
        assert errors(cell(nb, "test_sqrt")) == [], "the test saw the real math.sqrt (it fails unguarded)"
        recorded = events.drain()
        assert [(e.kind, e.cell, e.detail) for e in recorded] == [
            (EventKind.TAMPERING, "test_sqrt", "math.sqrt")
        ]

    def test_checks_disabled_while_the_test_runs_fail_the_test(self, kernel):
        """The answer's functions, called by the tests, patch ``math.isclose`` or rebind the name a
        test imported, after the guard's restore before the cell; a reload of the course's checks
        is not tampering."""
        nb, _ = executor(GuardedExecute, guard=True).preprocess(
            read_nb("tampering-in-test"), resources("tampering-in-test"), kernel)
        assert errors(cell(nb, "test_double")) == ["TamperingError"]
        assert errors(cell(nb, "test_triple")) == ["TamperingError"]
        assert errors(cell(nb, "test_square")) == [], "reloading the checks is not tampering"
        assert "this test scores 0" in cell(nb, "test_double").outputs[0]["evalue"]
        assert [(e.kind, e.cell, e.detail) for e in events.drain()] == [
            (EventKind.INTROSPECTION, "answer", "get_ipython(), user_ns"),
            (EventKind.TAMPERING_IN_TEST, "test_double", "math.isclose"),
            (EventKind.TAMPERING_IN_TEST, "test_triple", "user namespace isclose"),
        ]

    def test_without_the_check_after_the_test_the_wrong_answers_pass(self):
        """The control for the test above, in a kernel of its own (it leaves math.isclose patched)."""
        nb, _ = executor(GuardedExecute, guard=False).preprocess(
            read_nb("tampering-in-test"), resources("tampering-in-test"))
        assert [errors(cell(nb, t)) for t in ("test_double", "test_triple", "test_square")] == [[], [], []]

    def test_checks_disabled_and_put_back_before_the_guard_looks_fail_the_test(self, kernel):
        """Patches undone after the test's last statement and before the guard's request after the
        cell (by a profile function as IPython's run of the cell returns, or by a ``post_run_cell``
        callback) are seen by the check the guard adds as the test cell's last statement, and
        setting a profile function is itself seen (a test cell's own tracer, as notebook 04's, is
        not tampering: test_cube); switching that check off fails the test too, and only that test."""
        fixture = read_nb("tampering-after-test")
        nb, _ = executor(GuardedExecute, guard=True).preprocess(
            copy.deepcopy(fixture), resources("tampering-after-test"), kernel)
        for name in ("test_halve", "test_negate", "test_quadruple"):
            assert errors(cell(nb, name)) == ["TamperingError"], name
        assert errors(cell(nb, "test_cube")) == []
        assert [c.source for c in nb.cells] == [c.source for c in fixture.cells], "the sources are kept"
        assert [(e.kind, e.cell, e.detail) for e in events.drain()] == [
            (EventKind.INTROSPECTION, "answer", "get_ipython(), setprofile"),
            (EventKind.TAMPERING_IN_TEST, "test_halve", "math.isclose, sys.settrace or sys.setprofile"),
            (EventKind.TAMPERING_IN_TEST, "test_negate", "math.isclose, IPython event post_run_cell"),
            (EventKind.GUARD_FAILED, "test_quadruple", "the check at the end of the test"),
        ]

    def test_without_the_guard_the_answers_that_put_back_their_patches_pass(self):
        """The control for the test above, in a kernel of its own."""
        nb, _ = executor(GuardedExecute, guard=False).preprocess(
            read_nb("tampering-after-test"), resources("tampering-after-test"))
        assert [errors(cell(nb, t)) for t in ("test_halve", "test_negate", "test_quadruple")] == [[], [], []]

    def test_functions_that_can_rebind_the_tests_variables_are_flagged_for_review(self, kernel):
        """A function's globals are the test cell's variables; no check after the test can tell the
        student's value from the test's, so the grade stands and a person is asked to look."""
        nb, _ = executor(GuardedExecute, guard=True).preprocess(
            read_nb("rebinds-test-variables"), resources("rebinds-test-variables"), kernel)
        assert errors(cell(nb, "test_square")) == errors(cell(nb, "test_cube")) == [], "the rebinding works"
        recorded = events.drain()
        assert [(e.kind, e.cell, e.detail) for e in recorded] == [
            (EventKind.INTROSPECTION, "answer", "globals()"),
            (EventKind.GLOBAL_SHARED, "test_square", "expected"),
        ]
        assert all(e.kind in REVIEW_EVENTS for e in recorded)

    def test_what_the_students_functions_reach(self):
        declared, introspection = function_reach(
            "import sys\nx = globals()\n"  # top level: runs before any test
            "def f():\n    global total, expected\n    return sys._getframe(1).f_locals\n"
            "class Model:\n    def forward(self, v):\n        return vars()\n"
            "def g(v):\n    return v.__globals__, eval('1'), vars(v)\n"
            "class Result:\n    def __del__(self):\n        sys.setprofile(None)\n"
            "def h():\n    return sys._current_frames(), weakref.finalize(h, print)\n"
        )
        assert declared == {"total", "expected"}
        assert introspection == {"_getframe", "f_locals", "vars()", "__globals__", "eval()", "__del__",
                                 "setprofile", "_current_frames", "finalize"}
        assert function_reach("%matplotlib inline\ndef f():\n    return 1") == (set(), set())

    def test_the_names_a_test_cell_assigns(self):
        source = ("import numpy as np\nfrom math import isclose\nx, (y, z) = 1, (2, 3)\n"
                  "for trial in range(2):\n    out = trial\ndef helper():\n    inner = 1\n"
                  "with open('f') as fh:\n    pass\ndel z\n")
        assert assigned_names(source) == {"np", "isclose", "x", "y", "z", "trial", "out", "helper", "fh"}

    def test_the_names_a_test_cell_binds_by_import(self):
        source = (
            "import numpy as np\n"
            "import torch.nn.functional\n"
            "from cs_utils.checks import assert_close as close, numpy_only\n"
            "checks = importlib.reload(cs_utils.checks)\n"
            "import math\n"
            "math = None\n"
            "def helper():\n"
            "    import os\n"
            "for trial in range(3):\n"
            "    from torch import nn\n"
        )
        assert import_bindings(source) == [
            ("np", "numpy", None), ("torch", "torch", None), ("close", "cs_utils.checks", "assert_close"),
            ("numpy_only", "cs_utils.checks", "numpy_only"), ("checks", "cs_utils.checks", None),
            ("nn", "torch", "nn"),
        ]
        assert import_bindings("%time import numpy as np") == [], "not plain Python: nothing is checked"

    def test_a_reply_without_the_token_means_the_guard_did_not_run(self):
        ok = {
            "content": {
                "user_expressions": {
                    "guard": {"status": "ok", "data": {"text/plain": "'abc:math.sqrt,shell.ev'"}}
                }
            }
        }
        assert parse_guard_reply(ok, "abc") == ["math.sqrt", "shell.ev"]
        assert parse_guard_reply(ok, "other") is None
        assert (
            parse_guard_reply({"content": {"user_expressions": {"guard": {"status": "error"}}}}, "abc")
            is None
        )


@contextlib.contextmanager
def watched_library(tmp_path, monkeypatch, name: str, source: str):
    """An installed-looking package ``name`` (its ``__init__.py`` is ``source``), imported and
    snapshotted by the guard program in this process; yields (module, snapshot key)."""
    import importlib
    import sys

    from IPython.core.interactiveshell import InteractiveShell

    from tools.grading import guard_program

    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    key = f"_cs_grading_guard_{name}"
    try:
        module = importlib.import_module(name)
        guard_program.snapshot(key, InteractiveShell.instance(), modules=(name,))
        yield module, key
    finally:
        sys.modules.pop(key, None)
        sys.modules.pop(name, None)


class TestGuardProgram:
    """The guard's program itself, in an IPython shell of this process (no kernel)."""

    def test_snapshot_then_restore(self):
        import math

        from IPython.core.interactiveshell import InteractiveShell

        from tools.grading import guard_program

        shell = InteractiveShell.instance()
        key = "_cs_grading_guard_test"
        real_sqrt = math.sqrt
        try:
            assert guard_program.snapshot(key, shell, modules=("math",)) == []
            math.sqrt = lambda value: 0.0
            shell.ast_transformers.append(object())
            assert guard_program.restore(key) == ["math.sqrt", "AST transformers"]
            assert math.sqrt is real_sqrt and shell.ast_transformers == []
            assert guard_program.restore(key) == [], "nothing changed since"
        finally:
            math.sqrt = real_sqrt
            import sys

            sys.modules.pop(key, None)

    def test_a_reloaded_module_is_not_tampering_a_replaced_function_is(self, tmp_path, monkeypatch):
        """The hidden tests reload the course's helpers: new objects from the same source."""
        import importlib

        from tools.grading import guard_program

        source = ("import contextlib\n\nLIMITS = {'quick': (0.9, 0.95)}\nNAMES = {'a', 'b'}\n\n"
                  "class Refused(AssertionError):\n    @property\n    def why(self):\n        return 1\n\n"
                  "def close(a, b, tol=1e-9):\n    return abs(a - b) <= tol\n\n"
                  "@contextlib.contextmanager\ndef only():\n    yield\n")
        with watched_library(tmp_path, monkeypatch, "helperlib", source) as (helperlib, key):
            importlib.reload(helperlib)
            assert guard_program.restore(key) == [], "every member is its definition run again"
            reloaded = helperlib.close
            helperlib.close = lambda a, b, tol=1e-9: True
            helperlib.LIMITS = {"quick": (0.0, 0.0)}
            assert guard_program.restore(key) == ["helperlib.LIMITS", "helperlib.close"]
            assert helperlib.close is reloaded
            assert guard_program.rebound([("close", "helperlib", "close")], {"close": reloaded}) == []
            assert guard_program.rebound([("close", "helperlib", "close")], {"close": print}) == ["close"]

    def test_the_guard_watches_every_helper_a_test_cell_imports(self):
        import ast

        from tools.grading.guard_program import COURSE_HELPERS

        imported = set()
        for path in (ROOT / "solutions").glob("*/*.ipynb"):
            for c in nbformat.read(path, as_version=4).cells:
                if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"):
                    for node in ast.walk(ast.parse(c.source)):
                        if isinstance(node, ast.ImportFrom):
                            imported.add(node.module)
                        elif isinstance(node, ast.Import):
                            imported.update(alias.name for alias in node.names)
        helpers = {name for name in imported if name.startswith("cs_utils.")}
        assert "cs_utils.checks" in helpers and helpers <= set(COURSE_HELPERS), helpers - set(COURSE_HELPERS)

    def test_a_librarys_own_wrapper_is_not_tampering(self, tmp_path, monkeypatch):
        """torch._dynamo wraps torch.manual_seed on import; a wrapper written in a cell is restored."""
        import functools

        from tools.grading import guard_program

        source = ("import functools\n\ndef seed(n):\n    return n\n\n"
                  "def wrap(f):\n    @functools.wraps(f)\n    def wrapper(*args):\n        return f(*args)\n"
                  "    return wrapper\n")
        with watched_library(tmp_path, monkeypatch, "fakelib", source) as (fakelib, key):
            fakelib.seed = fakelib.wrap(fakelib.seed)  # what the library itself does
            library_version = fakelib.seed
            assert guard_program.restore(key) == [] and fakelib.seed is library_version
            fakelib.seed = functools.wraps(fakelib.seed)(lambda n: 0)  # a student's, looking the same
            assert guard_program.restore(key) == ["fakelib.seed"] and fakelib.seed is library_version


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    """One gradebook for the class: a new one costs nbgrader an `alembic` subprocess."""
    from nbgrader.preprocessors import ComputeChecksums, SaveCells

    url = f"sqlite:///{tmp_path_factory.mktemp('gradebook') / 'gradebook.db'}"
    source = read_nb("hidden-tests-source")
    res = {"nbgrader": {"db_url": url, "assignment": "a", "notebook": "hidden-tests-source"}}
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        gb.add_assignment("a")
    source, res = ComputeChecksums().preprocess(source, res)
    SaveCells().preprocess(source, res)
    return res


def release_of(name: str) -> nbformat.NotebookNode:
    """The student version of a fixture source notebook, as ``nbgrader generate_assignment`` makes it."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, ComputeChecksums

    nb = read_nb(name)
    for pp in (ClearSolutions(), ClearHiddenTests(), ComputeChecksums()):
        nb, _ = pp.preprocess(nb, {})
    return nb


def grade_ids(nb) -> list[str | None]:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def answer(nb, grade_id: str, source: str):
    cell(nb, grade_id).source = source
    return nb


class TestReportingOverwriteCells:
    """A locked cell counts as changed only when it differs from the release."""

    def release(self):
        return release_of("hidden-tests-source")

    def test_an_untouched_release_is_quiet_and_gets_its_hidden_tests(self, gradebook, caplog):
        pp = ReportingOverwriteCells()
        nb, _ = pp.preprocess(self.release(), gradebook)
        assert "BEGIN HIDDEN TESTS" in cell(nb, "test_add").source
        assert events.drain() == []
        assert "has changed" not in caplog.text

    def test_an_edited_test_cell_is_restored_and_recorded(self, gradebook):
        nb = self.release()
        cell(nb, "test_add").source = "pass"
        nb, _ = ReportingOverwriteCells().preprocess(nb, gradebook)
        assert "assert add(5, 5) == 10" in cell(nb, "test_add").source
        assert [(e.kind, e.cell) for e in events.drain()] == [(EventKind.TEST_CELL_EDITED, "test_add")]

    def test_a_deleted_test_cell_comes_back_and_is_recorded(self, gradebook):
        from traitlets.config import Config

        nb = self.release()
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_add"]
        config = Config()
        config.OverwriteCells.add_missing_cells = True
        nb, _ = ReportingOverwriteCells(config=config).preprocess(nb, gradebook)
        assert "test_add" in {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        assert [(e.kind, e.cell) for e in events.drain()] == [(EventKind.TEST_CELL_DELETED, "test_add")]

    def test_released_source_drops_the_hidden_tests(self):
        source = cell(read_nb("hidden-tests-source"), "test_add").source
        assert released_source(source).strip() == "assert add(1, 2) == 3"


ADD = "def add(a, b):\n    return a + b"
MUL = "def mul(a, b):\n    return a * b"


@pytest.fixture(scope="module")
def two_exercises(gradebook, tmp_path_factory):
    """The gradebook entry of tests/grading_fixtures/notebooks/two-exercises-source.ipynb, and a
    source folder (``<assignment>/<notebook>.ipynb``) holding it, as the course's solutions/."""
    from nbgrader.preprocessors import ComputeChecksums, SaveCells

    res = {"nbgrader": {**gradebook["nbgrader"], "notebook": "two-exercises-source"}}
    source, res = ComputeChecksums().preprocess(read_nb("two-exercises-source"), res)
    SaveCells().preprocess(source, res)
    folder = tmp_path_factory.mktemp("solutions")
    (folder / "a").mkdir()
    shutil.copy(FILES / "two-exercises-source.ipynb", folder / "a")
    return {"resources": res, "source_directory": str(folder)}


class TestHandInsFromOtherEditors:
    """Notebooks that nbgrader's own sanitising failed (status error, 0 points) although the answers
    are right: duplicated, foreign and retyped cells, and cells deleted with their metadata."""

    def sanitize(self, nb, two_exercises, deduplicate=DeduplicateGradeIds, overwrite=ReportingOverwriteCells,
                 source_directory=True):
        """The chain of ``c.Autograde.sanitize_preprocessors`` in nbgrader_config.py."""
        from nbgrader.preprocessors import CheckCellMetadata, ClearOutput
        from traitlets.config import Config

        config = Config()
        config.OverwriteCells.add_missing_cells = True
        if source_directory:
            config.ReportingOverwriteCells.source_directory = two_exercises["source_directory"]
        res = two_exercises["resources"]
        for pp in (ClearOutput(), deduplicate(), overwrite(config=config), CheckCellMetadata()):
            nb, res = pp.preprocess(nb, res)
        return nb

    def test_a_copied_exercise_and_test_grade_the_last_copy(self, two_exercises):
        nb = answer(release_of("two-exercises-source"), "answer_add", "def add(a, b):\n    return 0")
        first_try = nbformat.from_dict(cell(nb, "answer_add"))
        test_copy = nbformat.from_dict(cell(nb, "test_add"))
        answer(nb, "answer_add", ADD)
        nb.cells[1:1] = [first_try, test_copy]  # copy and paste keeps the metadata
        nb = self.sanitize(nb, two_exercises)
        assert grade_ids(nb) == [None, None, None, "answer_add", "test_add", None, "answer_mul", "test_mul"]
        assert "nbgrader" not in nb.cells[1].metadata and "nbgrader" not in nb.cells[2].metadata
        assert cell(nb, "answer_add").source == ADD, "the last copy is the graded answer"
        assert [(e.kind, e.cell, e.detail) for e in events.drain()] == [
            (EventKind.DUPLICATE_CELL, "answer_add", "2"), (EventKind.DUPLICATE_CELL, "test_add", "2")]

    def test_nbgraders_own_deduplication_fails_that_notebook(self, two_exercises):
        """Why gradeids.py exists: DeduplicateIds leaves ``nbgrader: {}``, which OverwriteCells or
        CheckCellMetadata then reject, and the notebook scores 0."""
        from nbgrader.preprocessors import DeduplicateIds

        nb = release_of("two-exercises-source")
        nb.cells.insert(1, nbformat.from_dict(cell(nb, "test_add")))
        with pytest.raises(Exception):  # noqa: B017 (KeyError or a ValidationError, by nbgrader version)
            self.sanitize(nb, two_exercises, deduplicate=DeduplicateIds)

    def test_nbgrader_metadata_without_a_grade_id_makes_a_plain_cell(self, two_exercises):
        nb = release_of("two-exercises-source")
        nb.cells.insert(3, nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {}}))
        nb = self.sanitize(nb, two_exercises)
        assert "nbgrader" not in nb.cells[3].metadata and nb.cells[3].source == "x = 1"
        assert events.drain() == []

    def test_a_cell_of_another_notebook_runs_as_the_students_own(self, two_exercises):
        nb = release_of("two-exercises-source")
        foreign = nbformat.from_dict(cell(release_of("hidden-tests-source"), "test_add"))
        foreign.metadata.nbgrader.update(grade_id="test_from_week6", points=5)
        nb.cells.insert(3, foreign)
        nb = self.sanitize(nb, two_exercises)
        assert "nbgrader" not in nb.cells[3].metadata and "add(1, 2)" in nb.cells[3].source
        assert grade_ids(nb).count(None) == 3
        (event,) = events.drain()
        assert (event.kind, event.cell) == (EventKind.FOREIGN_CELL, "test_from_week6")
        assert "not a cell of this notebook" in event.describe()

    def test_an_exercise_handed_in_as_markdown_is_graded_as_code(self, two_exercises):
        nb = answer(release_of("two-exercises-source"), "answer_add", ADD)
        retyped = nbformat.v4.new_markdown_cell(ADD, metadata=cell(nb, "answer_add").metadata)
        nb.cells[1] = retyped
        nb = self.sanitize(nb, two_exercises)
        graded = cell(nb, "answer_add")
        assert (graded.cell_type, graded.source) == ("code", ADD), "the student's text, as code"
        assert [(e.kind, e.cell, e.detail) for e in events.drain()] == [
            (EventKind.CELL_TYPE_CHANGED, "answer_add", "markdown")]

    def test_a_test_cell_handed_in_as_markdown_is_restored(self, two_exercises):
        nb = release_of("two-exercises-source")
        nb.cells[2] = nbformat.v4.new_markdown_cell("assert True", metadata=cell(nb, "test_add").metadata)
        nb = self.sanitize(nb, two_exercises)
        graded = cell(nb, "test_add")
        assert (graded.cell_type, graded.source) == ("code", "assert add(1, 2) == 3")
        assert (EventKind.TEST_CELL_EDITED, "test_add") in [(e.kind, e.cell) for e in events.drain()]

    def deleted_and_rewritten(self) -> nbformat.NotebookNode:
        """The exercise cell and its test deleted, the answer written in a new cell in their place."""
        nb = answer(release_of("two-exercises-source"), "answer_mul", MUL)
        nb.cells[1:3] = [nbformat.v4.new_code_cell(ADD)]
        return nb

    def test_a_test_deleted_with_its_exercise_comes_back_after_the_answer(self, two_exercises):
        nb = self.sanitize(self.deleted_and_rewritten(), two_exercises)
        assert [c.source for c in nb.cells[:2]][1] == ADD
        assert grade_ids(nb) == [None, None, "test_add", None, "answer_mul", "test_mul"]
        assert "assert add(1, 2) == 3" in cell(nb, "test_add").source
        assert [(e.kind, e.cell) for e in events.drain()] == [(EventKind.TEST_CELL_DELETED, "test_add")]

    def test_without_the_source_notebook_the_gradebook_order_places_it(self, two_exercises):
        nb = self.sanitize(self.deleted_and_rewritten(), two_exercises, source_directory=False)
        assert grade_ids(nb) == [None, None, None, "test_add", "answer_mul", "test_mul"], \
            "before the next exercise, so still after the answer"

    def test_nbgraders_own_placement_fails_that_notebook(self, two_exercises):
        from nbgrader.preprocessors import OverwriteCells

        with pytest.raises(KeyError):
            self.sanitize(self.deleted_and_rewritten(), two_exercises, overwrite=OverwriteCells)

    def test_a_notebook_stripped_of_all_nbgrader_metadata_gets_every_test_back_in_place(self, two_exercises):
        """What an editor that drops cell metadata hands in: the tests return after their answers,
        placed by the unchanged Markdown cells around them."""
        nb = answer(answer(release_of("two-exercises-source"), "answer_add", ADD), "answer_mul", MUL)
        nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
        drop_all_metadata(nb)
        nb = self.sanitize(nb, two_exercises)
        assert [c.source.splitlines()[-1] for c in nb.cells] == [
            "The instructor's version of a notebook with two exercises, for hand-ins that lost cells or "
            "metadata.", "    return a + b", "assert add(1, 2) == 3", "## Part 2: multiply",
            "    return a * b", "assert mul(2, 3) == 6"]
        assert [(e.kind, e.cell) for e in events.drain()] == [
            (EventKind.TEST_CELL_DELETED, "test_add"), (EventKind.TEST_CELL_DELETED, "test_mul")]

    def test_text_that_occurs_twice_places_nothing(self):
        order = ["intro", ("markdown", "## Notes"), "test_a", ("markdown", "## Notes"), "test_b"]
        cells = [nbformat.v4.new_markdown_cell("## Notes"), nbformat.v4.new_markdown_cell("## Notes")]
        assert cell_key(cells[0]) == ("markdown", "## Notes")
        assert missing_cell_position(order, cells, "test_a") == 2, "ambiguous: at the end"


class TestFeedbackPreprocessors:
    def test_traceback_keeps_only_the_message(self):
        nb, _ = TracebackToMessage().preprocess(read_nb("failed-test"), {})
        (output,) = cell(nb, "test_add").outputs
        assert output["traceback"] == ["AssertionError: add(5, 5) should be 10"]

    def test_maths_become_html_and_code_stays(self):
        nb, _ = RenderMaths().preprocess(read_nb("maths"), {})
        text = nb.cells[0].source
        assert "$\\frac" not in text and "$$" not in text
        assert '<span class="cs-math"' in text and '<span class="cs-math cs-math-display"' in text
        assert "`$not maths$`" in text and "\\$5" in text
