"""nbgrader's Execute, hardened for grading: limits that match the work, kernel restarts, an output cap.

* **Time.** A test cell may run ``test_cell_timeout`` seconds and any other cell ``timeout``
  seconds; all the cells of one notebook share ``notebook_timeout`` seconds. A cell past its
  limit is interrupted; one that does not stop then gets its kernel restarted. When the notebook's
  budget is spent, every cell left gets an error output instead of running, so its tests score 0
  (nbgrader would give an unrun test full marks). So an infinite loop costs the tests that reach
  it, a few tens of seconds each, and the notebook at most its budget: the student's other
  notebooks are graded as usual.
* **Kernel deaths.** A kernel that dies in a cell (``os._exit``, a segfault, the memory limit) no
  longer fails the whole notebook: the cell gets a ``DeadKernelError`` output, the kernel is
  restarted, and the remaining cells run in the fresh kernel. After ``max_kernel_restarts`` deaths
  every remaining code cell gets an error output.
* **Output.** At most ``max_output_chars`` characters of output are kept per cell; the rest is
  dropped as it arrives, with a note.
* **Experiments.** Cells tagged ``experiment`` are not run when the student changed nothing
  outside the exercise cells (every other code cell is as in the source notebook under
  ``source_directory``): they grade nothing and no test depends on them. Otherwise every cell runs.
* **Hand-ins.** Cells tagged ``handin`` (outside nbgrader's cells) are never run: they make a file
  that the student hands in beside the notebook (notebook 12 trains the challenge's model and saves
  its checkpoint), and the tests grade that file. Grading evaluates; it does not retrain.

Each of these is recorded as an event (``tools.grading.events``), named by the cell's grade id.
"""

from __future__ import annotations

import time

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode

from tools.grading import events
from tools.grading.preprocessors.source import source_notebook
from tools.grading.records import EventKind
from tools.grading.settings import GradingSettings

DEFAULTS = GradingSettings()
SKIPPED_EXPERIMENT_NOTE = ("[autograder] experiment cell: not run while grading (it is not graded, and no "
                           "test depends on it; it runs when you change any cell outside the exercises)\n")
SKIPPED_HANDIN_NOTE = ("[autograder] not run while grading: this cell makes the file you hand in beside the "
                       "notebook, and the tests below grade the file you handed in\n")


