"""With layer_types=None hooks every module, containers included, so outputs count twice or more."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.92
ANSWERS = {
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    sizes = []
    def hook(module, inputs, output):
        sizes.append(output.numel() * output.element_size())
    if layer_types is None:
        chosen = list(model.modules())
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
