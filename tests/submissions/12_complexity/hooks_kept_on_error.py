"""Removes its hooks after a successful forward pass, but not in a finally block: when model(x) raises, the \
hooks stay on the model and keep firing on every later forward pass."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.95  # loses test_activation_bytes_hygiene, 1 of 18 points
ANSWERS = {
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    sizes = []
    def hook(module, inputs, output):
        sizes.append(output.numel() * output.element_size())
    handles = []
    for m in model.modules():
        leaf = len(list(m.children())) == 0
        if (layer_types is None and leaf) or (layer_types is not None and isinstance(m, layer_types)):
            handles.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return sum(sizes)
''',
}
