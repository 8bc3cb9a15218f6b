"""activation_bytes takes 'container' to mean nn.Sequential: with layer_types=None it hooks
every module that is not an nn.Sequential, so custom modules with children count too."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 16 / 18
ANSWERS = {
    "activation_bytes": '''
import torch
import torch.nn as nn

def activation_bytes(model, x, layer_types=None):
    if layer_types is None:
        selected = [m for m in model.modules() if not isinstance(m, nn.Sequential)]
    else:
        selected = [m for m in model.modules() if isinstance(m, layer_types)]
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        total += output.numel() * output.element_size()

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
