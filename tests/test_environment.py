"""The three descriptions of the environment agree: pyproject ranges, exact pins, environment.yml."""

from __future__ import annotations

import re
import sys
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tools.course import ROOT


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"constraints.txt must pin exactly: {line}"
            pins[canonical(req.name)] = Version(spec.version)
    return pins


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def conda_pip_requirements() -> list[Requirement]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return [Requirement(item) for item in pip_section if not item.startswith("-")]


def test_every_dependency_is_pinned_within_its_range():
    pins = pinned()
    for dep in project()["dependencies"]:
        req = Requirement(dep)
        name = canonical(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not pinned in constraints.txt"
        assert pins[name] in req.specifier, (
            f"constraints.txt pins {req.name}=={pins[name]}, outside pyproject's range {req.specifier}")


def test_environment_yml_matches_the_pins():
    pins = pinned()
    conda = {canonical(r.name): r for r in conda_pip_requirements()}
    declared = {canonical(Requirement(d).name) for d in project()["dependencies"]}
    assert declared <= set(conda), f"missing from environment.yml: {sorted(declared - set(conda))}"
    for name, req in conda.items():
        (spec,) = req.specifier
        assert spec.operator == "==", f"environment.yml should pin {name} exactly, as constraints.txt does"
        assert name in pins and Version(spec.version) == pins[name], (
            f"environment.yml has {name}=={spec.version}, constraints.txt has {pins.get(name)}")


def test_environment_yml_python_satisfies_requires_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert Version(python.split("=", 1)[1]) in SpecifierSet(project()["requires-python"])


def test_torch_pair_is_the_one_installed_from_local_disk():
    # Any other torch pin downloads gigabytes on these machines, and 2.13.0+cpu has no torchvision.
    pins = pinned()
    assert (str(pins["torch"]), str(pins["torchvision"])) == ("2.14.1", "0.29.1")


def test_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    pins = pinned()
    for dep in project()["dependencies"]:
        name = canonical(Requirement(dep).name)
        installed = Version(version(name))
        assert installed.public == pins[name].public, (
            f"{name} {installed} is installed but {pins[name]} is pinned: run `make setup`")
    assert sys.version_info >= (3, 10)
