"""Write the students' repository: ``python -m tools.student_export DEST [--force]`` (``make student``).

Students should not clone this repository: ``solutions/`` holds every answer and hidden test. The
export is a self-contained repository with only what students need:

    notebooks/          the student release (as ``make release`` wrote it)
    cs_utils/           the helper package, with ``validate`` (make check) and ``handin`` (make submit)
    requirements.txt    the exact pins (the course's requirements.txt), then ``-e .``
    environment.yml     the conda description, whose pip section ends with ``-e .``
    pyproject.toml      packages cs_utils only, so ``pip install -e .`` makes it importable
    nbgrader_config.py  the students' Validate settings (time limits, stderr rule), nothing of grading
    Makefile            make lab / make check / make submit
    README.md           written for students
    .gitignore

The text files come from templates in ``tools/student/``. Files are copied from whitelisted folders
(``notebooks/``, ``cs_utils/``), skipping what git ignores there; as a last guard the export is
refused if any file in it holds an nbgrader solution or hidden-test marker. DEST must be empty or
new; ``--force`` replaces its contents but keeps ``DEST/.git``, so a published student repository can
be updated in place and committed there.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tools.course import ROOT, STUDENT_REPOSITORY, STUDENT_VERSION, assignments

TEMPLATES = Path(__file__).resolve().parent / "student"
# template file -> path in the export
# What the notebooks and cs_utils import while they run (the rest of the lock serves JupyterLab,
# nbgrader's Validate, and the instructor's tools).
RUNTIME_PACKAGES = {"numpy", "torch", "torchvision", "matplotlib", "ipywidgets", "tqdm", "scikit-learn",
                    "scikit-image", "mlxtend", "mnist1d"}
TEMPLATE_FILES = {"README.md": "README.md", "Makefile": "Makefile", "pyproject.toml.in": "pyproject.toml",
                  "nbgrader_config.py": "nbgrader_config.py", "gitignore": ".gitignore"}
COPIED_FOLDERS = ("cs_utils",)  # plus each assignment's folder under notebooks/
NEVER_COPIED = {".ipynb_checkpoints", "__pycache__", ".pytest_cache"}
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
# Lines of the instructor's pins that make no sense in the export: the instructor's own project
# and references to files the export does not have.
LOCAL_LINE = re.compile(r"^\s*(-e|--editable|-r|--requirement|-c|--constraint)\b|^\s*(cs-utils|cs_utils)\b|"
                        r"^\s*\.\s*$|@\s*file:", re.I)


def _ignored_by_git(paths: list[Path], root: Path) -> set[Path]:
    """The ``paths`` git ignores in ``root`` (none when git or a repository is not available)."""
    if not paths:
        return set()
    try:
        done = subprocess.run(["git", "-C", str(root), "check-ignore", "--stdin"],
                              input="\n".join(str(p.relative_to(root)) for p in paths),
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return set()
    if done.returncode not in (0, 1):  # 1: nothing ignored; anything else: not a repository
        return set()
    return {root / line for line in done.stdout.splitlines() if line}


def _files(folder: Path, root: Path) -> list[Path]:
    """Files under ``folder`` worth copying: not caches, checkpoints or anything git ignores."""
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and not NEVER_COPIED & set(p.parts)
             and p.suffix != ".pyc"]
    ignored = _ignored_by_git(files, root)
    return [p for p in files if p not in ignored]


def _python_bounds(requires: str) -> tuple[str, str]:
    """("3.11.5", "3.15") from a requires-python such as ">=3.11.5,<3.15": the oldest Python the course
    supports and the first one it does not."""
    floor = re.search(r">=\s*(\d+(?:\.\d+)+)", requires)
    ceiling = re.search(r"<\s*(\d+(?:\.\d+)+)", requires)
    if not (floor and ceiling):
        raise SystemExit(f"pyproject.toml: requires-python {requires!r} should read '>=3.X.Y,<3.Z'")
    return floor.group(1), ceiling.group(1)


def _notebook_path(name: str) -> str:
    return f"notebooks/{name}/{name}.ipynb"


def binder_url() -> str:
    """Binder on the published student repository, opening JupyterLab at notebook 01."""
    return (f"https://mybinder.org/v2/gh/{STUDENT_REPOSITORY}/{STUDENT_VERSION}"
            f"?labpath={_notebook_path(assignments()[0])}")


def open_online_table() -> str:
    """A Markdown table: each notebook with its "Open in Colab" link at this release's tag."""
    rows = ["| notebook | open online |", "|---|---|"]
    for name in assignments():
        url = (f"https://colab.research.google.com/github/{STUDENT_REPOSITORY}/blob/{STUDENT_VERSION}/"
               f"{_notebook_path(name)}")
        rows.append(f"| {name} | [Open in Colab]({url}) |")
    return "\n".join(rows)


def runtime_dependencies(root: Path = ROOT) -> list[str]:
    """The course's ranges (pyproject.toml) of what the notebooks and cs_utils import at run time."""
    from packaging.requirements import Requirement

    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    return [dep for dep in declared if Requirement(dep).name.lower() in RUNTIME_PACKAGES]


