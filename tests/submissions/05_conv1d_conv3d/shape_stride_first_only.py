"""Mistake: conv3d_output_shape turns kernel_size into a triple but takes stride and padding tuples' first
entry for every axis (int(stride[0]))."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 30.5 / 32   # loses test_conv3d_output_shape_tuples
ANSWERS = {
    "conv3d_output_shape": '''
def conv3d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    def triple(v):
        if isinstance(v, int):
            return [v, v, v]
        return [int(t) for t in v]

    n, _, d, h, w = input_shape
    sizes = []
    strides, paddings = [triple(stride)[0]] * 3, [triple(padding)[0]] * 3
    for size, k, s, p in zip((d, h, w), triple(kernel_size), strides, paddings):
        q, _ = divmod(size + 2 * p - k, s)
        sizes.append(q + 1)
    return (int(n), int(out_channels), *sizes)
''',
}
