"""A training epoch handed to the course's library: one epoch of cs_utils.training.fit, which runs
this exercise's loop."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.84
ANSWERS = {
    "train_one_epoch": '''
import cs_utils.training

def train_one_epoch(model, loader, optimizer, loss_fn, device):
    history = cs_utils.training.fit(model, loader, epochs=1, optimizer=optimizer, loss_fn=loss_fn,
                                    device=device, progress=False)
    return history["train_loss"][0], history["train_acc"][0]
''',
}
