"""The students' repository (`make student`, tools/student_export.py).

It leaks nothing (no line of any solution or hidden test, of any notebook, in any file), it is
complete (every notebook, answered with the solutions, passes nbgrader's Validator inside the export,
with the export's own cs_utils), and its `make lab`, `make check` and `make submit` work. The tests that
execute notebooks or start a server are marked slow; the leak checks take a second.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement

from tests.support.notebooks import cell_by_grade_id
from tools import student_export
from tools.autograde import STAGE, collect
from tools.course import ROOT, assignments, copy_course

ASSIGNMENTS = assignments()
PYTHON = sys.executable  # the instructor's environment: the export's Makefile uses it as is (PYTHON=)
OTHER_FILES = "(every file but the notebooks)"
BLOCK = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END (?:SOLUTION|HIDDEN TESTS)", re.S)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
SPECIFIC = 25  # shorter lines ("return out") are not specific to an answer (tests/test_release.py's rule)
# Lines inside one notebook's solution that other notebooks show as everyday PyTorch, not as an answer.
COMMON_IDIOMS = {
    "return nn.Sequential(*layers)",  # 09's vgg_block; how 06, 10 and 12 build their given models
    "self.dropout = nn.Dropout(dropout)",  # 05's TextCNN; 10's given GoogLeNet head
    "checks = importlib.reload(cs_utils.checks)",  # hidden tests' first line; the question cells show it
}
# The export's files and folders at its top level, and nothing else.
EXPECTED_TOP = {".gitignore", "Makefile", "README.md", "cs_utils", "environment.yml", "nbgrader_config.py",
                "notebooks", "pyproject.toml", "requirements.txt"}


def _env(**extra: str) -> dict[str, str]:
    """The environment of the export's commands: no PYTHONPATH into this repository, one thread each."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MAKEFLAGS", "MFLAGS")}
    return dict(env, OMP_NUM_THREADS="1", OMP_WAIT_POLICY="PASSIVE", PYTHONDONTWRITEBYTECODE="1", **extra)


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("student") / "repo"
    student_export.export(dest)
    return dest


# ---------------------------------------------------------------------------------------------
# 1. Nothing leaks


@cache
def secret_lines() -> dict[str, str]:
    """{line: where} for every specific line of a solution or hidden-test region of any solution
    notebook. A line the same notebook also shows outside those regions is public."""
    found = {}
    for name in ASSIGNMENTS:
        source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
        public = {line.strip() for cell in source.cells for line in BLOCK.sub("", cell.source).splitlines()}
        for cell in source.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
            for kind, hidden in BLOCK.findall(cell.source):
                for line in hidden.splitlines():
                    line = line.strip()
                    if len(line) > SPECIFIC and line not in public and line not in COMMON_IDIOMS:
                        found.setdefault(line, f"{name}/{grade_id} ({kind.lower()})")
    return found


def _top_level_names(source: str) -> list[str]:
    """Functions and classes a cell or module defines at its top level (magics blanked out)."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


@cache
def exercise_names() -> dict[str, str]:
    """{function or class name: where} for what the solution cells of any notebook define."""
    names = {}
    for name in ASSIGNMENTS:
        source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
        for cell in source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("solution"):
                for defined in _top_level_names(cell.source):
                    names.setdefault(defined, f"{name}/{meta.get('grade_id')}")
    return names


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def readable_texts(data: bytes) -> list[str]:
    """Every way a file's bytes read as text: decoded (UTF-8, else Latin-1, which keeps any ASCII run),
    JSON's strings joined (so escaped quotes do not hide a line), and a zip's members, recursively."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    texts = [text]
    try:
        texts.append("\n".join("".join(s) if isinstance(s, list) else s for s in _strings(json.loads(text))))
    except ValueError:
        pass
    if data[:4] == b"PK\x03\x04":
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                texts += readable_texts(archive.read(member))
    return texts


def leaks_in(path: Path, rel: str) -> list[str]:
    problems = []
    texts = readable_texts(path.read_bytes())
    for marker in MARKERS:
        if any(marker in text for text in texts):
            problems.append(f"{rel}: nbgrader marker {marker!r}")
    for line, where in secret_lines().items():
        if any(line in text for text in texts):
            problems.append(f"{rel}: line of {where}: {line!r}")
    # Answers in another shape: a function or class an exercise asks for, defined where it is not a stub.
    if path.suffix == ".ipynb":
        cells = [c.source for c in nbformat.read(path, as_version=4).cells
                 if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("solution")]
    elif path.suffix == ".py":
        cells = [texts[0]]
    else:
        cells = []
    for source in cells:
        for defined in _top_level_names(source):
            if defined in exercise_names():
                problems.append(f"{rel}: defines {defined}, the exercise {exercise_names()[defined]}")
    return problems


