"""conv3d_output_shape adds the padding once, (n + P - K) // S + 1, instead of 2P (both ends)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.92
ANSWERS = {
    "conv3d_output_shape": '''
def conv3d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    triple = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v, v)
    N, C, D, H, W = input_shape
    sizes = [(n + p - k) // s + 1 for n, k, s, p in zip((D, H, W), triple(kernel_size), triple(stride), '''
    '''triple(padding))]
    return (N, out_channels, *sizes)
''',
}
