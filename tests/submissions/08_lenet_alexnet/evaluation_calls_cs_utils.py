"""An evaluation handed to the course's library: evaluate_model returns cs_utils.training.evaluate,
which is this exercise's answer (imported under its own name, as a student who read ahead would)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.84
ANSWERS = {
    "evaluate_model": '''
from cs_utils.training import evaluate

def evaluate_model(model, loader, loss_fn, device):
    return evaluate(model, loader, device)
''',
}