def substitutions(root: Path = ROOT) -> dict[str, str]:
    import yaml

    requires = tomllib.loads((root / "pyproject.toml").read_text())["project"]["requires-python"]
    floor, ceiling = _python_bounds(requires)
    newest = f"3.{int(ceiling.split('.')[1]) - 1}"
    env = yaml.safe_load((root / "environment.yml").read_text())
    return {"@OPEN_ONLINE@": open_online_table(), "@BINDER_URL@": binder_url(),
            "@RUNTIME_DEPENDENCIES@": "\n".join(f"    {dep!r}," for dep in runtime_dependencies(root)),
            "@REQUIRES_PYTHON@": requires, "@PYTHON_MIN@": floor,
            "@PYTHON_MIN_TUPLE@": ", ".join(floor.split(".")), "@PYTHON_NEWEST@": newest,
            "@PYTHON_CEILING_TUPLE@": ", ".join(ceiling.split(".")), "@CONDA_ENV@": env["name"]}


def requirements_text(root: Path = ROOT) -> str:
    source = root / "requirements.txt"
    kept = [line for line in source.read_text().splitlines() if not LOCAL_LINE.search(line)]
    while kept and not kept[-1].strip():
        kept.pop()
    header = ["# The exact, tested versions of everything the notebooks use. Install with",
              "#     python -m pip install -r requirements.txt",
              f"# (copied from the course's {source.name}). The last line installs cs_utils from this",
              "# folder (pyproject.toml), so the notebooks can import it: run pip from this folder.", ""]
    return "\n".join(header + kept + ["", "-e ."]) + "\n"


def environment_text(root: Path = ROOT) -> str:
    """The root environment.yml with a student's header; its pip section installs this folder (-e .)."""
    import yaml

    text = (root / "environment.yml").read_text()
    body = text.split("\n")
    while body and (body[0].startswith("#") or not body[0].strip()):
        body.pop(0)
    text = "\n".join(body)
    env = yaml.safe_load(text)
    pip = next((d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d), None)
    if pip is None or not any(re.fullmatch(r"(-e|--editable)\s+\.", item.strip()) or
                              re.fullmatch(r"(-r|--requirement)\s+requirements\.txt", item.strip())
                              for item in pip):
        if pip is None:
            env["dependencies"].append({"pip": ["-e ."]})
        else:
            pip.append("-e .")
        text = yaml.safe_dump(env, sort_keys=False)
    header = ("# The course's environment for conda, copied from the course's repository:\n"
              f"#     conda env create -f environment.yml && conda activate {env['name']}\n"
              "# Run it from this folder: `-e .` installs cs_utils from here. requirements.txt (pip) pins\n"
              "# the exact tested version of every package.\n")
    return header + text.rstrip("\n") + "\n"


def _check_dest(dest: Path, force: bool, root: Path) -> None:
    dest, root = dest.resolve(), root.resolve()
    if dest == root or dest in root.parents:
        raise SystemExit(f"refusing to export into {dest}: it holds the instructor repository")
    for source in ("notebooks", "cs_utils", "solutions", "tools", "tests"):
        if dest.is_relative_to(root / source):
            raise SystemExit(f"refusing to export into {dest}: it is inside {source}/")
    if dest.exists() and not dest.is_dir():
        raise SystemExit(f"{dest} exists and is not a folder")
    leftovers = [p for p in dest.iterdir() if p.name != ".git"] if dest.exists() else []
    if leftovers and not force:
        raise SystemExit(f"{dest} is not empty; pass --force (FORCE=1) to replace its contents "
                         "(.git is kept)")
    for path in leftovers:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def export(dest: Path, force: bool = False, root: Path = ROOT) -> list[Path]:
    """Write the student repository into ``dest``; return the files written (relative to it)."""
    dest = Path(dest)
    _check_dest(dest, force, root)
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(rel: str | Path, data: bytes) -> None:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(Path(rel))

    folders = [root / name for name in COPIED_FOLDERS]
    folders += [root / "notebooks" / name for name in assignments(root)]
    for folder in folders:
        if not folder.is_dir():
            raise SystemExit(f"{folder} is missing: run `make release` first")
        for path in _files(folder, root):
            put(path.relative_to(root), path.read_bytes())

    subs = substitutions(root)
    for template, target in TEMPLATE_FILES.items():
        text = (TEMPLATES / template).read_text()
        for key, value in subs.items():
            text = text.replace(key, value)
        left = re.findall(r"@[A-Z_]+@", text)
        if left:
            raise SystemExit(f"tools/student/{template}: unknown placeholders {sorted(set(left))}")
        put(target, text.encode())
    put("requirements.txt", requirements_text(root).encode())
    put("environment.yml", environment_text(root).encode())

    for rel in written:  # the last guard: nbgrader's markers never leave the instructor repository
        data = (dest / rel).read_bytes()
        for marker in MARKERS:
            if marker.encode() in data:
                raise SystemExit(f"{rel} holds {marker!r}: the export would leak solutions or hidden tests. "
                                 f"{dest} is incomplete; fix the source and export again.")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.student_export",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("dest", type=Path, help="the folder to write the student repository into")
    parser.add_argument("--force", action="store_true", help="replace what DEST holds (keeps DEST/.git)")
    args = parser.parse_args(argv)
    written = export(args.dest, args.force)
    notebooks = sum(1 for p in written if p.suffix == ".ipynb")
    print(f"wrote {len(written)} files ({notebooks} notebooks) to {args.dest.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
