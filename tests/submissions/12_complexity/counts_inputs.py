"""activation_bytes sums the modules' inputs (inputs[0]) instead of their outputs."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 13 / 18
ANSWERS = {
    "activation_bytes": '''
import torch
import torch.nn as nn

def activation_bytes(model, x, layer_types=None):
    if layer_types is None:
        selected = [m for m in model.modules() if len(list(m.children())) == 0]
    else:
        selected = [m for m in model.modules() if isinstance(m, layer_types)]
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        total += inputs[0].numel() * inputs[0].element_size()

    handles = []
    try:
        for m in selected:
            handles.append(m.register_forward_hook(hook))
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return int(total)
''',
}
