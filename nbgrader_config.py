"""nbgrader configuration for the course. The course root is this repository.

`tools/autograde.py` (what `make autograde` runs) sets a few environment variables that this file
reads, so that every `nbgrader autograde` it starts grades the same way:

* ``CS_GRADEBOOK_URL``: the gradebook (default: SQLite ``gradebook.db`` in the course root, with a
  60 s busy timeout so parallel graders wait for the lock instead of failing); a
  ``postgresql://`` URL for courses that outgrow SQLite (docs/grading.md).
* ``CS_GRADING_KERNEL``: the kernelspec every notebook runs in, whatever its metadata says (the
  bubblewrap sandbox, or the unconfined kernel with resource limits; tools/sandbox.py).
* ``CS_KERNEL_IPC``: an absolute path prefix for IPC (Unix socket) kernel connections, which
  work across the sandbox's network namespace where TCP loopback does not.
* ``CS_CELL_TIMEOUT`` and ``CS_MAX_OUTPUT_CHARS``: the per-cell time limit and output budget.
* ``CS_RUN_EXPERIMENTS=1``: always run the experiment cells (by default they are skipped while
  grading a notebook whose cells outside the exercises are as released; see GradingExecute).
"""

import os
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Integer

from nbgrader.preprocessors import Execute

c = get_config()  # noqa: F821 (injected by traitlets)

c.CourseDirectory.course_id = "cnn-week7"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# SQLite waits up to 60 s for a lock held by another grading process (the default 5 s is too short
# when several students finish at once). `?timeout=` is read by SQLAlchemy's pysqlite dialect.
c.CourseDirectory.db_url = os.environ.get("CS_GRADEBOOK_URL") or (
    "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db") + "?timeout=60")
# Default ignores plus things that must never reach students: caches and checkpoints.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".pytest_cache"]

# Student stub that every untouched exercise raises, so an untouched release scores 0 without hanging.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Per-cell limit; quick-mode cells take seconds. A whole-student limit is the autograde script's job.
# Generous iopub and startup timeouts: parallel graders on a busy machine are slow to answer.
c.Execute.timeout = int(os.environ.get("CS_CELL_TIMEOUT", "300"))
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
# CS_MAX_OUTPUT_CHARS characters are even kept while the cell runs (GradingExecute below).
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

if os.environ.get("CS_GRADING_KERNEL"):
    # Every notebook runs in the grading kernel; a student cannot pick another in the metadata.
    c.Execute.kernel_name = os.environ["CS_GRADING_KERNEL"]
if os.environ.get("CS_KERNEL_IPC"):
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = os.environ["CS_KERNEL_IPC"]


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


SKIPPED_EXPERIMENT_NOTE = ("[autograder] experiment cell: not run while grading (it is not graded, and no test "
                           "depends on it; it runs when you change any cell outside the exercises)\n")


def released_plain_cells(resources: dict | None) -> tuple[set[str], set[str]]:
    """Sources of the notebook's code cells outside nbgrader's (given code, experiments) as
    released, and of those among them tagged ``experiment``. Empty sets when the source notebook
    is not found."""
    info = (resources or {}).get("nbgrader", {})
    if not info.get("assignment") or not info.get("notebook"):
        return set(), set()
    path = (Path(c.CourseDirectory.root) / c.CourseDirectory.source_directory / info["assignment"]
            / f"{info['notebook']}.ipynb")
    if not path.exists():
        return set(), set()
    cells = [cell for cell in nbformat.read(path, as_version=4).cells
             if cell.cell_type == "code" and not cell.metadata.get("nbgrader")]
    return ({cell.source.strip() for cell in cells},
            {cell.source.strip() for cell in cells if "experiment" in cell.metadata.get("tags", [])})