def test_the_leak_check_finds_a_planted_answer(tmp_path):
    """The check below is not vacuous: an answer of 01, and an exercise of 12, pasted into 03, are found."""
    nb = nbformat.read(ROOT / "notebooks" / "03_pooling" / "03_pooling.ipynb", as_version=4)
    answer = cell_by_grade_id(nbformat.read(ROOT / "solutions" / "01_convolution" / "01_convolution.ipynb",
                                            as_version=4), "conv2d").source
    answer = "\n".join(line for line in answer.splitlines() if "### " not in line)
    nb.cells.append(nbformat.v4.new_code_cell(answer))
    nb.cells.append(nbformat.v4.new_code_cell('def count_parameters(m):\n    return "quoted \\" text"'))
    nbformat.write(nb, tmp_path / "planted.ipynb")
    problems = leaks_in(tmp_path / "planted.ipynb", "planted.ipynb")
    assert any("line of 01_convolution/conv2d" in p for p in problems), problems
    assert any("defines conv2d" in p for p in problems)
    assert any("defines count_parameters" in p for p in problems)
    with zipfile.ZipFile(tmp_path / "hand-in.zip", "w") as archive:
        archive.write(tmp_path / "planted.ipynb", "03_pooling/03_pooling.ipynb")
    assert any("line of 01_convolution/conv2d" in p for p in leaks_in(tmp_path / "hand-in.zip", "zip"))


@pytest.mark.parametrize("group", [*ASSIGNMENTS, OTHER_FILES])
def test_no_solution_or_hidden_test_in_the_export(export_dir, group):
    """Any notebook's answers or hidden tests, in any file: cross-notebook answers included."""
    files = [p for p in sorted(export_dir.rglob("*")) if p.is_file()]
    if group == OTHER_FILES:
        files = [p for p in files if p.suffix != ".ipynb"]
    else:
        files = [p for p in files if p.relative_to(export_dir).parts[:2] == ("notebooks", group)]
        assert files, f"notebooks/{group} is not in the export"
    problems = [p for path in files for p in leaks_in(path, str(path.relative_to(export_dir)))]
    assert not problems, "the student export leaks:\n" + "\n".join(problems[:40])


def test_export_holds_only_the_student_files(export_dir):
    assert {p.name for p in export_dir.iterdir()} == EXPECTED_TOP
    for name in ASSIGNMENTS:
        path = Path("notebooks") / name / f"{name}.ipynb"
        assert (export_dir / path).read_bytes() == (ROOT / path).read_bytes(), f"{path} is not the release"
    assert {p.parent.name for p in (export_dir / "notebooks").glob("*/*")} == set(ASSIGNMENTS)
    cs_utils = {p.name for p in (export_dir / "cs_utils").iterdir()}
    assert cs_utils == {p.name for p in (ROOT / "cs_utils").glob("*.py")}, "cs_utils/ holds other files"
    for rel in ("nbgrader_config.py", "Makefile", "README.md", "pyproject.toml"):
        assert (export_dir / rel).read_text() != (ROOT / rel).read_text(), f"{rel} is the instructor's"
    assert not list(export_dir.rglob("__pycache__")) and not list(export_dir.rglob("*.db"))


def test_nbgrader_config_is_the_students_and_validates_as_grading_does(export_dir):
    from traitlets.config.loader import PyFileConfigLoader

    student = PyFileConfigLoader("nbgrader_config.py", path=str(export_dir)).load_config()
    instructor = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert set(student) == {"Execute", "IgnorePattern"}, "the students' config sets only how notebooks run"
    for section, values in student.items():
        for key, value in values.items():
            assert instructor[section][key] == value, f"{section}.{key} differs from the grader's"


