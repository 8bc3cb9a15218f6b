"""Checks on PyTorch models and training loops, used by the test cells of notebooks 08 to 11.

They look at what a model or a loop does (the tensors that reach each layer, the calls it makes),
not at how it is written, so every correct way of writing an exercise passes them. Test cells
reload this module, so a notebook cannot change them.
"""

from __future__ import annotations

import builtins
import contextlib
import math
from typing import Iterator, Sequence

# Test cells reload this module; a name a notebook added here that shadows a builtin would survive it.
for _name in [_name for _name in vars(builtins) if _name in globals() and not _name.startswith("__")]:
    del globals()[_name]


def layer_calls(model, x, layer_types) -> tuple:
    """``(model(x), [(module, input, output) of each layer of layer_types, in the order they ran])``,
    without gradients.

    Call order, not definition order: ``__init__`` may create the classifier before the features.
    The tensors are copies: an in-place ReLU after a layer would change its output afterwards.
    """
    import torch

    calls = []

    def keep(module, args, out):
        calls.append((module, args[0].clone(), out.clone()))

    hooks = [m.register_forward_hook(keep) for m in model.modules() if isinstance(m, layer_types)]
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return out, calls


def assert_convs_distinct(block, x, num_convs: int, label: str) -> None:
    """Fail with ``label`` when ``block(x)`` runs ``num_convs`` convolutions through fewer distinct
    nn.Conv2d objects: a layer list repeated with ``*`` ([conv, relu] * n) runs one layer, and so one
    set of weights, several times."""
    import torch.nn as nn

    _, calls = layer_calls(block, x, nn.Conv2d)
    distinct = len({id(module) for module, _, _ in calls})
    assert len(calls) != num_convs or distinct == num_convs, (
        f"{label} runs {num_convs} convs but they are only {distinct} distinct nn.Conv2d objects, so some "
        "share their weights: a list repeated with * ([conv, relu] * n) repeats the same layer object; "
        "create a new nn.Conv2d for each conv")


@contextlib.contextmanager
def naming_an_unflattened_input(layer, name: str) -> Iterator[None]:
    """Turn a RuntimeError raised in the block after the Linear ``layer`` (called ``name``) got a pooled
    map that is not (N, C), such as (N, C, 1, 1), into a message that says to flatten it first: torch's
    own "mat1 and mat2 shapes cannot be multiplied" names neither the layer nor the fix."""
    dims = []
    hook = layer.register_forward_pre_hook(lambda module, args: dims.append(args[0].dim()))
    try:
        yield
    except RuntimeError as err:
        if dims and dims[-1] != 2:
            raise AssertionError(f"{name} got a {dims[-1]}-d input and failed ({err}): flatten the "
                                 f"pooled map to (N, C) with torch.flatten(x, 1) before dropout and {name}"
                                 ) from None
        raise
    finally:
        hook.remove()


@contextlib.contextmanager
def naming_a_prediction_per_class(name: str, num_classes: int) -> Iterator[None]:
    """Turn torch's "size of tensor a must match" error, raised in ``name`` where one side had
    ``num_classes`` values, into a message that names the arg-max's dimension: ``scores.argmax(dim=0)``
    gives one value per class, not one per sample, so comparing it with the labels fails with an
    error that names neither the cause nor the fix."""
    import re

    try:
        yield
    except RuntimeError as err:
        found = re.search(r"tensor a \((\d+)\) must match the size of tensor b \((\d+)\)", str(err))
        if not found or num_classes not in (int(found[1]), int(found[2])):
            raise
        raise AssertionError(f"{name} failed ({err}): the predictions had one value per class "
                             f"({num_classes}) instead of one per sample. Take the predicted class over the "
                             "classes, scores.argmax(dim=1); dim 0 runs over the batch's samples") from None