class GradingExecute(Execute):
    """nbgrader's Execute, hardened for grading.

    * A kernel that dies in a cell (``os._exit``, a segfault, the memory limit) no longer fails the
      whole notebook: the cell gets a ``DeadKernelError`` output, the kernel is restarted, and the
      remaining cells run in the fresh kernel (tests of names defined before the death fail).
      After ``max_kernel_restarts`` deaths, every remaining code cell gets an error output, so no
      test cell is ever left without output (nbgrader would give an unrun test full marks).
    * At most ``max_output_chars`` characters of output are kept per cell; the rest is dropped as
      it arrives, with a note, so printing tens of MB cannot blow up the notebook or the feedback.
    * Experiment cells (training runs, figures) are not run when the student changed nothing
      outside the exercise cells: they grade nothing and no test depends on them (the course's
      tests check that every solution earns full marks this way), while they are most of a
      notebook's run time. If the student added or edited any other code cell, an experiment cell
      included, every cell runs, as it ran for the student: their code may use what an experiment
      cell defined, and no code of the student's is ever skipped.
    """

    max_kernel_restarts = Integer(2).tag(config=True)
    max_output_chars = Integer(int(os.environ.get("CS_MAX_OUTPUT_CHARS", "100000"))).tag(config=True)
    skip_unchanged_experiments = Bool(os.environ.get("CS_RUN_EXPERIMENTS", "0") != "1").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._kernel_deaths = 0
        self._output_budget = {}
        self._experiments = set()
        if self.skip_unchanged_experiments:
            plain, experiments = released_plain_cells(resources)
            students = [cell.source.strip() for cell in nb.cells
                        if cell.cell_type == "code" and not cell.metadata.get("nbgrader") and cell.source.strip()]
            if all(source in plain for source in students):
                self._experiments = experiments
            else:
                self.log.info("cells outside the exercises were added or edited: every cell runs")
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if not cell.metadata.get("nbgrader") and cell.source.strip() in self._experiments:
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=SKIPPED_EXPERIMENT_NOTE)]
            cell.execution_count = None
            return cell, resources
        if self._kernel_deaths > self.max_kernel_restarts:
            cell.outputs = [_error_output("DeadKernelError", "not run: the kernel died too often earlier")]
            return cell, resources
        from nbclient.exceptions import DeadKernelError

        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._kernel_deaths += 1
            self.log.warning("The kernel died in cell %d; restarting it", index)
            cell.outputs.append(_error_output(
                "DeadKernelError", "the kernel died while running this cell (os._exit, a crash, or the "
                "memory limit); later cells run in a fresh kernel"))
            if self._kernel_deaths <= self.max_kernel_restarts:
                try:
                    self._restart_kernel()
                except Exception as err:  # noqa: BLE001 (any failure: give up on this notebook's kernel)
                    self.log.error("Could not restart the kernel: %s", err)
                    self._kernel_deaths = self.max_kernel_restarts + 1
            return cell, self.resources

    def _restart_kernel(self):
        from jupyter_core.utils import run_sync

        run_sync(self.km.restart_kernel)(now=True)
        self.wait_for_reply(self.kc.kernel_info())

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        budget = self._output_budget.setdefault(cell_index, self.max_output_chars)
        if budget < 0:
            return None
        self._output_budget[cell_index] = budget - size
        if size > budget:
            self._output_budget[cell_index] = -1
            note = f"\n... output truncated by the autograder (over {self.max_output_chars} characters) ...\n"
            if msg["msg_type"] == "stream":
                msg = {**msg, "content": {**content, "text": content["text"][:max(budget, 0)] + note}}
            else:
                msg = {**msg, "msg_type": "stream", "header": {**msg["header"], "msg_type": "stream"},
                       "content": {"name": "stdout", "text": note}}
        return super().output(outs, msg, display_id, cell_index)



# Tampering guard. Before any cell runs, a snapshot is taken in the kernel of the modules that tests
# compare with (builtins, importlib, NumPy, torch and their comparison helpers) and of IPython's
# input and AST transformers and event hooks. Before every test cell, everything is put back as it
# was: a solution cell that monkeypatches np.allclose, torch.nn.functional.conv2d, importlib.reload
# or builtins, or empties later cells with an input transformer, is tested against the real
# functions. The guard runs as a user expression (eval), so input transformers cannot touch it; if
# it cannot run or answer (eval, exec or __import__ sabotaged), the test cell fails.
GUARD_SOURCE = r"""
import builtins, importlib, sys, types
KEY = "_cs_grading_guard_" + TOKEN
MODULES = ("builtins", "importlib", "math", "operator", "numpy", "numpy.testing", "numpy.linalg",
           "numpy.random", "numpy.lib.stride_tricks", "torch", "torch.nn.functional", "torch.testing",
           "torch.overrides")
SHELL_METHODS = ("run_cell", "run_cell_async", "run_code", "run_ast_nodes", "showtraceback",
                 "transform_cell", "transform_ast", "user_expressions", "ev", "ex", "safe_execfile")
HOOKS = ("pre_execute", "pre_run_cell", "post_execute", "post_run_cell")

def snapshot():
    state = {"modules": {}, "classes": {}}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        state["modules"][name] = (module, dict(vars(module)))
    torch = sys.modules.get("torch")
    if torch is not None:
        state["classes"]["torch.Tensor"] = (torch.Tensor, dict(vars(torch.Tensor)))
    shell = get_ipython()
    state["shell"] = shell
    state["transformers"] = (list(shell.input_transformers_cleanup), list(shell.input_transformers_post),
                             list(shell.ast_transformers))
    state["hooks"] = {h: list(shell.events.callbacks.get(h, [])) for h in HOOKS}
    guard = types.ModuleType(KEY)
    guard.state = state
    sys.modules[KEY] = guard
    return []

def restore():
    state = sys.modules[KEY].state
    changed = []
    for name, (module, saved) in state["modules"].items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            changed.append("sys.modules[%r]" % name)
        current = vars(module)
        for key, value in saved.items():
            if name == "builtins" and key.startswith("_"):
                continue  # IPython keeps _, __, ___ there
            if current.get(key, restore) is not value:
                setattr(module, key, value)
                changed.append(name + "." + key)
    for name, (cls, saved) in state["classes"].items():
        for key, value in saved.items():
            if vars(cls).get(key, restore) is not value and not key.startswith("__dict"):
                try:
                    setattr(cls, key, value)
                    changed.append(name + "." + key)
                except (AttributeError, TypeError):
                    pass
    shell = state["shell"]
    cleanup, post, ast = state["transformers"]
    for current, saved, label in ((shell.input_transformers_cleanup, cleanup, "input transformers"),
                                  (shell.input_transformers_post, post, "input transformers"),
                                  (shell.ast_transformers, ast, "AST transformers")):
        if current != saved:
            current[:] = saved
            changed.append(label)
    for hook, saved in state["hooks"].items():
        # Hooks added by libraries (matplotlib's inline backend flushes figures) stay.
        current = shell.events.callbacks.get(hook, [])
        kept = [cb for cb in current if cb in saved or str(getattr(cb, "__module__", "")).split(".")[0]
                in ("matplotlib_inline", "matplotlib", "IPython", "ipykernel", "ipywidgets")]
        kept += [cb for cb in saved if cb not in kept]
        if kept != current:
            shell.events.callbacks[hook] = kept
            changed.append("IPython event " + hook)
    for method in SHELL_METHODS:
        if method in vars(shell):
            delattr(shell, method)
            changed.append("shell." + method)
    if shell.custom_exceptions:
        shell.set_custom_exc((), None)
        changed.append("custom exception handler")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.settrace(None)
        sys.setprofile(None)
        changed.append("sys.settrace")
    return changed

RESULT = TOKEN + ":" + ",".join(snapshot() if ACTION == "snapshot" else restore())
"""


