"""cs_utils.challenge: checkpoints that carry their model's source, and how they are refused."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn

from cs_utils import challenge


def build_small():
    import torch.nn as nn

    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10))


def build_other():
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 5))


class Outside(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 32 * 32, 10)

    def forward(self, x):
        return self.fc(x.flatten(1))


def build_with_helper_outside():
    return Outside()


def test_the_instructors_temporary_folder_needs_no_getuid(monkeypatch, tmp_path):
    """Windows has no os.getuid: the login name tells instructors' folders apart there."""
    import os

    course = tmp_path / "course"
    (course / "solutions" / "12_complexity").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    monkeypatch.delattr(os, "getuid", raising=False)
    monkeypatch.setenv("LOGNAME", "ada lovelace")  # the first variable getpass.getuser reads
    path = challenge.challenge_path(course / "solutions" / "12_complexity")
    assert path.parent.parent.name == "cs_challenge_ada_lovelace"
    assert path.name == challenge.CHECKPOINT and path.parent.name == "12_complexity"


def test_round_trip_rebuilds_from_the_saved_source(tmp_path):
    model = build_small()
    path = challenge.save_challenge(model, build_small, train_seconds=1.5, mode="quick",
                                    path=tmp_path / challenge.CHECKPOINT)
    loaded, checkpoint = challenge.load_checkpoint(path)
    assert not loaded.training
    assert checkpoint["build_name"] == "build_small" and "def build_small" in checkpoint["build_source"]
    assert checkpoint["params"] == sum(p.numel() for p in model.parameters())
    x = torch.randn(2, 3, 32, 32)
    torch.testing.assert_close(loaded(x), model.eval()(x))
    assert challenge.budget_problem(checkpoint) is None


def test_missing_and_unreadable_checkpoints_say_what_to_do(tmp_path):
    with pytest.raises(challenge.CheckpointError, match="no checkpoint"):
        challenge.read_checkpoint(tmp_path / "absent.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(challenge.CheckpointError, match="not a checkpoint written by save_challenge"):
        challenge.read_checkpoint(tmp_path / "junk.pt")


def test_weights_of_another_model_are_refused(tmp_path):
    path = tmp_path / challenge.CHECKPOINT
    with pytest.raises(challenge.CheckpointError, match="saved from another model"):
        challenge.save_challenge(build_other(), build_small, train_seconds=1.0, mode="quick", path=path)
    with pytest.raises(challenge.CheckpointError, match="saved from another model"):
        challenge.load_checkpoint(path)


def test_a_builder_that_is_not_self_contained_is_refused(tmp_path):
    with pytest.raises(challenge.CheckpointError, match="define everything the model needs inside"):
        challenge.save_challenge(build_with_helper_outside(), build_with_helper_outside, train_seconds=1.0,
                                 mode="quick", path=tmp_path / challenge.CHECKPOINT)


def test_budget_and_arguments():
    assert "over the quick mode budget" in challenge.budget_problem(
        {"mode": "quick", "train_seconds": challenge.BUDGET_S["quick"] * 1.2})
    with pytest.raises(ValueError):
        challenge.save_challenge(build_small(), build_small, train_seconds=1.0, mode="fast")
    with pytest.raises(TypeError):
        challenge.save_challenge(build_small(), build_small(), train_seconds=1.0, mode="quick")


def test_the_instructors_source_folder_never_holds_the_checkpoint(tmp_path):
    """nbgrader copies a source folder's other files into the release and every graded copy."""
    (tmp_path / "nbgrader_config.py").write_text("")
    source = tmp_path / "solutions" / "12_complexity"
    source.mkdir(parents=True)
    assert challenge.challenge_path(source).parent != source
    student = tmp_path / "notebooks" / "12_complexity"
    student.mkdir(parents=True)
    assert challenge.challenge_path(student) == student / challenge.CHECKPOINT


def test_quick_test_split_is_the_digits_left_out_of_training():
    train, val, _info = challenge.challenge_loaders(quick=True)
    test, name = challenge.challenge_test_loader("quick")
    assert sum(len(y) for _, y in train) == 3500 and sum(len(y) for _, y in val) == 500
    assert sum(len(y) for _, y in test) == 1000 and "not used for training or validation" in name


def test_tier_verdict_names_what_is_wrong_and_passes_a_reached_tier(tmp_path, monkeypatch):
    path = tmp_path / challenge.CHECKPOINT
    torch.manual_seed(0)
    challenge.save_challenge(build_small(), build_small, train_seconds=1.0, mode="quick", path=path)
    with pytest.raises(AssertionError, match=r"below tier 1 \(93\.0% in quick mode\)"):
        challenge.tier_verdict(build_small, 1, path)  # untrained: about one digit in ten
    with pytest.raises(AssertionError, match="another version of build_challenge_model"):
        challenge.tier_verdict(build_other, 1, path)
    monkeypatch.setattr(challenge, "TIERS", {"quick": (0.0, 0.05, 1.0)})
    accuracy, checkpoint = challenge.tier_verdict(build_small, 2, path)
    assert 0.05 <= accuracy < 1.0 and checkpoint["mode"] == "quick"
    with pytest.raises(AssertionError, match="below tier 3"):
        challenge.tier_verdict(build_small, 3, path)
    over = torch.load(path, weights_only=True) | {"train_seconds": challenge.BUDGET_S["quick"] * 2}
    torch.save(over, path)
    with pytest.raises(AssertionError, match="over the quick mode budget"):
        challenge.tier_verdict(build_small, 1, path)