def residual_block_output(block, x, label: str, stride: int | None = None):
    """``block(x)`` without gradients, for a residual block; fails with ``label`` and the cause when
    the block changes ``x`` or cannot add its shortcut to its branch.

    An in-place add onto an identity shortcut writes into the caller's ``x``. A shortcut that keeps
    the input's shape where the stride or the channels change, or a branch whose 3x3 convolution has
    no padding, makes the addition fail with torch's "size of tensor a must match" error, which names
    neither the cause nor the fix. Given the block's ``stride``, a height or width mismatch is blamed
    on the side whose size is not ``(n - 1) // stride + 1``.
    """
    import re

    import torch

    x_before = x.clone()
    try:
        with torch.no_grad():
            out = block(x)
    except RuntimeError as err:
        found = re.search(r"tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton "
                          r"dimension (-?\d+)", str(err))
        if not found:
            raise
        sizes, dim = {int(found[1]), int(found[2])}, int(found[3]) % x.dim()
        shortcut_fix = ("the shortcut must change the shape the same way: a 1x1 convolution with that stride "
                        "to the output channels, then a BatchNorm")
        if dim == 1:
            cause = f"they differ in channels. When the number of channels changes, {shortcut_fix}"
        elif stride not in (None, 1) and (x.shape[dim] - 1) // stride + 1 in sizes and x.shape[dim] in sizes:
            cause = (f"the shortcut keeps the input's size where the stride {stride} changes it: "
                     f"{shortcut_fix}")
        elif stride is not None and (x.shape[dim] - 1) // stride + 1 in sizes:
            cause = ("the branch changes the height or width by more than the stride: every 3x3 convolution "
                     "needs padding=1, so that only the stride shrinks the map")
        else:
            cause = ("they differ in height or width: every 3x3 convolution needs padding=1, so that only "
                     f"the stride shrinks the map, and when the stride is not 1 {shortcut_fix}")
        raise AssertionError(f"{label}: the branch and the shortcut have different shapes, so adding them "
                             f"failed ({err}): {cause}") from None
    if not torch.equal(x, x_before):
        raise AssertionError(f"x after {label}: the block must not modify its input (an in-place add onto "
                             "the identity shortcut writes into the caller's x, and autograd refuses it in "
                             "training)")
    return out


def linear_calls(model, x):
    """``(model(x), [(input, output) of each nn.Linear, in the order they ran]``; see ``layer_calls``."""
    import torch.nn as nn

    out, calls = layer_calls(model, x, nn.Linear)
    return out, [(given, result) for _, given, result in calls]


