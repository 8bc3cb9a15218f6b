"""Skips the model itself with list(model.modules())[1:], thinking it is always a container: a model
that is one layer (a leaf with no children) is then never counted."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.9
ANSWERS = {
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    layers = list(model.modules())[1:]          # the first one is the model itself
    if layer_types is None:
        chosen = [m for m in layers if not list(m.children())]
    else:
        chosen = [m for m in layers if isinstance(m, layer_types)]
    total = 0
    def hook(module, inputs, output):
        nonlocal total
        total += output.numel() * output.element_size()
    handles = [m.register_forward_hook(hook) for m in chosen]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return total
''',
}
