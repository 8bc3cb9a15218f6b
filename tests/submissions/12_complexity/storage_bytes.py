"""activation_bytes measures each output's storage (output.untyped_storage().nbytes()) instead of its
own elements (numel * element_size): an output that is a view of a larger tensor (a slice) counts the
whole base tensor."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.96
ANSWERS = {
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    if layer_types is None:
        selected = [m for m in model.modules() if len(list(m.children())) == 0]
    else:
        selected = [m for m in model.modules() if isinstance(m, layer_types)]
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        total += output.untyped_storage().nbytes()

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
