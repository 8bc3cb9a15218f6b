"""The grading preprocessors (tools/grading/preprocessors/), each on a small fixture notebook.

In the style of nbgrader's own preprocessor tests: one fixture notebook per behaviour in
tests/grading_fixtures/notebooks/, read, run through one preprocessor, and the cells and the
recorded events checked. The executing ones start a plain ``python3`` kernel with limits of a few
seconds; nothing here runs nbgrader's apps, so these tests belong to ``make check``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pytest

from tools.course import ROOT
from tools.grading import events
from tools.grading.preprocessors.execute import SKIPPED_EXPERIMENT_NOTE, SKIPPED_HANDIN_NOTE, GradingExecute
from tools.grading.preprocessors.guard import GuardedExecute, parse_guard_reply
from tools.grading.preprocessors.maths import RenderMaths
from tools.grading.preprocessors.overwrite import ReportingOverwriteCells, released_source
from tools.grading.preprocessors.traceback import TracebackToMessage
from tools.grading.records import EventKind

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

    def test_a_librarys_own_wrapper_is_not_tampering(self, tmp_path, monkeypatch):
        """torch._dynamo wraps torch.manual_seed on import; a wrapper written in a cell is restored."""
        import functools
        import sys

        from IPython.core.interactiveshell import InteractiveShell

        from tools.grading import guard_program

        (tmp_path / "fakelib").mkdir()
        (tmp_path / "fakelib" / "__init__.py").write_text(
            "import functools\n\ndef seed(n):\n    return n\n\n"
            "def wrap(f):\n    @functools.wraps(f)\n    def wrapper(*args):\n        return f(*args)\n"
            "    return wrapper\n"
        )
        monkeypatch.syspath_prepend(str(tmp_path))
        import fakelib

        key = "_cs_grading_guard_fakelib"
        try:
            guard_program.snapshot(key, InteractiveShell.instance(), modules=("fakelib",))
            fakelib.seed = fakelib.wrap(fakelib.seed)  # what the library itself does
            library_version = fakelib.seed
            assert guard_program.restore(key) == [] and fakelib.seed is library_version
            fakelib.seed = functools.wraps(fakelib.seed)(lambda n: 0)  # a student's, looking the same
            assert guard_program.restore(key) == ["fakelib.seed"] and fakelib.seed is library_version
        finally:
            sys.modules.pop(key, None)
            sys.modules.pop("fakelib", None)


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


class TestReportingOverwriteCells:
    """A locked cell counts as changed only when it differs from the release."""

    def release(self):
        from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, ComputeChecksums

        nb = read_nb("hidden-tests-source")
        for pp in (ClearSolutions(), ClearHiddenTests(), ComputeChecksums()):
            nb, _ = pp.preprocess(nb, {})
        return nb

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
