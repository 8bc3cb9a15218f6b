"""A broken file: the checkpoint was cut short (an upload that stopped, a copy while it was being
written). The challenge scores 0 with a message saying the file is unreadable; the rest is correct."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 0.84


def HANDIN(folder):
    path = folder / "challenge_checkpoint.pt"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
