"""Handles padding but ignores the stride when computing the output size."""

EXPECT = "partial"
MAX_FRACTION = 0.6
ANSWERS = {
    "conv2d_flops": '''
def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    (kh, kw), (h, w), (ph, pw) = as_pair(kernel_size), as_pair(input_size), as_pair(padding)
    out_h, out_w = h + 2 * ph - kh + 1, w + 2 * pw - kw + 1
    return 2 * batch_size * out_channels * out_h * out_w * in_channels * kh * kw
''',
    "count_parameters": '''
def count_parameters(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
''',
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    sizes = []
    def hook(module, inputs, output):
        sizes.append(output.numel() * output.element_size())
    if layer_types is None:
        chosen = [m for m in model.modules() if len(list(m.children())) == 0]
    else:
        chosen = [m for m in model.modules() if isinstance(m, layer_types)]
    handles = [m.register_forward_hook(hook) for m in chosen]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return sum(sizes)
''',
}
