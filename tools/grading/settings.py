"""Every ``CS_*`` switch of grading, in one typed object.

``tools/autograde.py`` builds a ``GradingSettings`` from its options and the environment, hands
it to its worker processes and to the grading kernel's launcher as environment variables
(``to_env``), and each of them reads it back (``from_env``); ``nbgrader_config.py`` turns it into
nbgrader settings. Nothing else in ``tools/`` or ``nbgrader_config.py`` reads a ``CS_*`` variable.
The students' side, ``CS_QUICK`` and ``CS_DATA_DIR``, belongs to ``cs_utils.settings`` and is kept
here as its ``CourseSettings`` (field ``course``), not duplicated.

``settings_table()`` renders the table of variables that docs/grading.md shows (a test keeps the
two equal), from the ``help`` of each field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path

from cs_utils.settings import ENV_VARS as COURSE_ENV_VARS
from cs_utils.settings import TRUE_WORDS, CourseSettings


def _setting(default, env: str, help: str, kind: str = ""):
    return field(default=default, metadata={"env": env, "help": help, "kind": kind})


@dataclass(frozen=True)
class GradingSettings:
    """What one grading run needs to agree on: the autograde script, its workers, nbgrader's
    configuration and the kernel launcher (tools/sandbox.py)."""

    course: CourseSettings = field(default_factory=lambda: CourseSettings.from_env({"CS_QUICK": "1"}),
                                   metadata={"env": "", "help": "", "kind": "course"})
    gradebook_url: str = _setting(
        "", "CS_GRADEBOOK_URL", "the gradebook; empty: SQLite `gradebook.db` in the course root "
        "(60 s busy timeout); `postgresql://...` for a shared one")
    course_root: str = _setting(
        "", "CS_COURSE_ROOT", "the course being graded (the kernel may only start in its "
        "`autograded/<student>/<assignment>`); set by autograde.py")
    grading_kernel: str = _setting(
        "", "CS_GRADING_KERNEL", "the kernelspec every notebook runs in, whatever its metadata "
        "says; set by autograde.py (`cs-grading`)")
    kernel_ipc: str = _setting(
        "", "CS_KERNEL_IPC", "path prefix of the kernel's IPC sockets (TCP does not cross the "
        "sandbox's network namespace); set per worker by autograde.py")
    kernel_pids: str = _setting(
        "", "CS_KERNEL_PIDS", "folder where each kernel writes its pid, so a stopped worker's "
        "kernels are killed; set per worker by autograde.py")
    sandbox_slot: str = _setting(
        "", "CS_SANDBOX_SLOT", "worker slot whose user `cs-grader-<slot>` runs the kernels "
        "(empty: the shared `cs-grader`); set per worker by autograde.py")
    sandbox_ro: tuple[str, ...] = _setting(
        (), "CS_SANDBOX_RO", "extra folders bound read-only into the sandbox "
        "(`dir1:dir2`, a data cache say)", "paths")
    font_list: str = _setting(
        "", "CS_FONT_LIST", "matplotlib's font list, built once per course and matplotlib version, "
        "given read-only to every sandboxed kernel (empty: each kernel builds its own); set by "
        "autograde.py")
    bwrap: str = _setting("bwrap", "CS_BWRAP", "the bubblewrap program")
    test_cell_timeout: int = _setting(
        30, "CS_TEST_CELL_TIMEOUT", "seconds one test cell may run before it is interrupted "
        "(`--test-cell-timeout`)")
    cell_timeout: int = _setting(
        300, "CS_CELL_TIMEOUT", "seconds any other cell may run (`--cell-timeout`; also the Validate "
        "button's limit for every cell, tools/student/nbgrader_config.py)")
    notebook_timeout: int = _setting(
        300, "CS_NOTEBOOK_TIMEOUT", "seconds for all the cells of one notebook; cells left "
        "when it runs out are not run and their tests score 0 (`--notebook-timeout`)")
    max_output_chars: int = _setting(
        100_000, "CS_MAX_OUTPUT_CHARS", "characters of output kept per cell as it arrives")
    run_experiments: bool = _setting(
        False, "CS_RUN_EXPERIMENTS", "`1`: run the experiment cells even in notebooks whose "
        "cells outside the exercises are as released")
    tamper_guard: bool = _setting(
        True, "CS_TAMPER_GUARD", "`0`: switch the tampering guard off (only to measure it)")
    kernel_memory_mb: int = _setting(
        3072, "CS_KERNEL_MEMORY_MB", "memory of each kernel (RLIMIT_DATA; `--memory-mb`)")
    kernel_cpu_s: int = _setting(900, "CS_KERNEL_CPU_S", "CPU seconds of each kernel (RLIMIT_CPU)")
    kernel_file_mb: int = _setting(64, "CS_KERNEL_FILE_MB", "largest file a kernel may write")
    kernel_nproc: int = _setting(
        256, "CS_KERNEL_NPROC", "processes of each sandbox user (only with a user of its own)")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GradingSettings:
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            if f.metadata["kind"] == "course":
                values[f.name] = CourseSettings.from_env(environ)
                continue
            raw = environ.get(f.metadata["env"])
            if raw is None or (raw.strip() == "" and f.type not in ("str", str)):
                continue  # the default
            values[f.name] = _parse(f, raw)
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The variables that ``from_env`` turns back into these settings."""
        env = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata["kind"] == "course":
                env.update(value.to_env())
            elif f.metadata["kind"] == "paths":
                env[f.metadata["env"]] = os.pathsep.join(value)
            elif isinstance(value, bool):
                env[f.metadata["env"]] = "1" if value else "0"
            else:
                env[f.metadata["env"]] = str(value)
        return env

    def replace(self, **changes) -> GradingSettings:
        return replace(self, **changes)

    def db_url(self, course_root: Path) -> str:
        """The gradebook of ``course_root``: ``gradebook_url``, else its SQLite file, whose lock
        other graders wait up to 60 s for (``?timeout=`` is read by SQLAlchemy's pysqlite)."""
        return self.gradebook_url or "sqlite:///" + str(Path(course_root) / "gradebook.db") + "?timeout=60"


def _parse(f, raw: str):
    if f.metadata["kind"] == "paths":
        return tuple(p for p in raw.split(os.pathsep) if p)
    default = f.default if f.default is not MISSING else None
    if isinstance(default, bool):
        return raw.strip().lower() in TRUE_WORDS
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            return default
    return raw


def env_names() -> list[str]:
    """Every variable of grading, the students' two included."""
    names = []
    for f in fields(GradingSettings):
        names += list(COURSE_ENV_VARS.values()) if f.metadata["kind"] == "course" else [f.metadata["env"]]
    return names


def settings_table() -> str:
    """The Markdown table of the variables, for docs/grading.md."""
    rows = ["| variable | default | meaning |", "|---|---|---|",
            "| `CS_QUICK` | `1` while grading | small offline data and short runs (cs_utils.settings) |",
            "| `CS_DATA_DIR` | `data/` | where CIFAR-10 is kept in full mode (cs_utils.settings) |"]
    defaults = GradingSettings()
    for f in fields(GradingSettings):
        if f.metadata["kind"] == "course":
            continue
        value = getattr(defaults, f.name)
        if isinstance(value, bool):
            shown = "`1`" if value else "`0`"
        elif isinstance(value, tuple):
            shown = "none"
        else:
            shown = f"`{value}`" if value != "" else "empty"
        rows.append(f"| `{f.metadata['env']}` | {shown} | {f.metadata['help']} |")
    return "\n".join(rows)
