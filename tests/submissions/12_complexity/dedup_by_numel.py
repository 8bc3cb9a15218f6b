"""count_parameters 'counts each tensor once' by de-duplicating sizes, sum(set(p.numel() ...)), so two
distinct tensors of the same size count once."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.96
ANSWERS = {
    "count_parameters": '''
def count_parameters(model, trainable_only=False):
    return sum(set(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only))
''',
}
