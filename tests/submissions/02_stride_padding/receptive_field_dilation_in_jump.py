"""Multiplies the jump by the dilation as well as the stride (jump *= stride * dilation), as if a dilated
layer spread the units of the layers after it too; it only widens its own kernel."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 16 / 18   # loses test_receptive_field, now in its visible part too
ANSWERS = {
    "receptive_field": '''
def receptive_field(layers):
    size, jump = 1, 1
    for layer in layers:
        kernel, stride = layer[0], layer[1]
        dilation = layer[2] if len(layer) > 2 else 1
        size += dilation * (kernel - 1) * jump
        jump *= stride * dilation
    return size
''',
}
