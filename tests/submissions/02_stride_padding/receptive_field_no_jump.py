"""Adds kernel_size - 1 per layer but forgets that earlier strides spread the units apart (the jump)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.95 * 15 + 3) / 18  # as before the 3 question points, which it answers
ANSWERS = {
    "receptive_field": '''
def receptive_field(layers):
    size = 1
    for layer in layers:
        dilation = layer[2] if len(layer) == 3 else 1
        size += dilation * (layer[0] - 1)
    return size
''',
}