def assert_dropout_before(model, x, p: float, dropped: set[int], names: Sequence[str], label: str,
                          rtol: float = 1e-4, atol: float = 1e-6) -> None:
    """In training mode, the inputs of the classifier's nn.Linear layers numbered in ``dropped`` (0 is
    the first to run) are dropped out, and nothing else in the classifier is random.

    ``names`` names the Linear layers for the messages (``("FC6", "FC7", "FC8")``). Dropped out means
    some values are zero and every other value is the undropped one scaled by 1/(1 - p); the
    undropped input is the first layer's input in eval mode, and ReLU of the previous layer's output
    after it. Read from the layers' inputs and outputs, so dropout before or after the ReLU (the
    same values), as a module, as ``F.dropout`` or in place, all pass; dropout that stays on in eval mode
    fails. BatchNorm layers stay in eval mode for the training-mode pass, so that dropout is the only
    difference between the two passes.
    Channel dropout (nn.Dropout2d before the flatten) fails: it drops neighbouring values together.
    """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    _, eval_calls = linear_calls(model.eval(), x)
    _, again = linear_calls(model, x)
    for name, (first, _), (second, _) in zip(names, eval_calls, again):
        assert torch.equal(first, second), (
            f"{label} in eval mode: {name}'s input differs between two passes over the same x, so dropout is "
            "still on in eval mode. F.dropout drops whatever the mode unless told training=self.training; "
            "nn.Dropout follows model.eval() by itself")
    model.train()
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.eval()
    try:
        out, calls = linear_calls(model, x)
    finally:
        model.train()
    assert torch.is_tensor(out), (f"{label} returned a {type(out).__name__} in training mode; expected one "
                                  "tensor of class scores")
    assert len(calls) == len(names), (f"{label} ran {len(calls)} nn.Linear layers in training mode, expected "
                                      f"{len(names)}: {', '.join(names)}")
    assert torch.equal(out, calls[-1][1]), (
        f"{label} in training mode: the class scores are not {names[-1]}'s output. Nothing comes after "
        f"{names[-1]}: no dropout on the scores")
    for i, (name, (got, _)) in enumerate(zip(names, calls)):
        clean = eval_calls[0][0] if i == 0 else F.relu(calls[i - 1][1])
        if i not in dropped:
            if torch.allclose(got, clean, rtol=rtol, atol=atol):
                continue
            where = ("the flattened features (its input in eval mode)" if i == 0
                     else f"ReLU({names[i - 1]}'s output)")
            belongs = " and ".join(names[j] for j in sorted(dropped))
            zeroed = (got == 0) & (clean != 0)
            kept = ~zeroed & (clean != 0)
            ratio = got[kept] / clean[kept]
            one_scale = torch.allclose(ratio, ratio.flatten()[:1].expand_as(ratio), rtol=rtol, atol=atol)
            # Zeros where the clean input has none, the rest scaled by one factor: dropout before this layer.
            if zeroed.any() and one_scale:
                raise AssertionError(
                    f"{label} in training mode: {name}'s input was dropped out (some values zeroed, the rest "
                    f"scaled), but there must be no dropout before {name}" +
                    (f": dropout belongs only before {belongs}" if belongs else ""))
            raise AssertionError(f"{label} in training mode: {name}'s input is not {where}")
        lost = (got == 0) & (clean != 0)
        assert lost.any(), (f"{label} in training mode: no value of {name}'s input was dropped. Put dropout "
                            f"before {name}")
        # Element-wise dropout decides each value alone. nn.Dropout2d before the flatten drops whole
        # channels, so neighbouring values share their fate far more often than chance allows. The
        # pairs overlap, which at most doubles the variance of the share that agrees.
        both = (clean[..., 1:] != 0) & (clean[..., :-1] != 0)
        pairs = int(both.sum())
        if pairs:
            agree = float(((lost[..., 1:] == lost[..., :-1]) & both).sum()) / pairs
            chance = p * p + (1 - p) * (1 - p)
            assert agree <= chance + 6 * (2 * chance * (1 - chance) / pairs) ** 0.5 + 2 / pairs, (
                f"{label} in training mode: {name}'s input is dropped in blocks of neighbouring values "
                "(whole channels, as nn.Dropout2d does), not value by value: the classifier's dropout is "
                "nn.Dropout")
        # nn.Dropout1d on an (N, features) input drops whole samples. A row of m values is all
        # dropped or all kept by chance with probability p^m + (1 - p)^m; every row at once, rarely.
        kept_values = (clean != 0).reshape(-1, clean.shape[-1]).sum(1)
        dropped_values = lost.reshape(-1, clean.shape[-1]).sum(1)
        rows = kept_values > 0
        uniform = bool(((dropped_values == 0) | (dropped_values == kept_values))[rows].all())
        log_chance = 0.0
        for m in kept_values[rows].tolist():  # log(p^m + (1 - p)^m), without underflow for large m
            drop_all, keep_all = m * math.log(p), m * math.log(1 - p)
            log_chance += max(drop_all, keep_all) + math.log1p(math.exp(-abs(drop_all - keep_all)))
        assert not (uniform and log_chance < math.log(1e-6)), (
            f"{label} in training mode: each sample's {name} input is dropped whole or kept whole (as "
            "nn.Dropout1d does to an (N, features) input), not value by value: the classifier's dropout "
            "is nn.Dropout")
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


def float64_input():
    """A first layer for the loop tests' models: it casts the batch to float64. The tests' batches hold
    float32 values stored in float64, so a loop that casts its batches to float32 (``x.float()``, as
    the notebook's float32 data allows) loses nothing, and the model still computes in float64."""
    import torch.nn as nn

    class InFloat64(nn.Module):
        def forward(self, x):
            return x.double()

    return InFloat64()


class Batches(list):
    """The loader that the loop tests pass: a list of (x, y) batches, whose ``dataset`` says why it has
    none. The exercises take any iterable of batches (a DataLoader, ``itertools.islice`` of one, the
    GPU-resident loader), so a loop counts the samples it sees instead of reading ``len(loader.dataset)``.
    """

    @property
    def dataset(self):
        raise AttributeError("the tests pass the loader as a list of (x, y) batches, and a loader may be any "
                             "iterable of batches (itertools.islice of a DataLoader has no .dataset either): "
                             "count the samples as you go, adding len(y) for each batch")


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


