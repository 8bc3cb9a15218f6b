"""Selects modules with type(m) in layer_types instead of isinstance: a subclass of nn.Conv2d is not
counted when layer_types=(nn.Conv2d,)."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.9
ANSWERS = {
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    if layer_types is None:
        chosen = [m for m in model.modules() if len(list(m.children())) == 0]
    else:
        chosen = [m for m in model.modules() if type(m) in layer_types]
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