def error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def is_test_cell(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade")) and cell.get("cell_type") == "code"


def released_plain_cells(source_directory: str, resources: dict | None) -> tuple[set[str], set[str]]:
    """Sources of the source notebook's code cells outside nbgrader's (given code, experiments),
    and of those among them tagged ``experiment``. Empty sets when the notebook is not found."""
    source = source_notebook(source_directory, resources)
    if source is None:
        return set(), set()
    cells = [cell for cell in source.cells if cell.cell_type == "code" and not cell.metadata.get("nbgrader")]
    return ({cell.source.strip() for cell in cells},
            {cell.source.strip() for cell in cells if "experiment" in cell.metadata.get("tags", [])})


class GradingExecute(Execute):
    """Execute with per-cell and per-notebook time limits, kernel restarts and an output cap."""

    timeout = Integer(DEFAULTS.cell_timeout, allow_none=True,
                      help="Seconds a cell that is not a test cell may run.").tag(config=True)
    test_cell_timeout = Integer(DEFAULTS.test_cell_timeout,
                                help="Seconds a test cell may run before it is interrupted.").tag(config=True)
    notebook_timeout = Integer(DEFAULTS.notebook_timeout,
                               help="Seconds for every cell of one notebook together.").tag(config=True)
    max_kernel_restarts = Integer(2, help="Kernel deaths after which the remaining cells are not run."
                                  ).tag(config=True)
    max_output_chars = Integer(DEFAULTS.max_output_chars,
                               help="Characters of output kept per cell.").tag(config=True)
    # The kernel is thrown away: a graceful shutdown only waits (seconds per notebook) for the
    # sandbox's launcher to exit on its own.
    shutdown_kernel = Unicode("immediate").tag(config=True)
    skip_unchanged_experiments = Bool(not DEFAULTS.run_experiments,
                                      help="Skip experiment cells when nothing outside the exercises "
                                           "changed.").tag(config=True)
    source_directory = Unicode("", help="Folder of the source notebooks (<assignment>/<notebook>.ipynb), to "
                                        "tell whether cells outside the exercises changed.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._kernel_deaths = 0
        self._output_budget = {}
        self._truncated = set()
        self._experiments = set()
        self._budget_spent = False
        self._deadline = None  # the budget starts with the first cell: kernel start-up is not the student's
        self._event_resources = resources
        self._released_code, experiments = released_plain_cells(self.source_directory, resources)
        self._read_hand_in(nb, resources)
        if self.skip_unchanged_experiments:
            students = [cell.source.strip() for cell in nb.cells if cell.cell_type == "code"
                        and not cell.metadata.get("nbgrader") and cell.source.strip()]
            if all(source in self._released_code for source in students):
                self._experiments = experiments
            elif experiments:
                events.record(EventKind.ALL_CELLS_RUN, resources)
                self.log.info("cells outside the exercises were added or edited: every cell runs")
        return super().preprocess(nb, resources, km)

    def _read_hand_in(self, nb, resources) -> None:
        """What a subclass reads from the whole hand-in before any cell runs (``_released_code``,
        the source notebook's code cells outside nbgrader's, is known by then)."""

    # -- time --------------------------------------------------------------------------------

    def _cell_limit(self, cell) -> int | None:
        limit = self.test_cell_timeout if cell is not None and is_test_cell(cell) else self.timeout
        return limit if limit and limit > 0 else None

    def _get_timeout(self, cell):
        if cell is None:  # kernel_info and the guard's messages: not a cell of the student's
            return super()._get_timeout(cell)
        limit = self._cell_limit(cell)
        if self._deadline is not None:
            left = max(1, int(self._deadline - time.monotonic() + 0.999))
            limit = left if limit is None else min(limit, left)
        return limit

    def _budget_left(self) -> bool:
        return self._deadline is None or time.monotonic() < self._deadline

    def _start_budget(self) -> None:
        if self._deadline is None and self.notebook_timeout > 0:
            self._deadline = time.monotonic() + self.notebook_timeout

    # -- cells -------------------------------------------------------------------------------

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if not cell.metadata.get("nbgrader"):
            note = (SKIPPED_HANDIN_NOTE if "handin" in cell.metadata.get("tags", []) else
                    SKIPPED_EXPERIMENT_NOTE if cell.source.strip() in self._experiments else None)
            if note:
                cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=note)]
                cell.execution_count = None
                return cell, resources
        label = events.cell_label(cell, index)
        if self._kernel_deaths > self.max_kernel_restarts:
            cell.outputs = [error_output("DeadKernelError", "not run: the kernel died too often earlier")]
            cell.execution_count = None
            return cell, resources
        if not cell.source.strip():
            return cell, resources
        if not self._budget_left():
            if not self._budget_spent:
                self._budget_spent = True
                events.record(EventKind.NOTEBOOK_TIMEOUT, self._event_resources, label,
                              str(self.notebook_timeout), log=self.log)
            cell.outputs = [error_output("NotebookTimeoutError", "not run: the notebook's time budget "
                                         f"({self.notebook_timeout} s) ran out before this cell")]
            cell.execution_count = None
            return cell, resources
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        self._start_budget()
        started = time.monotonic()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._kernel_died(cell, label, "the kernel died while running this cell (os._exit, a crash, "
                              "or the memory limit); later cells run in a fresh kernel")
            return cell, self.resources
        except CellTimeoutError:
            # Interrupted, but it did not stop (a loop that catches KeyboardInterrupt, a long C call).
            self._record_timeout(cell, label, started)
            self._kernel_died(cell, label, "the cell did not stop when interrupted; later cells run in a "
                              "fresh kernel", kind=None)
            return cell, self.resources
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "CellTimeoutError":
                self._record_timeout(cell, label, started)
            elif output.get("ename") == "MemoryError":
                events.record(EventKind.MEMORY_ERROR, self._event_resources, label, log=self.log)
        return cell, resources

    def _record_timeout(self, cell, label: str, started: float) -> None:
        limit = self._cell_limit(cell)
        ran = time.monotonic() - started
        if limit is None or (self._deadline is not None and ran < limit - 1):
            # Stopped by the notebook's budget, not by the cell's own limit.
            self._budget_spent = True
            events.record(EventKind.NOTEBOOK_TIMEOUT, self._event_resources, label,
                          str(self.notebook_timeout), log=self.log)
        else:
            events.record(EventKind.CELL_TIMEOUT, self._event_resources, label, str(limit), log=self.log)

    def _kernel_died(self, cell, label: str, message: str, kind=EventKind.KERNEL_DIED) -> None:
        self._kernel_deaths += 1
        cell.outputs.append(error_output("DeadKernelError", message))
        if kind is not None:
            events.record(kind, self._event_resources, label, log=self.log)
        if self._kernel_deaths <= self.max_kernel_restarts:
            try:
                self._restart_kernel()
            except Exception as err:  # noqa: BLE001 (any failure: give up on this notebook's kernel)
                self.log.error("Could not restart the kernel: %s", err)
                self._kernel_deaths = self.max_kernel_restarts + 1
        if self._kernel_deaths > self.max_kernel_restarts:
            events.record(EventKind.KERNEL_GAVE_UP, self._event_resources, label, log=self.log)

    def _restart_kernel(self):
        from jupyter_core.utils import run_sync

        run_sync(self.km.restart_kernel)(now=True)
        # Not one kernel_info reply: the shell channel can answer before IOPub has reconnected, and
        # then the next cell's status and outputs are lost and it "runs past" its limit. The
        # client's wait_for_ready retries until IOPub delivers too (a new kernel on a busy machine).
        run_sync(self.kc.wait_for_ready)(timeout=max(self.startup_timeout, self.timeout or 0))

    # -- output ------------------------------------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        budget = self._output_budget.setdefault(cell_index, self.max_output_chars)
        if budget < 0:
            return None
        self._output_budget[cell_index] = budget - size
        if size > budget:
            self._output_budget[cell_index] = -1
            if cell_index not in self._truncated:
                self._truncated.add(cell_index)
                cell = self.nb.cells[cell_index] if cell_index < len(self.nb.cells) else {}
                events.record(EventKind.OUTPUT_TRUNCATED, self._event_resources,
                              events.cell_label(cell, cell_index))
            note = f"\n... output truncated by the autograder (over {self.max_output_chars} characters) ...\n"
            if msg["msg_type"] == "stream":
                msg = {**msg, "content": {**content, "text": content["text"][:max(budget, 0)] + note}}
            else:
                msg = {**msg, "msg_type": "stream", "header": {**msg["header"], "msg_type": "stream"},
                       "content": {"name": "stdout", "text": note}}
        return super().output(outs, msg, display_id, cell_index)