def test_requirements_pin_exactly_and_install_cs_utils(export_dir):
    text = (export_dir / "requirements.txt").read_text()
    lines = [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]
    assert lines[-1] == "-e ." and lines.count("-e .") == 1
    exported = {}
    for line in lines[:-1]:
        if line.startswith("-"):
            continue  # index options
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"requirements.txt must pin exactly: {line}"
        exported.setdefault(req.name.lower(), []).append(spec.version)
    source = ROOT / "requirements.txt"
    root = {}
    for line in source.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            root.setdefault(req.name.lower(), []).append(next(iter(req.specifier)).version)
    assert exported == root, f"requirements.txt should hold {source.name}'s pins"


def test_environment_yml_installs_this_folder(export_dir):
    env = yaml.safe_load((export_dir / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip or "-r requirements.txt" in pip
    root = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert [d for d in env["dependencies"] if not isinstance(d, dict)] == \
        [d for d in root["dependencies"] if not isinstance(d, dict)]


def test_requirements_drop_local_lines(tmp_path):
    (tmp_path / "requirements.txt").write_text("# made by uv\ntorch==2.14.1 ; sys_platform == 'linux'\n"
                                               "-e .\ncs-utils @ file:///work/main\n-c constraints.txt\n")
    text = student_export.requirements_text(tmp_path)
    assert "copied from the course's requirements.txt" in text
    assert "torch==2.14.1 ; sys_platform == 'linux'" in text
    assert "file:" not in text and "-c " not in text and text.count("-e .") == 1


def test_pyproject_packages_cs_utils_only(export_dir, tmp_path):
    """Builds the export's wheel offline (what `pip install -e .` builds, minus the editable hook)."""
    project = shutil.copytree(export_dir, tmp_path / "project")  # the build writes into its folder
    done = subprocess.run([PYTHON, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                           "--wheel-dir", str(tmp_path / "wheel"), str(project)],
                          capture_output=True, text=True, env=_env(), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packaged = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert packaged == {"cs_utils"}, packaged
    assert "cs_utils/validate.py" in names and "cs_utils/handin.py" in names


def test_readme_tells_students_what_they_need(export_dir):
    readme = (export_dir / "README.md").read_text()
    for needed in ("make lab", "make check", "make submit", "pip install -r requirements.txt",
                   "environment.yml", "CS_QUICK=1", "toolbar", "GB", "python -m cs_utils.validate",
                   "python -m cs_utils.handin"):
        assert needed in readme, f"the student README does not mention {needed!r}"
    assert "solutions" not in readme
    subs = student_export.substitutions()
    supported = f"Python {subs['@PYTHON_MIN@']} to {subs['@PYTHON_NEWEST@']}"
    assert supported in readme, f"the student README should say that it needs {supported}"


@pytest.mark.parametrize("name", ["README.md", "Makefile", "pyproject.toml"])
def test_every_placeholder_is_filled(export_dir, name):
    left = sorted(set(re.findall(r"@[A-Z_]+@", (export_dir / name).read_text())))
    assert not left, f"the export's {name} still has placeholders {left}: add them to substitutions()"


def fake_python(tmp_path: Path, version: tuple[int, int, int]) -> Path:
    """An interpreter that reports `version` to `-c CODE` and fails at anything else (such as -m venv)."""
    script = tmp_path / f"python{'.'.join(map(str, version))}"
    pretend = f"import sys; sys.version_info = {version!r}; exec(sys.argv[1])"
    script.write_text(f"#!/bin/sh\n[ \"$1\" = -c ] || exit 97\nexec {sys.executable} -c '{pretend}' \"$2\"\n")
    script.chmod(0o755)
    return script


@pytest.mark.parametrize("makefile", ["instructor", "student"])
@pytest.mark.parametrize("version, supported", [((3, 11, 4), False), ((3, 11, 5), True), ((3, 14, 2), True),
                                                ((3, 15, 0), False)])
def test_setup_refuses_a_python_the_pins_do_not_support(export_dir, tmp_path, makefile, version, supported):
    # pip on 3.15 fails with "No matching distribution" for torch, or compiles NumPy: say why instead.
    python = fake_python(tmp_path, version)
    folder, variable = (ROOT, "PYTHON") if makefile == "instructor" else (export_dir, "BASE_PYTHON")
    result = subprocess.run(["make", "-C", str(folder), "setup", f"VENV={tmp_path / 'venv'}",
                             f"{variable}={python}"], capture_output=True, text=True, env=_env(), timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output  # the fake cannot create the environment
    refused = f"{python} is not Python" in output
    assert refused != supported, (f"the {makefile} Makefile {'refused' if refused else 'accepted'} Python "
                                  f"{version}:\n{output}")


def test_export_refuses_to_overwrite_unless_forced(tmp_path):
    dest = tmp_path / "repo"
    (dest / ".git").mkdir(parents=True)
    (dest / "stale.txt").write_text("old")
    with pytest.raises(SystemExit, match="not empty"):
        student_export.export(dest)
    student_export.export(dest, force=True)
    assert (dest / ".git").is_dir() and not (dest / "stale.txt").exists() and (dest / "Makefile").exists()
    for bad in (ROOT, ROOT.parent, ROOT / "notebooks" / "x"):
        with pytest.raises(SystemExit, match="refusing"):
            student_export.export(bad, force=True)


# ---------------------------------------------------------------------------------------------
# 4. make submit hands in a zip the grader takes


def test_make_submit_writes_a_zip_autograde_accepts(export_dir, tmp_path):
    # A file the student saved beside a notebook (a trained model to hand in) travels with it.
    saved = export_dir / "notebooks" / ASSIGNMENTS[-1] / "my_model.pt"
    saved.write_bytes(b"weights")
    try:
        done = subprocess.run(["make", "--no-print-directory", "-C", str(export_dir), "submit",
                               "STUDENT=alice", f"PYTHON={PYTHON}"],
                              capture_output=True, text=True, env=_env(), timeout=120)
    finally:
        saved.unlink()
    assert done.returncode == 0, done.stdout + done.stderr
    handin = export_dir / "handin" / "alice.zip"
    assert handin.exists(), done.stdout
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(handin, submissions)
    shutil.rmtree(export_dir / "handin")
    course = copy_course(tmp_path / "course", with_release=False)
    students = collect(submissions, course)
    assert set(students) == {"alice"}
    items = students["alice"]
    assert set(items) == set(ASSIGNMENTS)
    for name, item in items.items():
        assert item.status == "pending" and not item.notes, f"{name}: {item.status} {item.notes}"
        staged = course / STAGE / "alice" / name / f"{name}.ipynb"
        assert staged.read_bytes() == (ROOT / "notebooks" / name / f"{name}.ipynb").read_bytes()
    assert (course / STAGE / "alice" / ASSIGNMENTS[-1] / "my_model.pt").read_bytes() == b"weights"


# ---------------------------------------------------------------------------------------------
# 5. make check lists the failing tests and fails


@pytest.mark.slow
def test_make_check_on_the_untouched_release_lists_failures_and_fails(export_dir):
    name = ASSIGNMENTS[0]
    done = subprocess.run(["make", "--no-print-directory", "-C", str(export_dir), "check", "NOTEBOOKS=01",
                           f"PYTHON={PYTHON}"], capture_output=True, text=True, env=_env(), timeout=600)
    assert done.returncode != 0, done.stdout
    tests = [c.metadata.nbgrader["grade_id"]
             for c in nbformat.read(export_dir / "notebooks" / name / f"{name}.ipynb", as_version=4).cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert tests and f"FAIL  {name}: {len(tests)} of {len(tests)} tests fail" in done.stdout, done.stdout
    for grade_id in tests:  # an exercise's stub raises; a question's name is left undefined
        assert re.search(rf"^\s+{grade_id}: (NotImplementedError|AssertionError: set \w+ in the cell above)",
                         done.stdout, re.M), done.stdout


# ---------------------------------------------------------------------------------------------
# 3. make lab serves notebooks/


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def _probe_notebook(export_dir: Path) -> nbformat.NotebookNode:
    """One locked test cell that passes only if the kernel imports the export's cs_utils."""
    from nbgrader.utils import compute_checksum

    cell = nbformat.v4.new_code_cell(
        "import os\nimport cs_utils\n"
        f"assert os.path.dirname(os.path.dirname(os.path.realpath(cs_utils.__file__))) == "
        f"{str(export_dir.resolve())!r}, cs_utils.__file__")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "probe", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    cell.metadata["nbgrader"]["checksum"] = compute_checksum(cell)
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.mark.slow
def test_make_lab_serves_the_notebooks(export_dir, tmp_path):
    import nbgrader

    port, token = _free_port(), secrets.token_hex(16)
    lab_args = f"--no-browser --IdentityProvider.token={token} --ServerApp.ip=127.0.0.1"
    env = _env(JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log_path = tmp_path / "lab.log"
    probe = export_dir / "notebooks" / "zz_probe" / "zz_probe.ipynb"
    with open(log_path, "w") as log:
        server = subprocess.Popen(["make", "--no-print-directory", "-C", str(export_dir), "lab",
                                   f"PORT={port}", f"PYTHON={PYTHON}", f"LAB_ARGS={lab_args}"],
                                  stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if _get(f"{base}/api/status?token={token}")[0] == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"make lab did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
            _, body = _get(f"{base}/api/contents/?token={token}")
            listed = {item["name"] for item in json.loads(body)["content"]}
            assert listed >= set(ASSIGNMENTS), listed
            assert not listed & {"Makefile", "cs_utils"}, "the server's root should be notebooks/"
            notebook = f"{ASSIGNMENTS[0]}/{ASSIGNMENTS[0]}.ipynb"
            _, body = _get(f"{base}/api/contents/{notebook}?token={token}")
            cells = json.loads(body)["content"]["cells"]
            assert any("raise NotImplementedError()" in c["source"] for c in cells)
            assert _get(f"{base}/lab/tree/{notebook}?token={token}")[0] == 200
            # The Validate button's server extension answers, and its kernel imports the export's cs_utils.
            _, body = _get(f"{base}/nbgrader_version?version={nbgrader.__version__}&token={token}")
            assert json.loads(body)["success"], body
            probe.parent.mkdir()
            nbformat.write(_probe_notebook(export_dir), probe)
            request = urllib.request.Request(f"{base}/assignments/validate", method="POST",
                                             data=json.dumps({"path": "zz_probe/zz_probe.ipynb"}).encode(),
                                             headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(request, timeout=180) as response:
                verdict = json.load(response)
            assert verdict["success"] and verdict["value"] == {}, verdict
        finally:
            shutil.rmtree(probe.parent, ignore_errors=True)
            os.killpg(server.pid, signal.SIGTERM)  # make and the server it started
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


# ---------------------------------------------------------------------------------------------
# 2. Complete: the solutions' answers pass the Validator inside the export, with its cs_utils

PROBE = """import json, os, sys
import cs_utils
with open(os.environ["CS_EXPORT_PROBE"], "w") as fh:
    json.dump({"cwd": os.getcwd(), "quick": os.environ.get("CS_QUICK"),
               "modules": {n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())
                           if n == "cs_utils" or n.startswith("cs_utils.")}}, fh)"""


@pytest.fixture(scope="module")
def answered_dir(tmp_path_factory) -> Path:
    """A second export, whose notebooks the completeness tests fill with the solutions' answers."""
    dest = tmp_path_factory.mktemp("answered") / "repo"
    student_export.export(dest)
    return dest


@pytest.mark.slow
@pytest.mark.export_complete
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_answered_notebook_passes_validate_inside_the_export(answered_dir, name, tmp_path):
    path = answered_dir / "notebooks" / name / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    solution = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    answered = 0
    for cell in solution.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            answer = "\n".join(line for line in cell.source.splitlines()
                               if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
            cell_by_grade_id(nb, meta["grade_id"]).source = answer
            answered += 1
    assert answered, f"{name} has no exercise"
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    nbformat.write(nb, path)
    probe = tmp_path / "probe.json"
    start = time.monotonic()
    done = subprocess.run([PYTHON, "-m", "cs_utils.validate", "--json", str(path)], cwd=answered_dir,
                          capture_output=True, text=True, env=_env(CS_EXPORT_PROBE=str(probe)), timeout=900)
    print(f"{name}: validated in the export in {time.monotonic() - start:.0f} s")
    assert done.stdout.strip(), done.stderr[-3000:]
    (result,) = json.loads(done.stdout)
    assert result["tests"], f"{name} has no tests"
    assert result["ok"] and done.returncode == 0, (
        f"failed: {result['failed']}\nchanged: {result['changed']}\nerror: {result['error']}\n"
        f"{done.stderr[-1500:]}")
    where = json.loads(probe.read_text())
    assert where["quick"] == "1" and Path(where["cwd"]) == path.parent.resolve()
    assert where["modules"].get("cs_utils"), where
    for module, file in where["modules"].items():
        assert file and Path(file).resolve().is_relative_to(answered_dir.resolve() / "cs_utils"), (
            f"the kernel imported {module} from {file}, not from the export")
