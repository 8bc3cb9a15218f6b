"""Checks on PyTorch models and training loops, used by the test cells of notebooks 08 and 09.

They look at what a model or a loop does (the tensors that reach each layer, the calls it makes),
not at how it is written, so every correct way of writing an exercise passes them. Test cells
reload this module, so a notebook cannot change them.
"""

from __future__ import annotations

import contextlib
from typing import Iterator, Sequence


def linear_calls(model, x):
    """``(model(x), [(input, output) of each nn.Linear, in the order they ran]`` without gradients.

    The tensors are copies: an in-place ReLU after a layer would change its output afterwards.
    """
    import torch
    import torch.nn as nn

    calls = []
    hooks = [m.register_forward_hook(lambda module, args, out: calls.append((args[0].clone(), out.clone())))
             for m in model.modules() if isinstance(m, nn.Linear)]
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return out, calls


def assert_dropout_before(model, x, p: float, dropped: set[int], names: Sequence[str], label: str,
                          rtol: float = 1e-4, atol: float = 1e-6) -> None:
    """In training mode, the inputs of the classifier's nn.Linear layers numbered in ``dropped`` (0 is
    the first to run) are dropped out, and nothing else in the classifier is random.

    ``names`` names the Linear layers for the messages (``("FC6", "FC7", "FC8")``). Dropped out means
    some values are zero and every other value is the undropped one scaled by 1/(1 - p); the
    undropped input is the first layer's input in eval mode, and ReLU of the previous layer's output
    after it. Read from the layers' inputs and outputs, so dropout before or after the ReLU (the
    same values), as a module, as ``F.dropout`` or in place, all pass. BatchNorm layers stay in eval
    mode for the training-mode pass, so that dropout is the only difference between the two passes.
    """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    _, eval_calls = linear_calls(model.eval(), x)
    model.train()
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.eval()
    try:
        out, calls = linear_calls(model, x)
    finally:
        model.train()
    assert len(calls) == len(names), (f"{label} ran {len(calls)} nn.Linear layers in training mode, expected "
                                      f"{len(names)}: {', '.join(names)}")
    assert torch.equal(out, calls[-1][1]), (
        f"{label} in training mode: the class scores are not {names[-1]}'s output. Nothing comes after "
        f"{names[-1]}: no dropout on the scores")
    for i, (name, (got, _)) in enumerate(zip(names, calls)):
        clean = eval_calls[0][0] if i == 0 else F.relu(calls[i - 1][1])
        if i not in dropped:
            assert torch.allclose(got, clean, rtol=rtol, atol=atol), (
                f"{label} in training mode: {name}'s input is not " +
                ("the flattened features" if i == 0 else f"ReLU({names[i - 1]}'s output)") +
                f": there is no dropout before {name}")
            continue
        lost = (got == 0) & (clean != 0)
        assert lost.any(), (f"{label} in training mode: no value of {name}'s input was dropped. Put dropout "
                            f"before {name}")
        # Five standard deviations of a binomial share: a fixed seed never trips it by chance.
        count = int((clean != 0).sum())
        share = float(lost.sum()) / count
        assert abs(share - p) <= 5 * (p * (1 - p) / count) ** 0.5 + 1 / count, (
            f"{label} in training mode: {share:.0%} of {name}'s input was dropped, expected about {p:.0%}: "
            "dropout drops each value with probability p, the dropout argument, and keeps it with 1 - p")
        assert torch.allclose(got[~lost], clean[~lost] / (1 - p), rtol=rtol, atol=atol), (
            f"{label} in training mode: the values of {name}'s input that were not dropped should be scaled "
            f"by 1/(1 - dropout) = {1 / (1 - p):.4g}, as nn.Dropout(dropout) does; is the dropout "
            "probability the constructor's argument?")


@contextlib.contextmanager
def own_loop_only() -> Iterator[None]:
    """While it runs, ``cs_utils.training``'s ``fit`` and ``evaluate`` raise: they are the answer to
    notebook 08's Exercises 4 and 5. Their code is swapped, not the module's names, so a name the
    notebook imported directly (or holds in a default argument) is caught too."""
    import cs_utils.training as training

    def fit(*args, **kwargs):
        raise AssertionError("write the loop yourself: this exercise is what cs_utils.training.fit does "
                             "(it is yours to use from section 7 on)")

    def evaluate(*args, **kwargs):
        raise AssertionError("write the loop yourself: this exercise is what cs_utils.training.evaluate does "
                             "(it is yours to use from section 7 on)")

    originals = [(f, f.__code__, f.__defaults__, f.__kwdefaults__) for f in (training.fit, training.evaluate)]
    try:
        for (f, *_), blocked in zip(originals, (fit, evaluate)):
            f.__code__, f.__defaults__, f.__kwdefaults__ = blocked.__code__, None, None
        yield
    finally:
        for f, code, defaults, kwdefaults in originals:
            f.__code__, f.__defaults__, f.__kwdefaults__ = code, defaults, kwdefaults


