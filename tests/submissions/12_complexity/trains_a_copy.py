"""A checkpoint saved from the wrong model: train_challenge trains a deep copy, so the model that the
training cell saved and the student handed in is the untrained one (the challenge scores 0, the rest
is correct)."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 0.84
REPLACE = {"challenge_design": [
    ("    model.to(device)\n",
     "    import copy\n\n    model = copy.deepcopy(model).to(device)  # keep the original intact\n"),
]}


def HANDIN(folder):
    """What that training cell saves: the freshly built model's weights, trained copy lost."""
    import torch

    from cs_utils.challenge import build_from_source

    path = folder / "challenge_checkpoint.pt"
    checkpoint = torch.load(path, weights_only=True)
    torch.manual_seed(0)
    checkpoint["state_dict"] = build_from_source(checkpoint).state_dict()
    torch.save(checkpoint, path)
