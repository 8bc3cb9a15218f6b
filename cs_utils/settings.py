"""The course's switches, read from the environment in one place.

Every ``CS_*`` variable that the notebooks and ``cs_utils`` read is a field of ``CourseSettings``;
nothing else in ``cs_utils`` reads the environment. Set them before starting JupyterLab
(``CS_QUICK=1 make lab``) or, inside a notebook, before the setup cell
(``os.environ["CS_QUICK"] = "1"``): ``course_settings()`` reads them anew on every call.

| variable       | field       | meaning                                                          |
|----------------|-------------|------------------------------------------------------------------|
| `CS_QUICK`     | `quick`     | `1`: small offline data and short runs (tests, grading, laptops) |
| `CS_DATA_DIR`  | `data_dir`  | where CIFAR-10 is downloaded, once for every notebook            |
|                |             | (default: `data/` beside the course's `notebooks/`; a relative   |
|                |             | path counts from that course folder, `course_root()`)            |
| `CS_ALLOW_CPU` | `allow_cpu` | `1`: train in full mode on the CPU anyway (hours, not minutes);  |
|                |             | without it full mode stops when there is no GPU                  |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
ENV_VARS = {"quick": "CS_QUICK", "data_dir": "CS_DATA_DIR", "allow_cpu": "CS_ALLOW_CPU"}


def course_root() -> Path:
    """The course folder this ``cs_utils`` belongs to (it holds ``notebooks/``), else the current folder.

    An installed copy of ``cs_utils`` (Colab: ``pip install``) lives in site-packages, so there the
    notebook's own folder is the course.
    """
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / "notebooks").is_dir() else Path.cwd()


@dataclass(frozen=True)
class CourseSettings:
    quick: bool = False
    data_dir: Path | None = None
    allow_cpu: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CourseSettings:
        environ = os.environ if environ is None else environ
        data_dir = environ.get(ENV_VARS["data_dir"], "").strip()
        # Each notebook's kernel starts in the notebook's own folder: a path relative to that would
        # name another folder, and another CIFAR-10 download, for every notebook.
        return cls(quick=_true(environ, "quick"),
                   data_dir=course_root() / Path(data_dir or "data").expanduser(),
                   allow_cpu=_true(environ, "allow_cpu"))

    def to_env(self) -> dict[str, str]:
        """The variables that ``from_env`` turns back into these settings (for subprocesses)."""
        values = {"quick": "1" if self.quick else "0", "data_dir": str(self.data_dir or ""),
                  "allow_cpu": "1" if self.allow_cpu else "0"}
        assert set(values) == {f.name for f in fields(self)}, "every field has its variable"
        return {ENV_VARS[name]: value for name, value in values.items()}


def _true(environ: Mapping[str, str], field: str) -> bool:
    return environ.get(ENV_VARS[field], "").strip().lower() in TRUE_WORDS


def course_settings() -> CourseSettings:
    """The settings in force now (the environment is read on each call)."""
    return CourseSettings.from_env()
