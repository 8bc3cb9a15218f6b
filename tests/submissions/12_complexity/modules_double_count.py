"""Sums the parameters of every module in model.modules(), counting nested layers again per container."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.88
ANSWERS = {
    "count_parameters": '''
def count_parameters(model, trainable_only=False):
    total = 0
    for module in model.modules():
        for p in module.parameters():
            if p.requires_grad or not trainable_only:
                total += p.numel()
    return total
''',
}
