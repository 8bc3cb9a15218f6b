"""requirements.txt installs from wheels alone on every platform and Python that the course supports.

For each target, uv resolves requirements.txt for that target alone and takes wheels only:

    uv pip compile requirements.txt --python-platform TRIPLE --python-version X.Y.Z --only-binary :all:

With --python-platform, uv keeps a wheel only if its tags fit the target (platform tag and Python ABI
tag), and --only-binary :all: forbids source builds, so a resolution proves that `pip install -r
requirements.txt` finds a wheel of every pinned version there. The control tests show that the
command does fail where a wheel is missing. It needs the package index: when the index cannot be
reached these tests fail (never skip), and say so.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tools.course import ROOT, python_minors

pytestmark = pytest.mark.slow

LOCK = ROOT / "requirements.txt"

PLATFORMS = {
    "linux-x86_64": "x86_64-unknown-linux-gnu",  # manylinux_2_28, the tag of torch's x86_64 wheels
    "linux-aarch64": "aarch64-unknown-linux-gnu",  # manylinux_2_28 too
    "macos-arm64": "aarch64-apple-darwin",
    "windows-amd64": "x86_64-pc-windows-msvc",
}
# Every minor that requires-python admits (3.11 to 3.14): raising the ceiling there adds one here.
PYTHONS = tuple(python_minors())
# torch 2.14.1's only macOS wheels are for Apple silicon, tagged macosx_14_0_arm64, so the course needs
# macOS 14 or later there; uv targets macOS 13 unless told (see test_a_missing_wheel_fails_the_check).
MACOS = "14.0"
LINUX_ONLY = re.compile(r"nvidia-.*|cuda-.*|triton")
TIMEOUT_S = 300

OFFLINE_SIGNS = ("error sending request", "dns error", "failed to fetch", "connection refused",
                 "could not connect", "network connectivity is disabled", "operation timed out",
                 "tcp connect error", "connect error")


def index_unreachable(detail: str) -> None:
    pytest.fail(
        "\n" + "!" * 100 + "\n"
        "THE PACKAGE INDEX CANNOT BE REACHED: tests/test_platforms.py resolves requirements.txt against\n"
        "it for every platform and cannot check anything offline. This is a failure, not a skip: restore\n"
        "network access to the index (uv's default, or UV_INDEX_URL / UV_DEFAULT_INDEX) and run it again.\n"
        + "!" * 100 + "\n" + detail, pytrace=False)


def uv_binary() -> str:
    try:
        from uv import find_uv_bin
    except ImportError:
        pytest.fail(f"uv is not installed in {sys.prefix}: requirements.txt pins it, run `make setup`")
    return find_uv_bin()


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def lowest_supported(minor: str) -> str:
    """The oldest X.Y.Z of X.Y that requires-python admits (soupsieve 4.1.3 needs 3.11.5, say)."""
    requires = SpecifierSet(project()["requires-python"])
    micro = next(m for m in range(100) if Version(f"{minor}.{m}") in requires)
    return f"{minor}.{micro}"


def uv_compile(requirements: Path, triple: str, python: str, macos: str = MACOS):
    command = [uv_binary(), "pip", "compile", str(requirements), "--python-platform", triple,
               "--python-version", python, "--only-binary", ":all:",
               # The resolution is for the target alone; never fetch an interpreter for it.
               "--python", sys.executable, "--no-python-downloads", "--no-header", "--no-annotate"]
    env = {**os.environ, "MACOSX_DEPLOYMENT_TARGET": macos}
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as timeout:
        index_unreachable(f"`{' '.join(command)}` did not finish in {TIMEOUT_S} s: {timeout.stderr}")
    if result.returncode and any(sign in result.stderr.lower() for sign in OFFLINE_SIGNS):
        index_unreachable(f"`{' '.join(command)}` said:\n{result.stderr}")
    return result


def resolved(stdout: str) -> dict[str, str]:
    pins = {}
    for line in stdout.splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            pins[re.sub(r"[-_.]+", "-", req.name).lower()] = spec.version
    return pins


@functools.cache
def index_problem() -> str | None:
    """Why uv cannot reach the index, or None. The probe refetches uv's page: a cache cannot hide it."""
    probe = Path(tempfile.mkdtemp()) / "probe.txt"
    uv_pin = next(line.split("#")[0].split(";")[0].strip() for line in LOCK.read_text().splitlines()
                  if line.startswith("uv=="))
    probe.write_text(uv_pin + "\n")
    command = [uv_binary(), "pip", "compile", str(probe), "--refresh-package", "uv", "--python",
               sys.executable, "--no-python-downloads", "--no-header", "--no-annotate"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired as timeout:
        return f"`{' '.join(command)}` did not finish in 120 s: {timeout.stderr}"
    finally:
        shutil.rmtree(probe.parent, ignore_errors=True)
    return f"`{' '.join(command)}` said:\n{result.stderr}" if result.returncode else None


def require_index() -> None:
    """Fails the calling test, loudly, when the index cannot be reached (asked once per session)."""
    problem = index_problem()
    if problem:
        index_unreachable(problem)


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_pins_resolve_to_wheels(platform, python):
    require_index()
    full_python = lowest_supported(python)
    result = uv_compile(LOCK, PLATFORMS[platform], full_python)
    assert result.returncode == 0, (
        f"requirements.txt has no complete set of wheels for {platform} on Python {full_python}:\n"
        f"{result.stderr}")
    pins = resolved(result.stdout)
    assert pins["torch"] == "2.14.1" and pins["torchvision"] == "0.29.1"
    linux_only = sorted(name for name in pins if LINUX_ONLY.fullmatch(name))
    if platform.startswith("linux"):
        assert {"triton", "nvidia-cudnn-cu13"} <= set(linux_only), "torch's CUDA build lacks a library"
    else:
        assert not linux_only, f"{platform} would install Linux-only packages: {linux_only}"


@pytest.mark.parametrize("requirement, platform, python, macos, says", [
    # The reported bug: triton has Linux wheels only.
    ("triton==3.8.0", "macos-arm64", "3.12", MACOS, "no wheels with a matching platform tag"),
    # torch 2.14.1's macOS wheels need macOS 14 (macosx_14_0_arm64): hence MACOS.
    ("torch==2.14.1", "macos-arm64", "3.12", "13.0", "no wheels with a matching platform tag"),
    # numpy 1.26.4 has a source archive and wheels up to CPython 3.12, none for 3.13.
    ("numpy==1.26.4", "linux-x86_64", "3.13", MACOS, "numpy==1.26.4 has no usable wheels"),
], ids=["triton-on-macos", "torch-on-macos-13", "numpy-1.26-on-py3.13"])
def test_a_missing_wheel_fails_the_check(tmp_path, requirement, platform, python, macos, says):
    require_index()
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(requirement + "\n")
    result = uv_compile(requirements, PLATFORMS[platform], python, macos=macos)
    assert result.returncode != 0, f"{requirement} resolved for {platform}, Python {python}:\n{result.stdout}"
    assert says in result.stderr, result.stderr


def test_the_first_python_past_the_ceiling_has_no_wheels():
    # The control of requires-python's ceiling: the minor just past it must still fail. When this test
    # fails, the pins have wheels there: raise the ceiling in pyproject.toml, and the test above then
    # covers that Python too.
    require_index()
    ceiling = f"3.{int(PYTHONS[-1].split('.')[1]) + 1}"
    result = uv_compile(LOCK, PLATFORMS["linux-x86_64"], f"{ceiling}.0")
    assert result.returncode != 0, (
        f"requirements.txt now resolves to wheels on Python {ceiling}: raise requires-python's ceiling in "
        f"pyproject.toml to <3.{int(ceiling.split('.')[1]) + 1}")
    assert "no usable wheels" in result.stderr or "no wheels with a matching" in result.stderr, result.stderr
