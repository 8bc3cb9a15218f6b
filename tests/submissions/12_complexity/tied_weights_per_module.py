"""count_parameters sums each module's own parameters (m.parameters(recurse=False) over
model.modules()): a weight shared by two layers counts twice."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 16 / 18
ANSWERS = {
    "count_parameters": '''
def count_parameters(model, trainable_only=False):
    total = 0
    for m in model.modules():
        for p in m.parameters(recurse=False):
            if trainable_only and not p.requires_grad:
                continue
            total += p.numel()
    return total
''',
}
