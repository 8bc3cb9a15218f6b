"""Bad and malicious submissions for the mini course (tests/grading_fixtures/minicourse.py).

Each entry of ``STUDENTS`` is one student: how to write the submission, and what each assignment
must score (``None`` for "the status says why and the score is 0"). All are graded in one run,
next to ``good``, which must keep full marks.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import nbformat

from tests.grading_fixtures.minicourse import CORRECT, student_notebook
from tests.support.notebooks import drop_all_metadata

# Escape attempts, run from a solution cell. Each prints "BLOCKED <what>" when the sandbox stops
# it and "ESCAPED <what>" when it works; the test asserts no ESCAPED line and checks the files.
ATTACK = r'''
import os, resource, socket, sqlite3, sys
COURSE, REPO = __COURSE__, __REPO__

def attempt(what, fn):
    try:
        result = fn()
    except BaseException as err:  # noqa
        print("BLOCKED", what, type(err).__name__)
    else:
        print("ESCAPED", what, str(result)[:200])

def nonempty(items):
    if not items:
        raise LookupError("nothing there")
    return items

attempt("read solutions", lambda: open(COURSE + "/solutions/91_alpha/91_alpha.ipynb").read())
attempt("read notebook sources", lambda: os.listdir(REPO + "/notebook_src"))
attempt("read repo solutions", lambda: os.listdir(REPO + "/solutions"))
attempt("read the gradebook", lambda: open(COURSE + "/gradebook.db", "rb").read(16))
attempt("change the gradebook", lambda: sqlite3.connect(COURSE + "/gradebook.db")
        .execute("update grade set manual_score = 100").connection.commit())
attempt("delete the gradebook", lambda: os.remove(COURSE + "/gradebook.db"))
attempt("write the course config", lambda: open(COURSE + "/nbgrader_config.py", "a").write("# pwned"))
attempt("create a file in the course", lambda: open(COURSE + "/pwned.txt", "w").write("x"))
attempt("read another student",
        lambda: open(COURSE + "/submitted/good/91_alpha/91_alpha.ipynb").read())
attempt("list other students",
        lambda: nonempty([d for d in os.listdir(COURSE + "/autograded") if d != "attacker"]))
attempt("read the exchange", lambda: os.listdir("/srv/nbgrader/exchange"))
attempt("read host /tmp", lambda: nonempty([
    p for p in os.listdir("/tmp") if p != "home" and not p.startswith("csg-")
    and not os.getcwd().startswith("/tmp/" + p + "/")
    and not sys.prefix.startswith("/tmp/" + p + "/")]))  # a checkout in /tmp
attempt("read /root", lambda: nonempty([p for p in os.listdir("/root") if p != ".pyenv"]))
attempt("connect to PostgreSQL on localhost",
        lambda: socket.create_connection(("127.0.0.1", 5432), timeout=3))
attempt("reach the internet", lambda: socket.create_connection(("1.1.1.1", 53), timeout=3))
attempt("resolve a name", lambda: socket.getaddrinfo("pypi.org", 443))
attempt("see grader processes", lambda: nonempty([
    p for p in os.listdir("/proc")
    if p.isdigit() and b"nbgrader" in open(f"/proc/{p}/cmdline", "rb").read()]))
attempt("run as root",
        lambda: os.getuid() == 0 or (_ for _ in ()).throw(PermissionError(f"uid {os.getuid()}")))
attempt("write a 100 MB file", lambda: open("big.bin", "wb").write(b"0" * (100 << 20)))
attempt("lift the memory limit", lambda: resource.setrlimit(
    resource.RLIMIT_DATA, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)))
attempt("lift the CPU limit", lambda: resource.setrlimit(
    resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)))
attempt("lift the process limit", lambda: resource.setrlimit(
    resource.RLIMIT_NPROC, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)))
if os.path.exists("big.bin"):
    os.remove("big.bin")

def add(a, b):
    return a + b
'''


FORK_BOMB = """
import os, time
children = []
try:
    for _ in range(400):  # bounded: unconfined grading has no process limit to stop it
        pid = os.fork()
        if pid == 0:
            time.sleep(12)  # hold the processes while other students' kernels start
            os._exit(0)
        children.append(pid)
except OSError as err:
    print(f"fork failed after {len(children)} processes: {err}")
for pid in children:  # then give them back, so that this student's own tests can run
    os.waitpid(pid, 0)
