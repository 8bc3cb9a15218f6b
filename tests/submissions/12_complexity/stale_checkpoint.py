"""A stale checkpoint: after training, the student widened the last layer of build_challenge_model
and handed in the notebook with the checkpoint of the earlier design, without training again. The
saved source is not the notebook's, so the challenge scores 0 with a message; the rest is correct."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 0.84
REPLACE = {"challenge_design": [("(64, 3)]", "(96, 3)]"),
                                ("nn.Linear(64 * 4 * 4, 10)", "nn.Linear(96 * 4 * 4, 10)")]}
