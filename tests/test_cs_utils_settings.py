"""cs_utils.settings: every CS_* switch the notebooks read, in one typed object."""

from __future__ import annotations

from pathlib import Path

import pytest

from cs_utils import data, runtime
from cs_utils.settings import ENV_VARS, CourseSettings, course_root, course_settings
from tools.course import ROOT


def test_defaults_without_variables():
    settings = CourseSettings.from_env({})
    assert settings.quick is False and settings.allow_cpu is False
    assert settings.data_dir == ROOT / "data", "one data folder beside notebooks/ in a checkout"


@pytest.mark.parametrize("value, expected",
                         [("1", True), ("yes", True), ("ON", True), ("0", False), ("", False)])
def test_quick_words(value, expected):
    assert CourseSettings.from_env({"CS_QUICK": value}).quick is expected


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("0", False), ("", False)])
def test_allow_cpu_words(value, expected):
    assert CourseSettings.from_env({"CS_ALLOW_CPU": value}).allow_cpu is expected


@pytest.mark.parametrize("quick, allow_cpu", [(True, False), (False, True), (True, True), (False, False)])
def test_round_trip_through_the_environment(tmp_path, quick, allow_cpu):
    settings = CourseSettings(quick=quick, data_dir=tmp_path / "cifar", allow_cpu=allow_cpu)
    env = settings.to_env()
    assert set(env) == set(ENV_VARS.values()) == {"CS_QUICK", "CS_DATA_DIR", "CS_ALLOW_CPU"}
    assert CourseSettings.from_env(env) == settings


def test_every_variable_is_in_the_docstring_table():
    import cs_utils.settings as module

    for field, variable in ENV_VARS.items():
        assert f"| `{variable}`" in module.__doc__ and f"`{field}`" in module.__doc__, variable


def test_read_anew_on_each_call(monkeypatch, tmp_path):
    monkeypatch.setenv("CS_QUICK", "1")
    monkeypatch.setenv("CS_DATA_DIR", str(tmp_path))
    assert runtime.is_quick() and course_settings().data_dir == tmp_path
    monkeypatch.setenv("CS_QUICK", "0")
    assert not runtime.is_quick()


def test_a_relative_data_dir_counts_from_the_course_folder_not_the_notebooks(monkeypatch):
    """Each notebook's kernel starts in its own folder: CS_DATA_DIR=data must still name one folder."""
    seen = set()
    for notebook in ("08_lenet_alexnet", "09_vgg"):
        monkeypatch.chdir(ROOT / "notebooks" / notebook)
        seen.add(CourseSettings.from_env({"CS_DATA_DIR": "shared/cifar"}).data_dir)
    assert seen == {ROOT / "shared" / "cifar"}
    assert CourseSettings.from_env({"CS_DATA_DIR": "~/cifar"}).data_dir == Path.home() / "cifar"


def test_installed_copy_uses_the_notebooks_folder(monkeypatch, tmp_path):
    """Colab installs cs_utils into site-packages: data then goes next to the running notebook."""
    import cs_utils.settings as module

    monkeypatch.setattr(module, "__file__", str(tmp_path / "site-packages" / "cs_utils" / "settings.py"))
    monkeypatch.chdir(tmp_path)
    assert course_root() == tmp_path


def test_cifar_goes_to_the_one_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CS_DATA_DIR", str(tmp_path / "shared-data"))
    with pytest.raises(FileNotFoundError) as err:
        data.load_cifar10()  # offline and not there: the message names where it looked
    assert str(Path(tmp_path / "shared-data").resolve()) in str(err.value)
    assert "CS_QUICK=1" in str(err.value), "the offline message still offers quick mode"
