"""One Jupyter kernel that runs cell sources in turn: the quick loops that skip nbgrader
(tests/support/quick_grade.py, tests/test_grading_mutation.py)."""

from __future__ import annotations

from pathlib import Path

from jupyter_client.manager import start_new_kernel


class Kernel:
    def __init__(self, cwd: Path):
        self.manager, self.client = start_new_kernel(kernel_name="python3", cwd=str(cwd))

    def run(self, code: str, timeout: float = 600) -> str:
        """Run ``code``; the error it raised as ``Name: message``, '' when it finished. Past ``timeout``
        the kernel is interrupted (a mutant may loop forever) and the error is a TimeoutError."""
        errors = []

        def on_output(msg):
            if msg["msg_type"] == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        try:
            reply = self.client.execute_interactive(code, timeout=timeout, output_hook=on_output)
        except TimeoutError:
            self.manager.interrupt_kernel()
            try:
                self.client.get_shell_msg(timeout=10)
            except Exception:  # noqa: BLE001 - the interrupted request may never reply
                pass
            return f"TimeoutError: still running after {timeout:g} s"
        if reply["content"]["status"] != "ok" and not errors:
            errors.append(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        return errors[-1] if errors else ""

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