# The device that the loop checks hand to a loop: the CPU under another name. Tensors moved to it are
# "on the device"; the batches as given, and whatever .cpu() returns, are "on the host".
SIMULATED_DEVICE = "cpu:0"
# Calls that take tensors on both sides on a real GPU too: a copy across devices.
CROSS_DEVICE_CALLS = {"copy_", "__setitem__", "to", "type_as"}
INPLACE_OPERATORS = {f"__i{op}__" for op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
                                              "and", "or", "xor", "lshift", "rshift")}


def _tensors(values):
    for value in values:
        if isinstance(value, (list, tuple)):
            yield from _tensors(value)
        elif hasattr(value, "untyped_storage"):  # a tensor, without importing torch at module level
            yield value


def batches_moved(function, model, batches, *args) -> tuple[list[bool], list[bool], list[str]]:
    """Run ``function(model, batches, *args, loss_fn, device)`` under ``own_loop_only`` as though
    ``device`` were a GPU; return ([whether each model input was on the device], [the same for each
    loss target], [the torch calls that would fail on a GPU]).

    The tests run on the CPU, where a batch already is, so a move that is thrown away (a bare
    ``x.to(device)``) or an accuracy against the labels left behind would pass unnoticed. Here every
    tensor has a place: the batches are on the host, the model's parameters on the device, a move
    (``.to(device)``, ``torch.as_tensor(..., device=device)``, ``.to(other.device)``) or ``.cpu()``
    puts its result where it says, and any other result is where its inputs are. ``device`` is the
    CPU named ``cpu:0``, and ``.device`` answers the simulated place, so ``y.to(out.device)`` works.
    A call that would fail on a GPU is recorded: one that meets a host tensor (other than a 0-d one
    read as an input, which torch allows) or a NumPy array with a device tensor, and ``.numpy()`` of
    a device tensor. One limit: ``device.type`` is "cpu", so a loop that moves only when it is
    "cuda" looks like one that never moves.
    """
    import numpy as np
    import torch
    import torch.nn as nn
    from torch.overrides import TorchFunctionMode

    device = torch.device(SIMULATED_DEVICE)
    host = torch.device("cpu")
    get_device = torch._C.TensorBase.__dict__["device"]

    def place(tensor):
        return getattr(tensor, "_cs_place", None)

    def mark(tensor, where):
        tensor._cs_place = where
        return tensor

    class SimulatedGPU(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.failing_calls = []

        def target(self, func, args, kwargs):
            """Where a move sends its result: a torch.device, or None when it is not a move."""
            if func is torch.Tensor.cpu:
                return host
            if func is torch.Tensor.to:
                others = [a for a in (*args[1:], kwargs.get("other")) if isinstance(a, torch.Tensor)]
                if others:
                    return device if place(others[0]) == "device" else host
                options = {k: v for k, v in kwargs.items() if k != "copy"}
                to_device = torch._C._nn._parse_to(*args[1:], **options)[0]
                return None if to_device is None else torch.device(to_device)
            if func is torch.Tensor.type_as:  # x.type_as(weight) moves x to the weight's device
                return device if place(args[1]) == "device" else host
            if func is torch.Tensor.type:  # y.type(torch.LongTensor) is a move to the CPU
                kind = args[1] if len(args) > 1 else kwargs.get("dtype")
                if kind is None or isinstance(kind, torch.dtype):
                    return None
                return device if "cuda" in str(kind) else host
            if kwargs.get("device") is not None:
                return torch.device(kwargs["device"])
            if func is torch.tensor:  # built on the CPU from a list, even one of GPU numbers
                data = args[0] if args else kwargs.get("data")
                return device if isinstance(data, torch.Tensor) and place(data) == "device" else host
            return None

        def failure(self, name, args, kwargs, given, places):
            """The name to record when this call would fail on a GPU, else None."""
            if name in ("numpy", "__array__"):
                on_device = places[:1] == ["device"] and not kwargs.get("force")
                return "numpy, without .cpu()" if on_device else None
            if "device" not in places or name in CROSS_DEVICE_CALLS:
                return None
            if name == "__getitem__" and places[0] == "device":
                return None  # indices on the CPU may index a GPU tensor
            # A 0-d CPU tensor may join a GPU operation as an input (torch allows it), not as the
            # tensor written in place (hits += ...); a NumPy array becomes a CPU tensor (preds == y).
            written = args and places[0] == "host" and (name in INPLACE_OPERATORS or (
                name.endswith("_") and not name.startswith("_")))
            arrays = name.startswith("__") and any(isinstance(a, np.ndarray) and a.ndim for a in args[1:])
            if written or arrays or any(p == "host" and t.dim() > 0 for t, p in zip(given, places)):
                return name
            return None

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            name = getattr(func, "__name__", repr(func))
            if name == "__get__" and getattr(func, "__self__", None) is get_device:
                return device if place(args[0]) == "device" else host
            given = list(_tensors((*args, *kwargs.values())))
            places = [place(t) for t in given]
            failing = self.failure(name, args, kwargs, given, places)
            if failing:
                self.failing_calls.append(failing)
            out = func(*args, **kwargs)
            moved_to = self.target(func, args, kwargs)
            if moved_to is not None:
                where = "device" if moved_to == device else "host"
            elif "device" in places:
                where = "device"
            elif "host" in places or not given:  # a new tensor without a device is on the host
                where = "host"
            else:
                return out
            outputs = out if isinstance(out, (list, tuple)) else (out,)
            for result in outputs:
                if not isinstance(result, torch.Tensor) or place(result) == where:
                    continue
                if any(result is t for t in given):
                    if moved_to is None:  # in place: the tensor stays where it was
                        continue
                    # A move that returned its input: give the copy the new place, not the batch.
                    result = result.clone()
                    out = result
                mark(result, where)
            return out

    class LossSeeingTargets(nn.CrossEntropyLoss):
        def __init__(self):
            super().__init__()
            self.targets_moved = []

        def forward(self, input, target):  # CrossEntropyLoss's own names: a call by keyword works too
            # On the device, or wherever the scores are (an evaluation may gather both on the host).
            self.targets_moved.append(place(target) in ("device", place(input) or "device"))
            return super().forward(input, target)

    placed = [mark(t, "host") for batch in batches for t in batch]
    placed += [mark(t, "device") for t in (*model.parameters(), *model.buffers())]
    loss_fn = LossSeeingTargets()
    inputs_moved = []

    def record_input(module, args, kwargs):  # model(x) or model(input=x)
        first = args[0] if args else next(iter(kwargs.values()), None)
        inputs_moved.append(place(first) == "device")

    hook = model.register_forward_pre_hook(record_input, with_kwargs=True)
    gpu = SimulatedGPU()
    try:
        with own_loop_only(), gpu:
            function(model, Batches(batches), *args, loss_fn, device)
    finally:
        hook.remove()
        for tensor in (*placed, *model.parameters(), *model.buffers()):  # model.to(device) made new buffers
            tensor.__dict__.pop("_cs_place", None)
    return inputs_moved, loss_fn.targets_moved, gpu.failing_calls


def assert_batches_moved(name: str, function, model, batches, *args) -> None:
    """Fail, naming ``name``, unless every batch that ``function`` gives the model and the loss is a
    tensor that ``.to(device)`` returned, and no batch tensor is used after its move (see
    ``batches_moved``)."""
    inputs, targets, failing_calls = batches_moved(function, model, batches, *args)
    assert inputs, f"{name} never called the model it was given"
    assert targets, f"{name} never called the loss_fn it was given: compute each batch's loss with it"
    for what, var, moved in (("the model a batch", "x", inputs), ("the loss labels", "y", targets)):
        assert all(moved), (
            f"{name} passed {what} that {'was' if var == 'x' else 'were'} not on `device`: "
            f"{var}.to(device) returns a new tensor and leaves {var} where it was, so assign it "
            f"({var} = {var}.to(device)), every time (the tests run on the CPU, where a batch already is)")
    calls = ", ".join(sorted(set(failing_calls)))
    assert not failing_calls, (
        f"{name} would fail on a GPU: it used a tensor left on the host together with one on `device` "
        f"({calls}). Use the moved x and y everywhere, the accuracy included, and bring a tensor back "
        "with .cpu() before .numpy()")