# Calls that only read a tensor's metadata: using the unmoved batch for these is harmless.
METADATA_CALLS = {"size", "__len__", "dim", "numel", "nelement", "ndimension", "__get__", "untyped_storage",
                  "data_ptr", "stride", "element_size", "is_contiguous", "get_device"}


def batches_moved(function, model, batches, *args) -> tuple[list[bool], list[bool], list[str]]:
    """Run ``function(model, batches, *args, loss_fn, torch.device("cpu"))`` under ``own_loop_only``;
    return ([whether each model input came out of a move], [the same for each loss target], [the torch
    calls that used a batch tensor after it had been moved]).

    On the CPU ``x.to("cpu")`` is ``x`` itself, so a batch whose moved copy was thrown away (a bare
    ``x.to(device)``) would look moved: while it runs, every ``Tensor.to`` (and ``torch.as_tensor``
    with a device) returns a fresh copy, and the model's forward pre-hook and the loss check that
    they receive one of those copies. A batch tensor that meets another tensor after its move (an
    accuracy against the labels left behind) would fail on a GPU, so those calls are recorded.
    """
    import torch
    import torch.nn as nn
    from torch.overrides import TorchFunctionMode

    class MovesRecorded(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.moved = []
            self.batch = {t.untyped_storage().data_ptr() for batch in batches for t in batch}
            self.left_behind, self.stale_calls, self.brought_back = set(), [], []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            name = getattr(func, "__name__", repr(func))
            if name not in METADATA_CALLS and func is not torch.Tensor.to:
                # Only a call that meets the batch left behind with another tensor (the model's output,
                # a moved copy) mixes devices on a GPU; y.tolist() or y.sum() alone run anywhere.
                given = (*args, *kwargs.values())
                flat = [t for a in given for t in (a if isinstance(a, (list, tuple)) else (a,))]
                tensors = [t for t in flat if isinstance(t, torch.Tensor)]
                left = [t.untyped_storage().data_ptr() in self.left_behind for t in tensors]
                if any(left) and not all(left):
                    self.stale_calls.append(name)
            out = func(*args, **kwargs)
            is_move = func is torch.Tensor.to or (func is torch.as_tensor and "device" in kwargs)
            if is_move and isinstance(out, torch.Tensor) and not isinstance(args[0], nn.Parameter):
                source = args[0].untyped_storage().data_ptr() if isinstance(args[0], torch.Tensor) else None
                if source in self.batch:
                    self.left_behind.add(source)
                out = out.clone()
                self.moved.append(out)
            elif func is torch.Tensor.cpu and isinstance(out, torch.Tensor):
                # Brought back to the host: it may meet the batch left behind (preds.cpu() == y).
                out = out.clone()
                self.brought_back.append(out)
                self.left_behind.add(out.untyped_storage().data_ptr())
            return out

        def holds(self, tensor):
            """Whether tensor is (a view of) a tensor that a .to(...) returned."""
            storage = tensor.untyped_storage().data_ptr()
            return any(storage == m.untyped_storage().data_ptr() for m in self.moved)

    class LossSeeingTargets(nn.CrossEntropyLoss):
        def __init__(self, moves):
            super().__init__()
            self.moves, self.targets_moved = moves, []

        def forward(self, input, target):  # CrossEntropyLoss's own names: a call by keyword works too
            self.targets_moved.append(self.moves.holds(target))
            return super().forward(input, target)

    moves = MovesRecorded()
    loss_fn = LossSeeingTargets(moves)
    inputs_moved = []
    hook = model.register_forward_pre_hook(lambda module, inputs: inputs_moved.append(moves.holds(inputs[0])))
    try:
        with own_loop_only(), moves:
            function(model, batches, *args, loss_fn, torch.device("cpu"))
    finally:
        hook.remove()
    return inputs_moved, loss_fn.targets_moved, moves.stale_calls


def assert_batches_moved(name: str, function, model, batches, *args) -> None:
    """Fail, naming ``name``, unless every batch that ``function`` gives the model and the loss is a
    tensor that ``.to(device)`` returned, and no batch tensor is used after its move (see
    ``batches_moved``)."""
    inputs, targets, stale_calls = batches_moved(function, model, batches, *args)
    assert inputs, f"{name} never called the model it was given"
    assert targets, f"{name} never called the loss_fn it was given: compute each batch's loss with it"
    for what, var, moved in (("the model a batch", "x", inputs), ("the loss labels", "y", targets)):
        assert all(moved), (
            f"{name} passed {what} that {'was' if var == 'x' else 'were'} never moved to `device`: "
            f"{var}.to(device) returns a new tensor and leaves {var} where it was, so assign it "
            f"({var} = {var}.to(device)), every time (the tests run on the CPU, where a batch already is)")
    calls = ", ".join(sorted(set(stale_calls)))
    assert not stale_calls, (
        f"after moving a batch to `device`, {name} still used the tensor left behind ({calls}): on a GPU "
        "that mixes devices and fails; use the moved x and y everywhere, the accuracy included")
