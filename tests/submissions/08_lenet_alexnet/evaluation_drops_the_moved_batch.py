"""An evaluation that calls .to(device) without keeping the result, as if it moved the tensors in
place: the model and the loss get the unmoved batch (on a GPU, a device mismatch)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
REPLACE = {"evaluate_model": [("inputs, targets = inputs.to(device), targets.to(device)",
                               "inputs.to(device), targets.to(device)")]}