def _guard_expression(action: str, token: str) -> str:
    return ("(lambda g: [__import__('builtins').exec(%r, g), g['RESULT']][1])"
            "({'TOKEN': %r, 'ACTION': %r, 'get_ipython': get_ipython})" % (GUARD_SOURCE, token, action))


class GuardedExecute(GradingExecute):
    """GradingExecute plus the tampering guard (see GUARD_SOURCE)."""

    guard = Bool(os.environ.get("CS_TAMPER_GUARD", "1") == "1").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._guard_token = None
        return super().preprocess(nb, resources, km)

    def _guard(self, action: str):
        """Run the guard in the kernel; return the list of restored names, or None if it failed."""
        cell_timeout = self.timeout
        self.timeout = max(self.startup_timeout, cell_timeout or 0)  # importing torch on a busy machine
        try:
            msg_id = self.kc.execute("", silent=True, store_history=False,
                                     user_expressions={"guard": _guard_expression(action, self._guard_token)})
            reply = self.wait_for_reply(msg_id)
        except Exception as err:  # noqa: BLE001 (no answer: treated as tampering by the caller)
            self.log.warning("tampering guard: no reply from the kernel (%s)", err)
            return None
        finally:
            self.timeout = cell_timeout
        value = (reply or {}).get("content", {}).get("user_expressions", {}).get("guard", {})
        text = value.get("data", {}).get("text/plain", "") if value.get("status") == "ok" else ""
        prefix = f"'{self._guard_token}:"
        if not text.startswith(prefix):
            return None
        return [x for x in text[len(prefix):].rstrip("'").split(",") if x]

    def _restart_kernel(self):
        super()._restart_kernel()
        self._guard_token = None

    def preprocess_cell(self, cell, resources, index):
        if not self.guard or cell.cell_type != "code" or self._kernel_deaths > self.max_kernel_restarts:
            return super().preprocess_cell(cell, resources, index)
        if self._guard_token is None:  # a fresh kernel: snapshot before any of the student's code
            import secrets

            self._guard_token = secrets.token_hex(8)
            if self._guard("snapshot") is None:
                # Before any student code: an environment problem, not tampering. Grade unguarded.
                self.log.warning("tampering: the guard is off for this notebook (its snapshot failed)")
                self._guard_token = "off"
        if cell.metadata.get("nbgrader", {}).get("grade") and self._guard_token != "off":
            restored = self._guard("restore")
            grade_id = cell.metadata["nbgrader"].get("grade_id", index)
            if restored is None:
                self.log.warning("tampering: the guard could not run before %s; the test fails", grade_id)
                cell.outputs = [_error_output("TamperingError", "the grading environment was tampered with "
                                              "(the autograder's guard could not run)")]
                cell.execution_count = None
                return cell, self.resources
            if restored:
                self.log.warning("tampering: restored before %s: %s", grade_id, ", ".join(restored))
        return super().preprocess_cell(cell, resources, index)


c.Autograde.autograde_preprocessors = [
    GuardedExecute,
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


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