"""


def nb_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode()


def write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build(course: Path, source: Path, repo: Path) -> dict[str, dict[str, float | None]]:
    """Write every student's submission under ``source``; return the expected scores."""
    alpha = lambda answer: nb_bytes(student_notebook(course, "91_alpha", answer))  # noqa: E731
    beta_ok = nb_bytes(student_notebook(course, "92_beta", CORRECT["92_beta"]))
    alpha_ok = alpha(CORRECT["91_alpha"])
    expect = {}

    def nbgrader_layout(student, alpha_data, beta_data=beta_ok):
        if alpha_data is not None:
            write(source, f"{student}/91_alpha/91_alpha.ipynb", alpha_data)
        if beta_data is not None:
            write(source, f"{student}/92_beta/92_beta.ipynb", beta_data)

    nbgrader_layout("good", alpha_ok)
    expect["good"] = {"91_alpha": 3.0, "92_beta": 2.0}
    # Regraded later with invalid JSON: the earlier full score must not survive.
    nbgrader_layout("flip", alpha_ok)
    expect["flip"] = {"91_alpha": 3.0, "92_beta": 2.0}

    # Loops forever on the visible test's input only: that test (1 point) times out, the other passes.
    nbgrader_layout("infinite_loop", alpha("def add(a, b):\n    while (a, b) == (1, 2):\n        pass\n"
                                          "    return a + b"))
    expect["infinite_loop"] = {"91_alpha": 2.0, "92_beta": 2.0}
    # Loops forever on every input: both tests of 91_alpha time out (each costs one test cell's
    # limit), and 92_beta is graded as usual.
    nbgrader_layout("loops_everywhere", alpha("def add(a, b):\n    while True:\n        pass"))
    expect["loops_everywhere"] = {"91_alpha": 0.0, "92_beta": 2.0}
    nbgrader_layout("kernel_death", alpha("def add(a, b):\n    return a + b\n\nimport os\nos._exit(1)"))
    expect["kernel_death"] = {"91_alpha": 0.0, "92_beta": 2.0}
    nbgrader_layout("memory_hog", alpha("def add(a, b):\n    hog = bytearray(8 << 30)\n    return a + b"))
    expect["memory_hog"] = {"91_alpha": 0.0, "92_beta": 2.0}
    # Fills its process limit and holds it while the other worker starts kernels for other students:
    # with a limit shared between workers (one sandbox user for all), their kernels could not start.
    nbgrader_layout("fork_bomb", alpha(CORRECT["91_alpha"] + FORK_BOMB))
    expect["fork_bomb"] = {"91_alpha": 3.0, "92_beta": 2.0}
    nbgrader_layout("huge_output", alpha(CORRECT["91_alpha"] + "\nprint('x' * 20_000_000)\n"
                                        "for i in range(100_000):\n    print(i)"))
    expect["huge_output"] = {"91_alpha": 3.0, "92_beta": 2.0}
    nbgrader_layout("invalid_json", b'{"cells": [ this is not json')
    expect["invalid_json"] = {"91_alpha": None, "92_beta": 2.0}
    nbgrader_layout("missing", None)
    expect["missing"] = {"91_alpha": None, "92_beta": 2.0}
    write(source, "renamed/91_alpha/91_alpha-Copy1.ipynb", alpha_ok)  # renamed in its folder
    write(source, "renamed/92_beta/my homework.ipynb", beta_ok)  # found by its cell ids
    expect["renamed"] = {"91_alpha": 3.0, "92_beta": 2.0}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a zip of a flat folder, with extra files
        archive.writestr("extra_files/91_alpha.ipynb", alpha_ok)
        archive.writestr("extra_files/92_beta.ipynb", beta_ok)
        archive.writestr("extra_files/notes.txt", "my notes")
        archive.writestr("extra_files/scratch.ipynb", nb_bytes(nbformat.v4.new_notebook()))
        archive.writestr("__MACOSX/extra_files/._91_alpha.ipynb", "junk")
    write(source, "extra_files.zip", buffer.getvalue())
    expect["extra_files"] = {"91_alpha": 3.0, "92_beta": 2.0}

    # Duplicates in a flat folder: the untouched 91_alpha.ipynb beside the answered -Copy1 (the copy is
    # graded); two answered, different 92_beta (the exact name is graded, and flagged for review).
    untouched_alpha = (course / "notebooks" / "91_alpha" / "91_alpha.ipynb").read_bytes()
    write(source, "duplicates/91_alpha.ipynb", untouched_alpha)
    write(source, "duplicates/91_alpha-Copy1.ipynb", alpha_ok)
    write(source, "duplicates/92_beta.ipynb", beta_ok)
    write(source, "duplicates/92_beta (1).ipynb",
          nb_bytes(student_notebook(course, "92_beta", "def scale(xs, k):\n    return xs")))
    expect["duplicates"] = {"91_alpha": 3.0, "92_beta": 2.0}

    # Deleted and edited test cells, with a wrong answer: the tests come back from the gradebook.
    nb = student_notebook(course, "91_alpha", "def add(a, b):\n    return a - b")
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_add_many"]
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_add_small":
            cell.source = "pass"
    nbgrader_layout("edited_tests", nb_bytes(nb))
    expect["edited_tests"] = {"91_alpha": 0.0, "92_beta": 2.0}

    # Editors other than JupyterLab, and cells moved by hand: each of these failed nbgrader's own
    # sanitising (status error, 0 points) although the answers are right.
    def nbgrader_cells(nb, grade_id):
        return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]

    # Downloaded from Colab ("Copy of"), saved with a byte order mark and without any cell metadata.
    for student, answer in (("metadata_dropped", CORRECT["91_alpha"]),
                            ("metadata_dropped_wrong", "def add(a, b):\n    return a - b")):
        nb = student_notebook(course, "91_alpha", answer)
        nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
        drop_all_metadata(nb)
        write(source, f"{student}/Copy of 91_alpha.ipynb", b"\xef\xbb\xbf" + nb_bytes(nb))
        write(source, f"{student}/92_beta.ipynb", beta_ok)
    expect["metadata_dropped"] = {"91_alpha": 3.0, "92_beta": 2.0}
    expect["metadata_dropped_wrong"] = {"91_alpha": 0.0, "92_beta": 2.0}

    # A wrong first try kept above the answer by copy and paste, a test cell pasted twice, and an
    # answer cell turned into Markdown.
    nb = student_notebook(course, "91_alpha", CORRECT["91_alpha"])
    (answer_cell,) = nbgrader_cells(nb, "answer")
    first_try = nbformat.from_dict(answer_cell)
    first_try.source = "def add(a, b):\n    return 0"
    pasted_test = nbformat.from_dict(nbgrader_cells(nb, "test_add_small")[0])
    first_try.id, pasted_test.id = "first-try", "pasted-test"  # JupyterLab gives a pasted cell a new id
    nb.cells[1:1] = [first_try, pasted_test]
    beta = student_notebook(course, "92_beta", CORRECT["92_beta"])
    (beta_answer,) = nbgrader_cells(beta, "answer")
    beta.cells[beta.cells.index(beta_answer)] = nbformat.v4.new_markdown_cell(
        beta_answer.source, metadata=beta_answer.metadata)
    nbgrader_layout("duplicated_cells", nb_bytes(nb), nb_bytes(beta))
    expect["duplicated_cells"] = {"91_alpha": 3.0, "92_beta": 2.0}

    # The exercise cell deleted with the test below it and the answer written in a new cell, and a
    # test cell pasted in from another notebook.
    nb = student_notebook(course, "91_alpha", CORRECT["91_alpha"])
    beta_test = nbformat.from_dict(nbgrader_cells(nbformat.reads(beta_ok.decode(), as_version=4),
                                                  "test_scale")[0])
    nb.cells = [nb.cells[0], nbformat.v4.new_code_cell(CORRECT["91_alpha"]), beta_test,
                *nbgrader_cells(nb, "test_add_many")]
    nbgrader_layout("rewritten_answer", nb_bytes(nb))
    expect["rewritten_answer"] = {"91_alpha": 3.0, "92_beta": 2.0}

    # A learning platform's bulk download beside the course's layouts: Canvas renames every file
    # (the second came late, resubmitted once), Moodle makes a folder per student. The student ids
    # are the platforms' numbers.
    write(source, "smithjohn_48213_992031_91_alpha.ipynb", alpha_ok)
    write(source, "smithjohn_LATE_48213_992077_92_beta-1.ipynb", beta_ok)
    expect["48213"] = {"91_alpha": 3.0, "92_beta": 2.0}
    moodle = "John Smith_5521_assignsubmission_file_"
    write(source, f"{moodle}/91_alpha.ipynb", alpha("def add(a, b):\n    return a"))
    write(source, f"{moodle}/92_beta.ipynb", beta_ok)
    expect["5521"] = {"91_alpha": 0.0, "92_beta": 2.0}

    # A zip whose members climb out of the staging folder (zip slip): into the course, over its
    # nbgrader_config.py (which the next nbgrader runs), and beside the course. Collecting runs
    # outside the sandbox, so only collect.py can stop them; the notebooks are graded as usual.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("91_alpha/91_alpha.ipynb", alpha_ok)
        archive.writestr("92_beta/92_beta.ipynb", beta_ok)
        archive.writestr("91_alpha/../../../nbgrader_config.py", "raise SystemExit('pwned by a zip')\n")
        archive.writestr("91_alpha/../../../../zip_slip.txt", "pwned")
        archive.writestr("/tmp/zip_slip_absolute.txt", "pwned")
    write(source, "zip_slip.zip", buffer.getvalue())
    expect["zip_slip"] = {"91_alpha": 3.0, "92_beta": 2.0}

    # A folder unzipped by hand holds the student's symbolic links (unzip restores them): to the
    # solution notebook, relative as a student would guess it from nbgrader's layout, and to a
    # solutions folder. Collecting reads them as the instructor, outside the sandbox.
    linked = source / "linked_solutions"
    (linked / "91_alpha").mkdir(parents=True)
    solution = course / "solutions" / "91_alpha" / "91_alpha.ipynb"
    (linked / "91_alpha" / "91_alpha.ipynb").symlink_to(os.path.relpath(solution, linked / "91_alpha"))
    (linked / "92_beta").symlink_to(course / "solutions" / "92_beta")
    expect["linked_solutions"] = {"91_alpha": None, "92_beta": None}

    # Escape attempts, then a correct answer: graded with full marks, every attempt blocked.
    attack = ATTACK.replace("__COURSE__", repr(str(course))).replace("__REPO__", repr(str(repo)))
    nbgrader_layout("attacker", alpha(attack))
    expect["attacker"] = {"91_alpha": 3.0, "92_beta": 2.0}
    return expect
