"""The descriptions of the environment agree: pyproject ranges, the lock (requirements.txt), environment.yml.

requirements.txt is one lock for every platform (`make lock`, `uv pip compile --universal`): each line pins
one package exactly, and an environment marker says where a line applies (the CUDA libraries and triton
on Linux only). tests/test_platforms.py checks against the package index that every platform finds wheels.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tools.course import ROOT, python_minors, requires_python

LOCK = ROOT / "requirements.txt"

# The platforms the course supports, as the marker variables that the lock's markers read.
PLATFORMS = {
    "linux-x86_64": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                     "platform_machine": "x86_64"},
    "linux-aarch64": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                      "platform_machine": "aarch64"},
    "macos-arm64": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                    "platform_machine": "arm64"},
    "windows-amd64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                      "platform_machine": "AMD64"},
}
PYTHONS = tuple(python_minors())
# Packages that exist for Linux only (torch's CUDA build): they must never reach macOS or Windows.
LINUX_ONLY = re.compile(r"nvidia-.*|cuda-.*|triton")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    marker: Marker | None
    line: str


def lock() -> list[Pin]:
    pins = []
    for raw in LOCK.read_text().splitlines():
        line = raw.split("#")[0].strip()
        if not line:
            continue
        assert not line.startswith("-"), f"requirements.txt should hold pins only, not options: {raw}"
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"requirements.txt must pin exactly: {raw}"
        pins.append(Pin(canonical(req.name), Version(specs[0].version), req.marker, line))
    return pins


def python_environment(python: str) -> dict[str, str]:
    """Marker variables of a CPython release; `python` is X.Y or X.Y.Z."""
    version = Version(python)
    if len(version.release) == 2:
        version = lowest_supported(python)
    return {"python_version": f"{version.major}.{version.minor}", "python_full_version": str(version),
            "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def applies(pin: Pin, environment: dict[str, str] | None) -> bool:
    return pin.marker is None or pin.marker.evaluate(environment)


def pinned(environment: dict[str, str] | None = None) -> dict[str, Version]:
    """The version of each package that the lock installs in `environment` (default: this interpreter)."""
    pins: dict[str, Version] = {}
    for pin in lock():
        if applies(pin, environment):
            assert pin.name not in pins, (
                f"requirements.txt pins {pin.name} twice for {environment or 'this interpreter'}")
            pins[pin.name] = pin.version
    return pins


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def python_releases(major: int = 3) -> list[Version]:
    """Every CPython version number that could exist, for comparing version ranges."""
    return [Version(f"{major}.{minor}.{micro}") for minor in range(8, 20) for micro in range(40)]


def lowest_supported(minor: str) -> Version:
    """The oldest X.Y.Z of a minor version X.Y that requires-python admits."""
    admitted = [v for v in python_releases() if f"{v.major}.{v.minor}" == minor and v in requires_python()]
    assert admitted, f"requires-python {requires_python()} admits no Python {minor}"
    return admitted[0]


def conda_pip_requirements() -> list[Requirement]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return [Requirement(item) for item in pip_section if not item.startswith("-")]


def conda_python() -> SpecifierSet:
    """environment.yml's python match spec as a version range (conda's `python=3.11` means 3.11.*)."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    spec = next(d for d in env["dependencies"] if isinstance(d, str) and re.match(r"python\b", d))
    spec = spec.removeprefix("python").replace(" ", "")
    if spec.startswith("=") and not spec.startswith("=="):
        return SpecifierSet(f"=={spec[1:]}.*")
    return SpecifierSet(spec)


def test_the_lock_is_uvs_universal_resolution_with_its_recipe_in_the_header():
    header = [line for line in LOCK.read_text().splitlines() if line.startswith("#")]
    text = "\n".join(header)
    assert "make lock" in text and "uv pip compile pyproject.toml --universal" in text, (
        "requirements.txt's header should say how it was made: run `make lock`")
    pins = lock()
    assert len({(p.name, str(p.marker)) for p in pins}) == len(pins), "requirements.txt repeats a line"


