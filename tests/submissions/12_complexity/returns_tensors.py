"""count_parameters and activation_bytes return 0-d torch tensors, not ints
(torch.tensor(p.shape).prod() and torch.tensor(o.shape).prod() * element_size): such a tensor compares
equal to the right number, but the contract says int."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 14 / 18
ANSWERS = {
    "count_parameters": '''
import torch

def count_parameters(model, trainable_only=False):
    total = torch.tensor(0)
    for p in model.parameters():
        if trainable_only and not p.requires_grad:
            continue
        total = total + torch.tensor(p.shape).prod()
    return total
''',
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
        total = total + torch.tensor(output.shape).prod() * output.element_size()

    handles = []
    try:
        for m in selected:
            handles.append(m.register_forward_hook(hook))
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return total
''',
}
