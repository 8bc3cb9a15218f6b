"""Over the time budget: the student trained for 95 s in quick mode (their own loop never looked at
time_budget_s), so the checkpoint, however accurate, scores 0 for the challenge; the rest is
correct."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 0.84


def HANDIN(folder):
    import torch

    path = folder / "challenge_checkpoint.pt"
    checkpoint = torch.load(path, weights_only=True)
    checkpoint["train_seconds"] = 95.0
    torch.save(checkpoint, path)
