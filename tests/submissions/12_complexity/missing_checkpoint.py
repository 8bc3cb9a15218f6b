"""No checkpoint handed in: the student packed the notebook alone (or never ran the training cell),
so there is nothing to evaluate and the challenge scores 0 with a message; every other answer is
correct."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 0.84


def HANDIN(folder):
    (folder / "challenge_checkpoint.pt").unlink()
