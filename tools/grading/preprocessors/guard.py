"""GradingExecute plus the tampering guard.

Before any cell of a fresh kernel runs, the guard program (``tools/grading/guard_program.py``)
takes a snapshot in the kernel of what tests compare with; before every test cell it puts back
whatever changed, and the names it put back are recorded as a ``tampering`` event. A solution cell
that monkeypatches ``np.allclose``, ``torch.nn.functional.conv2d``, ``importlib.reload``,
builtins or the course's check helpers, or empties later cells with an input transformer, is then
tested against the real functions.

The student's code also runs *inside* a test cell, when the test calls it, and could disable the
checks there, after the test imported or reloaded them. So after every test cell the guard looks
again, also at the names the test cell bound by its imports (``import_bindings``): if anything
changed while the test ran, the test fails, and a ``tampering_in_test`` event names what.

The guard runs as a user expression, which input transformers do not see; if it cannot run or
answer (``eval``, ``exec`` or ``__import__`` sabotaged), the test cell fails.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from traitlets import Bool

from tools.grading import events
from tools.grading.guard_program import END_MISSING, KEY_PREFIX
from tools.grading.preprocessors.execute import (
    DEFAULTS,
    GradingExecute,
    error_output,
    is_test_cell,
)
from tools.grading.preprocessors.names import assigned_names, function_reach, import_bindings
from tools.grading.records import EventKind

GUARD_PROGRAM = (Path(__file__).resolve().parents[1] / "guard_program.py").read_text()


def guard_expression(action: str, token: str, bindings: list | None = None, expect_end: bool = False) -> str:
    """A user expression that runs the guard program in a namespace of its own and yields RESULT."""
    return ("(lambda g: [__import__('builtins').exec(%r, g), g['RESULT']][1])"
            "({'TOKEN': %r, 'ACTION': %r, 'BINDINGS': %r, 'EXPECT_END': %r, '__name__': '__cs_guard__', "
            "'get_ipython': get_ipython})" % (GUARD_PROGRAM, token, action, bindings or [], expect_end))


def with_end_check(source: str, token: str, bindings: list) -> str:
    """A test cell's code with the guard's check as its last statement (``test_ended``): it runs
    before anything the student can hook after the test's code (a profile function's "return", an
    IPython ``post_run_cell`` callback). The notebook keeps the cell's own source."""
    key = KEY_PREFIX + token
    return (source.rstrip() + "\n\n__import__('sys').modules[%r].test_ended(%r, %r, get_ipython().user_ns)\n"
            % (key, key, bindings))


def parse_guard_reply(reply: dict | None, token: str) -> list[str] | None:
    """The names the guard restored, from its user-expression reply; None if it did not answer."""
    value = (reply or {}).get("content", {}).get("user_expressions", {}).get("guard", {})
    text = value.get("data", {}).get("text/plain", "") if value.get("status") == "ok" else ""
    prefix = f"'{token}:"
    if not text.startswith(prefix):
        return None
    return [x for x in text[len(prefix):].rstrip("'").split(",") if x]


class GuardedExecute(GradingExecute):
    """GradingExecute plus the tampering guard (see the module's docstring)."""

    guard = Bool(DEFAULTS.tamper_guard,
                 help="Run the tampering guard before every test cell.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._guard_token = None
        self._student_globals = set()
        return super().preprocess(nb, resources, km)

    def _read_hand_in(self, nb, resources) -> None:
        """What the student's functions can reach besides their arguments, for a person to review:
        test cells are top-level code, so their variables are globals of the student's functions
        too, which no check after the test can tell from the test's own values."""
        if not self.guard:
            return
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or is_test_cell(cell) or cell.source.strip() in self._released_code:
                continue
            declared, introspection = function_reach(cell.source)
            self._student_globals |= declared
            if introspection:
                events.record(EventKind.INTROSPECTION, resources, events.cell_label(cell, index),
                              ", ".join(sorted(introspection)), log=self.log)

    def _guard(self, action: str, bindings: list | None = None, expect_end: bool = False) -> list[str] | None:
        """Run the guard in the kernel; the list of restored names, or None if it failed."""
        cell_timeout = self.timeout
        self.timeout = max(self.startup_timeout, cell_timeout or 0)  # importing torch on a busy machine
        try:
            expression = guard_expression(action, self._guard_token, bindings, expect_end)
            msg_id = self.kc.execute("", silent=True, store_history=False,
                                     user_expressions={"guard": expression})
            reply = self.wait_for_reply(msg_id)
        except Exception as err:  # noqa: BLE001 (no answer: treated as tampering by the caller)
            self.log.warning("tampering guard: no reply from the kernel (%s)", err)
            return None
        finally:
            self.timeout = cell_timeout
        return parse_guard_reply(reply, self._guard_token)

    def _restart_kernel(self):
        super()._restart_kernel()
        self._guard_token = None

    def _fail(self, cell, kind: EventKind, label: str, detail: str, message: str):
        events.record(kind, self._event_resources, label, detail, log=self.log)
        cell.outputs = [error_output("TamperingError", message)]
        cell.execution_count = None
        return cell, self.resources

    def preprocess_cell(self, cell, resources, index):
        if (not self.guard or cell.cell_type != "code" or self._kernel_deaths > self.max_kernel_restarts
                or not self._budget_left()):
            return super().preprocess_cell(cell, resources, index)
        if self._guard_token is None:  # a fresh kernel: snapshot before any of the student's code
            self._guard_token = secrets.token_hex(8)
            if self._guard("snapshot") is None:
                # Before any student code: an environment problem, not tampering. Grade unguarded.
                events.record(EventKind.GUARD_OFF, self._event_resources, events.cell_label(cell, index),
                              "no answer from the kernel", log=self.log)
                self._guard_token = "off"
        if not cell.metadata.get("nbgrader", {}).get("grade") or self._guard_token == "off":
            return super().preprocess_cell(cell, resources, index)
        label = events.cell_label(cell, index)
        restored = self._guard("restore")
        if restored is None:
            return self._fail(cell, EventKind.GUARD_FAILED, label, "", "the grading environment was "
                              "tampered with (the autograder's guard could not run)")
        if restored:
            events.record(EventKind.TAMPERING, self._event_resources, label, ", ".join(restored),
                          log=self.log)
        bindings = import_bindings(cell.source)
        end_check = is_test_cell(cell)
        source = cell.source
        if end_check:
            cell.source = with_end_check(source, self._guard_token, bindings)
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        finally:
            cell.source = source
        if self._guard_token is None:  # the kernel died in the test: a fresh one has nothing to check
            return cell, resources
        passed = not any(output.get("output_type") == "error" for output in cell.get("outputs", []))
        changed = self._guard("after", bindings if passed else [], expect_end=end_check and passed)
        if changed is None:
            return self._fail(cell, EventKind.GUARD_FAILED, label, "", "the grading environment was "
                              "tampered with while the test ran (the autograder's guard could not run)")
        if END_MISSING in changed:
            return self._fail(cell, EventKind.GUARD_FAILED, label, END_MISSING, "the grading environment "
                              "was tampered with while the test ran (the autograder's check at the end of "
                              "the test did not run)")
        if changed:
            return self._fail(cell, EventKind.TAMPERING_IN_TEST, label, ", ".join(changed),
                              "the test's checks were changed while it ran (" + ", ".join(changed)
                              + "); the autograder put them back, and this test scores 0")
        if shared := self._student_globals & assigned_names(cell.source):
            events.record(EventKind.GLOBAL_SHARED, self._event_resources, label, ", ".join(sorted(shared)),
                          log=self.log)
        return cell, resources
