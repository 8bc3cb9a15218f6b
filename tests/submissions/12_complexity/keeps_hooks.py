"""Never removes its forward hooks, which keep firing on every later forward pass."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.96
ANSWERS = {
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    sizes = []
    def hook(module, inputs, output):
        sizes.append(output.numel() * output.element_size())
    for m in model.modules():
        leaf = len(list(m.children())) == 0
        if (layer_types is None and leaf) or (layer_types is not None and isinstance(m, layer_types)):
            m.register_forward_hook(hook)
    with torch.no_grad():
        model(x)
    return sum(sizes)
''',
}
