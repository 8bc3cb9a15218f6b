"""Correct: both loops move their batches with x.to(device).float() and y.to(device).long(), a common habit
for float32 image data (the notebook's data and models are float32)."""

BASED_ON = "written_differently"
EXPECT = "full"
REPLACE = {"train_one_epoch": [("inputs = inputs.to(device)", "inputs = inputs.to(device).float()"),
                               ("targets = targets.to(device)", "targets = targets.to(device).long()")],
           "evaluate_model": [("inputs, targets = inputs.to(device), targets.to(device)",
                               "inputs, targets = inputs.to(device).float(), targets.to(device).long()")]}
