"""Takes the bytes per value from the input x (x.element_size()) instead of from each output: wrong as
soon as a layer changes the dtype (a cast to float32 after a float64 layer)."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.96
ANSWERS = {
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    bytes_per_value = x.element_size()
    values = []
    def hook(module, inputs, output):
        values.append(output.numel())
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
    return sum(values) * bytes_per_value
''',
}
