"""The student's JupyterLab, driven in headless Chromium the way a student uses it.

Starts JupyterLab with `make lab` on a throwaway copy of the course, opens notebook 01, runs all
cells, checks that the first exercise's test fails with NotImplementedError (and nothing before it
errors), pastes a correct answer, re-runs, validates with nbgrader's toolbar button, and loads the
formgrader. Screenshots of each step go to artifacts/browser/ (git-ignored).

The browser flow (marker ``student_browser``) runs notebook 01 twice more, so `make test-export`
runs it, after `make test` in CI; `make test` checks the server and its extensions.
"""

from __future__ import annotations

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
from pathlib import Path

import nbformat
import pytest

from tests.support.notebooks import cell_by_grade_id
from tools.course import ROOT, copy_course

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "browser"
NOTEBOOK = "notebooks/01_convolution/01_convolution.ipynb"
# Flags for a root user on a machine without network: no sandbox, no background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running `make lab` server on a copy of the course: yields (base URL, token, course root)."""
    course = copy_course(tmp_path_factory.mktemp("lab") / "course")
    port, token = free_port(), secrets.token_hex(16)
    log = open(course / "lab.log", "w")
    # Fresh user settings: render every cell (no windowing, so the test can read any cell) and
    # do not ask about fetching news (there is no network).
    settings = course / ".lab-settings"
    for plugin, values in {"notebook-extension/tracker": '{"windowingMode": "none"}',
                           "apputils-extension/notification": '{"fetchNews": "false"}'}.items():
        path = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(values)
    env = dict(os.environ, CS_QUICK="1", JUPYTER_CONFIG_DIR=str(course / ".jupyter-config"),
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(course / ".lab-workspaces"))
    lab_args = f"--no-browser --IdentityProvider.token={token} --ServerApp.ip=127.0.0.1"
    server = subprocess.Popen(["make", "--no-print-directory", "-C", str(ROOT), "lab", f"PORT={port}",
                               f"COURSE_ROOT={course}", f"LAB_ARGS={lab_args}"],
                              stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"JupyterLab did not start:\n{(course / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, course
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the server it started
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}; .ci/install-chromium.sh installs it "
                    "(apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make setup`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_idle(page, timeout_s: float = 60) -> None:
    """Wait until every cell has finished: no '[*]' prompts and the kernel reports Idle."""
    page.wait_for_function(
        """() => !Array.from(document.querySelectorAll('.jp-InputArea-prompt'))
                 .some(p => p.textContent.includes('*'))
              && document.body.innerText.includes('| Idle')""",
        timeout=timeout_s * 1000)


def cell_text(page, index: int) -> str:
    return page.locator(".jp-Notebook .jp-Cell").nth(index).inner_text()


def test_make_lab_serves_the_release_with_nbgrader_extensions(lab):
    base, token, course = lab
    with urllib.request.urlopen(f"{base}/api/contents/{NOTEBOOK}?token={token}", timeout=10) as response:
        model = json.load(response)
    cells = model["content"]["cells"]
    assert any("raise NotImplementedError()" in c["source"] for c in cells)
    with urllib.request.urlopen(f"{base}/lab/tree/{NOTEBOOK}?token={token}", timeout=10) as response:
        assert response.status == 200
    jupyter = str(Path(sys.executable).parent / "jupyter")
    listing = "".join(subprocess.run([jupyter, *args, "list"], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True).stdout
                      for args in (["labextension"], ["server", "extension"]))
    plain = re.sub(r"\x1b\[[0-9;]*m", "", listing)
    assert re.search(r"@jupyter/nbgrader v\S+ enabled OK", plain), plain
    for extension in ("formgrader", "validate_assignment", "assignment_list"):
        assert re.search(rf"nbgrader\.server_extensions\.{extension} enabled", plain), plain


@pytest.mark.student_browser
def test_student_flow_in_jupyterlab(lab, browser):
    base, token, course = lab
    solution = nbformat.read(course / "solutions" / "01_convolution" / "01_convolution.ipynb", as_version=4)
    release = nbformat.read(course / NOTEBOOK, as_version=4)
    # The student answered the short questions before; conv2d is the exercise pasted below.
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code" and meta.get("grade_id") != "conv2d":
            cell.source = cell_by_grade_id(solution, meta["grade_id"]).source
    nbformat.write(release, course / NOTEBOOK)
    ids = [c.get("id") for c in release.cells]
    setup_index = next(i for i, c in enumerate(release.cells) if "describe_run(" in c.source)
    exercise_index, test_index = ids.index("conv2d"), ids.index("test_conv2d_shape")

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)

    # 1. The notebook renders.
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
    page.wait_for_function("() => document.querySelectorAll('.jp-Notebook .jp-Cell').length === "
                           f"{len(release.cells)}")
    page.locator(".jp-Notebook .jp-Cell").nth(0).get_by_role("heading", name="01 · Convolution").wait_for()
    page.wait_for_function("() => document.body.innerText.includes('| Idle')")
    shoot(page, "1-rendered")

    # 2. Run all cells: the setup reports quick mode, the first test fails with NotImplementedError.
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.locator(".jp-Notebook .jp-Cell").nth(test_index).get_by_text("NotImplementedError").first.wait_for()
    wait_idle(page)
    shoot(page, "2-run-all")
    assert "QUICK mode" in cell_text(page, setup_index)
    cells = page.locator(".jp-Notebook .jp-Cell")
    for index in range(test_index):
        stderr = cells.nth(index).locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        assert stderr.count() == 0, f"cell {index} wrote an error or warning before the first test:\n" + \
            "\n".join(stderr.all_inner_texts())[-1500:]
    assert "NotImplementedError" in cells.nth(test_index).locator(".jp-OutputArea").inner_text()

    # 3. Paste a correct answer into the exercise cell, re-run it and its test: the test passes.
    answer = cell_by_grade_id(solution, "conv2d").source
    editor = page.locator(".jp-Notebook .jp-Cell").nth(exercise_index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(answer)  # inserted as one paste: no auto-indent on each line
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    test_cell = page.locator(".jp-Notebook .jp-Cell").nth(test_index)
    # In the output: the test cell's source holds the same words, and CodeMirror may render them too.
    test_cell.locator(".jp-OutputArea").get_by_text("conv2d produces a 28x28x6 volume").wait_for()
    wait_idle(page)
    assert "NotImplementedError" not in test_cell.locator(".jp-OutputArea").inner_text()
    shoot(page, "3-answer-passes")

    # 4. nbgrader's Validate button (validates the saved notebook), then the formgrader page.
    page.keyboard.press("Control+S")
    page.wait_for_function("() => !document.title.startsWith('*') "
                           "&& !document.querySelector('.jp-mod-dirty')")
    page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=120_000)
    page.wait_for_function("() => !document.querySelector('.jp-Dialog').innerText.includes('Validating')",
                           timeout=120_000)
    result = dialog.inner_text()
    shoot(page, "4-validate")
    assert "Success" in result or "passes" in result, f"Validate did not pass:\n{result[:1500]}"

    formgrader = browser.new_page(viewport={"width": 1400, "height": 1000})
    response = formgrader.goto(f"{base}/formgrader?token={token}")
    assert response is not None and response.ok
    formgrader.get_by_text("01_convolution").first.wait_for()
    shoot(formgrader, "5-formgrader")
