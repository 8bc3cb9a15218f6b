"""Counts model.state_dict(), so BatchNorm's running statistics count as parameters."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.88
ANSWERS = {
    "count_parameters": '''
def count_parameters(model, trainable_only=False):
    if trainable_only:
        return sum(p.numel() for p in model.parameters() if p.requires_grad)
    return sum(t.numel() for t in model.state_dict().values())
''',
}