def test_every_dependency_is_pinned_once_for_every_platform_within_its_range():
    pins = lock()
    for dep in project()["dependencies"]:
        req = Requirement(dep)
        name = canonical(req.name)
        lines = [p for p in pins if p.name == name]
        assert lines, f"{req.name} is in pyproject.toml but not pinned in requirements.txt"
        # environment.yml mirrors these without markers, so a direct dependency is one line for everyone.
        assert len(lines) == 1 and lines[0].marker is None, (
            f"requirements.txt should pin {req.name} once for every platform: {[p.line for p in lines]}")
        assert lines[0].version in req.specifier, (
            f"requirements.txt pins {req.name}=={lines[0].version}, outside pyproject's range "
            f"{req.specifier}")


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_platform_gets_one_version_of_each_package(platform, python):
    environment = {**PLATFORMS[platform], **python_environment(python)}
    pins = pinned(environment)
    assert {"torch", "torchvision", "numpy"} <= set(pins)
    linux_only = sorted(name for name in pins if LINUX_ONLY.fullmatch(name))
    if platform.startswith("linux"):
        assert "triton" in linux_only and "nvidia-cudnn-cu13" in linux_only
    else:
        assert not linux_only, f"{platform} would install Linux-only packages: {linux_only}"


def test_linux_only_packages_carry_a_linux_marker():
    # The bug this lock fixes: constraints.txt pinned CUDA and triton unconditionally, and macOS and
    # Windows have no wheels of them.
    elsewhere = [{**env, **python_environment(python)} for name, env in PLATFORMS.items()
                 if env["sys_platform"] != "linux" for python in PYTHONS]
    for pin in lock():
        if LINUX_ONLY.fullmatch(pin.name):
            assert pin.marker is not None and not any(applies(pin, env) for env in elsewhere), (
                f"{pin.line} must apply on Linux only")


def test_environment_yml_matches_the_pins():
    unconditional = {p.name: p.version for p in lock() if p.marker is None}
    conda = {canonical(r.name): r for r in conda_pip_requirements()}
    declared = {canonical(Requirement(d).name) for d in project()["dependencies"]}
    assert declared <= set(conda), f"missing from environment.yml: {sorted(declared - set(conda))}"
    for name, req in conda.items():
        (spec,) = req.specifier
        assert spec.operator == "==", f"environment.yml should pin {name} exactly, as requirements.txt does"
        assert name in unconditional and Version(spec.version) == unconditional[name], (
            f"environment.yml has {name}=={spec.version}, requirements.txt has {unconditional.get(name)}")


def test_environment_yml_python_satisfies_requires_python():
    conda = [v for v in python_releases() if v in conda_python()]
    assert conda, f"environment.yml's python ({conda_python()}) matches no Python release"
    outside = [str(v) for v in conda if v not in requires_python()]
    assert not outside, (
        f"environment.yml admits Python {outside[0]}, which requires-python {requires_python()} excludes")


def test_requires_python_admits_no_python_that_a_pin_rejects():
    # Only what is installed here has its metadata at hand; tests/test_platforms.py resolves the rest.
    oldest = next(v for v in python_releases() if v in requires_python())
    for name in pinned():
        try:
            needs = distribution(name).metadata.get("Requires-Python")
        except PackageNotFoundError:
            continue  # test_installed_versions_are_the_pinned_ones reports it
        if needs:
            assert oldest in SpecifierSet(needs), (
                f"{name} needs Python {needs}, but requires-python {requires_python()} admits {oldest}")


def test_torch_pair_is_the_one_installed_from_local_disk():
    # Any other torch pin downloads gigabytes on these machines, and 2.13.0+cpu has no torchvision.
    pins = pinned()
    assert (str(pins["torch"]), str(pins["torchvision"])) == ("2.14.1", "0.29.1")


def test_installed_versions_are_the_pinned_ones():
    assert Version(".".join(map(str, sys.version_info[:3]))) in requires_python()
    for name, version in pinned().items():
        try:
            installed = Version(distribution(name).version)
        except PackageNotFoundError:
            pytest.fail(f"{name}=={version} is pinned for this platform but not installed: run `make setup`")
        assert installed.public == version.public, (
            f"{name} {installed} is installed but {version} is pinned: run `make setup`")
