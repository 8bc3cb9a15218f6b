"""Assertions used by the notebooks' test cells.

Each failure message says what is wrong in the student's terms: the shape, the dtype, a NaN or inf,
or the worst element with its index and both values. Tests assert; they never just print.
"""

from __future__ import annotations

import builtins
import contextlib
import decimal
import fractions
import math
import sys
from collections.abc import Iterator, Mapping

import numpy as np

# Test cells reload this module, which runs this file again in the module's own namespace: a name
# that a notebook added there and that shadows a builtin (cs_utils.checks.isinstance = ...) would
# survive the reload, so drop it.
for _name in [_name for _name in vars(builtins) if _name in globals() and not _name.startswith("__")]:
    del globals()[_name]


def rel_error(x, y, eps: float = 1e-12) -> float:
    """Largest elementwise relative error ``|x - y| / max(|x| + |y|, eps)`` (the CS231n measure)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(np.abs(x) + np.abs(y), eps)))


def _as_numpy(a):
    """Accept NumPy arrays, Python scalars and torch tensors (detached and moved to the CPU).

    NumPy has no bf16 or float8 dtype: such tensors come back as float32. Subclasses of arrays and
    tensors come back as plain arrays: the checks then do their arithmetic with NumPy's, not with
    methods of the answer's own class (a subclass can redefine ``-``, ``<=`` or ``shape``).
    """
    if isinstance(a, np.ndarray):
        return np.asarray(a)
    if hasattr(a, "detach") and hasattr(a, "cpu"):
        import torch

        with torch._C.DisableTorchFunctionSubclass():
            a = a.detach().cpu()
            a = a.float().numpy() if _without_numpy_dtype(a) else a.numpy()
        return np.asarray(a)
    return a


def _without_numpy_dtype(a) -> str | None:
    """The dtype of tensor ``a`` when NumPy has no dtype like it (bf16, the float8 types), else None."""
    if not hasattr(a, "detach"):
        return None
    import torch

    with torch._C.DisableTorchFunctionSubclass():  # the tensor's own dtype, whatever its class says
        dtype = getattr(a, "dtype", None)
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        return None
    name = str(dtype).removeprefix("torch.")
    return None if name in ("float16", "float32", "float64") else name


def assert_shape(actual, expected_shape, name: str = "output") -> None:
    """Fail with both shapes when ``actual`` is not an array of ``expected_shape``."""
    actual = _as_numpy(actual)
    if actual is None:
        raise AssertionError(f"{name} is None: did the function forget to `return` its result?")
    shape = getattr(actual, "shape", None)
    if shape is None:
        raise AssertionError(f"{name} should be a NumPy array of shape {tuple(expected_shape)}, "
                             f"got a {type(actual).__name__}")
    if tuple(shape) != tuple(expected_shape):
        raise AssertionError(f"{name} has shape {tuple(shape)}, expected {tuple(expected_shape)}")


def assert_finite(actual, name: str = "output") -> None:
    """Fail when ``actual`` holds NaN or inf, naming how many and the first index."""
    actual = np.asarray(_as_numpy(actual))
    bad = ~np.isfinite(actual)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(f"{name} contains {int(bad.sum())} NaN/inf value(s); the first is at "
                             f"index {first} ({actual[first].item()})")


def assert_close(actual, expected, name: str = "output", rtol: float = 1e-7, atol: float = 1e-9,
                 check_dtype: bool = True) -> None:
    """Assert ``actual`` matches ``expected`` in shape, dtype (optional), finiteness and values.

    Values pass when ``|actual - expected| <= atol + rtol * |expected|`` everywhere, as in
    ``np.allclose``. On failure the message gives the worst element, its index and both values.
    A NaN or inf is right only where ``expected`` holds the same one; anywhere else it fails.
    """
    low_precision = _without_numpy_dtype(actual)
    actual = _as_numpy(actual)
    expected = np.asarray(_as_numpy(expected))
    if actual is None:
        raise AssertionError(f"{name} is None: did the function forget to `return` its result?")
    if not isinstance(actual, (np.ndarray, np.generic)):
        if np.ndim(expected) == 0 and isinstance(actual, (int, float, np.number)):
            actual = np.asarray(actual)
        else:
            raise AssertionError(f"{name} should be a NumPy array, got a {type(actual).__name__}")
    assert_shape(actual, expected.shape, name)
    if check_dtype and (low_precision or actual.dtype != expected.dtype):
        raise AssertionError(f"{name} has dtype {low_precision or actual.dtype}, expected {expected.dtype} "
                             f"(an integer array or a float32 cast loses precision)")
    if not np.issubdtype(actual.dtype, np.number) and actual.dtype != np.bool_:
        raise AssertionError(f"{name} has non-numeric dtype {actual.dtype}")
    got, want = actual.astype(np.float64), expected.astype(np.float64)
    # Where expected is NaN or inf the tolerance test below is never failed (NaN > NaN and inf > inf
    # are False), so any value would pass there: there the answer must hold the same NaN or inf.
    special = ~np.isfinite(want)
    unmatched = special & (got != want) & ~(np.isnan(got) & np.isnan(want))
    if unmatched.any():
        where = tuple(int(i) for i in np.argwhere(unmatched)[0])
        raise AssertionError(f"{name} at index {where} is {actual[where].item()!r}, expected "
                             f"{expected[where].item()!r} ({int(unmatched.sum())} such element(s))")
    got, want = np.where(special, 0.0, got), np.where(special, 0.0, want)
    assert_finite(got, name)
    diff = np.abs(got - want)
    allowed = atol + rtol * np.abs(want)
    if np.any(diff > allowed):
        excess = diff - allowed
        worst = np.unravel_index(int(np.argmax(excess)), excess.shape) if excess.ndim else ()
        n_bad = int(np.sum(diff > allowed))
        raise AssertionError(
            f"{name} differs from the expected values at {n_bad} of {diff.size} element(s); "
            f"the worst is at index {tuple(int(i) for i in worst)}: got {actual[worst].item()!r}, "
            f"expected {expected[worst].item()!r} (abs error {diff[worst]:.3g}, rel error "
            f"{rel_error(got, want):.3g}, rtol={rtol:g}, atol={atol:g})")


@contextlib.contextmanager
def explain_failure(hint: str) -> Iterator[None]:
    """Add ``hint`` to an AssertionError raised in the block.

    For a check that a mistake ruled in by the checks before it is the likely cause of: the hint
    names that mistake, where the bare message could only give numbers. ``TorchRefused`` passes
    unchanged, as its message already names the mistake.
    """
    try:
        yield
    except TorchRefused:
        raise
    except AssertionError as err:
        raise AssertionError(f"{err}. {hint}") from None


def assert_close_naming_mistakes(actual, expected, name: str, mistakes: Mapping[str, object],
                                 **tolerances) -> None:
    """``assert_close``, except that an answer equal to what a known mistake gives fails with that
    mistake named.

    mistakes: {hint: what the mistake gives}, the wrong values computed on purpose (by torch with the
    mistake made, or by transposing the expected values). They are looked at only once the answer
    has failed, so a mistake that happens to agree with the right values on some input costs nothing.
    """
    try:
        assert_close(actual, expected, name, **tolerances)
    except TorchRefused:
        raise
    except AssertionError as err:
        for hint, wrong in mistakes.items():
            try:
                assert_close(actual, wrong, name, check_dtype=False, **tolerances)
            except AssertionError:
                continue
            raise AssertionError(f"{err}. {hint}") from None
        raise


@contextlib.contextmanager
def inputs_left_unchanged(function: str, **inputs) -> Iterator[None]:
    """Fail, naming the argument, when the block changes any of ``inputs`` (arrays or tensors) in place.

    Wrap the answer's call in it and check the returned values after the block: an answer that
    writes into its input (``dout *= mask``, ``x -= mean``, ``w.shape = ...``) may return the right
    values, or wrong ones that only look like a precision or formula mistake, while the caller's array
    is what it broke; either way the student should read that it was modified. An error raised in
    the block passes unchanged.
    """
    before = {name: np.array(_as_numpy(value), copy=True) for name, value in inputs.items()}
    yield
    for name, value in inputs.items():
        now, then = np.asarray(_as_numpy(value)), before[name]
        if now.shape != then.shape:
            raise AssertionError(f"{function} changed the shape of its argument {name} from {then.shape} to "
                                 f"{now.shape}: reshape a copy (w.reshape(...)), never the caller's array")
        changed = (now != then) & ~(_nan_mask(now) & _nan_mask(then))
        if changed.any():
            raise AssertionError(f"{function} changed its argument {name} in place ({int(changed.sum())} of "
                                 f"{changed.size} element(s)): the caller still needs it, so write the "
                                 "result into a new array (y = x * mask, not x *= mask)")


def _nan_mask(a: np.ndarray) -> np.ndarray:
    return np.isnan(a) if np.issubdtype(a.dtype, np.inexact) else np.zeros(a.shape, dtype=bool)


def assert_close_on_view(actual, expected, name: str, function: str, **tolerances) -> None:
    """``assert_close`` for the output of ``function`` on a strided view (a transpose, a stepped slice).

    Call it after the same function passed on a fresh array: a failure here then means the answer
    reads memory as if ``x`` were C-contiguous, and the message says so.
    """
    with explain_failure(f"Your {function} is right on a fresh array but wrong on this view: its memory "
                         "layout differs, so byte strides worked out from the shape read the wrong numbers. "
                         "Take them from x.strides, or use numpy.lib.stride_tricks.sliding_window_view"):
        assert_close(actual, expected, name, **tolerances)


def expect_value_error(call, label: str, why: str) -> ValueError:
    """Call ``call()``, which must raise ValueError; return that error.

    Any other exception fails with "raise ValueError as the exercise asks" (an ``assert`` raises
    AssertionError, and a crash further on raises IndexError or the like); a returned value fails
    with ``label``, the value and ``why`` it should have raised. ``TorchRefused`` passes unchanged.
    """
    try:
        got = call()
    except ValueError as err:
        return err
    except TorchRefused:
        raise
    except Exception as err:
        raise AssertionError(f"{label} raised {type(err).__name__} ({err}); raise ValueError as the exercise "
                             "asks (raise ValueError(...), not assert)") from None
    raise AssertionError(f"{label} returned {got!r} instead of raising ValueError: {why}")


def expect_no_value_error(call, label: str, why: str):
    """Return ``call()``; fail with ``label`` and ``why`` it should not when it raises ValueError."""
    try:
        return call()
    except ValueError as err:
        raise AssertionError(f"{label} raised ValueError ({err}), but {why}") from None


def expect_default(call_default, call_explicit, label: str, why: str):
    """Return ``call_default()``, a call that leaves an argument to its default; fail with ``label`` and
    ``why`` when it raises, or returns other values, where ``call_explicit()``, the same call with
    what the default means written out, does not.

    When ``call_explicit()`` fails itself, the default cannot be blamed: ``call_default()``'s result
    or error is passed on as it is, for the test's own checks.
    """
    try:
        explicit = call_explicit()
    except TorchRefused:
        raise
    except Exception:
        return call_default()
    try:
        default = call_default()
    except TorchRefused:
        raise
    except Exception as err:
        raise AssertionError(f"{label} raised {type(err).__name__} ({err}), but not with the default written "
                             f"out: {why}") from None
    try:
        same = np.shape(default) == np.shape(explicit) and np.allclose(default, explicit, rtol=1e-12, atol=0,
                                                                      equal_nan=True)
    except (TypeError, ValueError):
        return default  # not numbers: the test's own checks say what is wrong
    if not same:
        raise AssertionError(f"{label} gives other values than with the default written out: {why}")
    return default


def number_answer(answer, name: str) -> float:
    """A question's numeric answer as a built-in ``float``, printed as recorded; or a failure that says
    how to write it.

    Accepts what a correct calculation gives: an int or float, a NumPy scalar, a one-element NumPy
    array, torch tensor, list or tuple (``np.prod(shape)``, ``torch.tensor(shape).prod()``), a
    ``Fraction`` or a ``Decimal``. Only those exact types, not subclasses or other objects, so that
    no code of the notebook runs while the answer is read: a number whose ``__float__``, ``__eq__``
    or ``detach`` is the student's own cannot change what the grader compares. The test cell then
    compares the returned float, with no call in between that a notebook could redefine.
    """
    value = _plain_number(answer, name)
    if not math.isfinite(value):
        raise AssertionError(f"{name} is {value}; give a finite number")
    print(f"{name} = {value:,.10g} recorded.")
    return value


def _plain_number(answer, name: str) -> float:
    kind = type(answer)
    torch = sys.modules.get("torch")
    if answer is None:
        raise AssertionError(f"{name} is None; set it to a number, such as {name} = 12")
    if kind in (str, bytes):
        raise AssertionError(f"{name} is {answer!r}; give a number, not text (no quotes)")
    if kind in (bool, np.bool_):
        raise AssertionError(f"{name} is {answer!r}; give a number, not True or False")
    if kind in (list, tuple) and len(answer) == 1:
        return _plain_number(answer[0], name)
    if kind in (int, float, fractions.Fraction, decimal.Decimal):
        try:
            return float(answer)
        except OverflowError:
            raise AssertionError(f"{name} is too large for a float; check the calculation") from None
    if kind is np.ndarray or (isinstance(answer, np.generic) and kind.__module__ == "numpy"):
        array = np.asarray(answer)
    elif torch is not None and kind in (torch.Tensor, torch.nn.Parameter):
        if answer.dtype.is_complex or answer.dtype == torch.bool:
            raise AssertionError(f"{name} is a tensor of {answer.dtype}; give a number")
        array = answer.detach().cpu().double().numpy()
    else:
        raise AssertionError(f"{name} is of type {kind.__name__}; give a plain number, such as {name} = 12"
                             f" or {name} = 12.0 (int(...) or float(...) turns most numbers into one)")
    if array.dtype.kind not in "iuf":
        raise AssertionError(f"{name} is an array of {array.dtype}; give a number, such as {name} = 12")
    if array.size != 1:
        raise AssertionError(f"{name} holds {array.size} values (shape {array.shape}); give one number")
    return float(array.reshape(()).item())


def choice_answer(answer, name: str, choices: str = "abcd") -> str:
    """A multiple-choice answer as a built-in lower-case letter, printed as recorded; or a failure that
    says how to write it.

    Spaces, capitals and the option's own punctuation are forgiven (" B ", "(b)", "**b.**" are "b").
    ``str``'s own methods build the result, so a ``str`` subclass that redefines ``strip``, ``lower``
    or ``__eq__`` cannot pass.
    """
    listed = ", ".join(f'"{c}"' for c in choices)
    if not isinstance(answer, str):
        raise AssertionError(f'{name} is {answer!r}; set it to a letter in quotes, such as {name} = "a"')
    choice = str.strip(str.lower(answer), " \t\n()[].*'\"`")
    if len(choice) != 1 or choice not in choices:
        raise AssertionError(f"{name} is {answer!r}; choose one of {listed}")
    print(f"{name} = {choice!r} recorded.")
    return choice


class TorchRefused(AssertionError):
    """Raised by ``numpy_only`` when the block reaches torch."""


@contextlib.contextmanager
def numpy_only(exercise: str = "this function") -> Iterator[None]:
    """Fail any torch call made while the block runs, however the student's code reached torch.

    Test cells wrap the call to a NumPy exercise in it, so an answer that hands the work to
    ``torch.nn.functional`` (the reference the tests compare with) earns nothing. Two guards refuse
    torch: a ``TorchFunctionMode``, which names the Python function called (``conv2d``) and also
    catches functions imported under other names, and under it a ``TorchDispatchMode``, which
    catches every kernel even where ``torch._C.DisableTorchFunction()`` switches the first off.
    Before the block runs, two probes check that torch is still refused, with the function guard
    and without it: an answer cell that replaced the classes the guards are built from fails here
    instead of passing.
    """
    import torch
    from torch.overrides import TorchFunctionMode
    from torch.utils._python_dispatch import TorchDispatchMode

    def refuse(name):
        raise TorchRefused(f"{exercise} called torch ({name}); this exercise must be written in NumPy")

    class _RefuseFunctions(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            refuse(getattr(func, "__name__", repr(func)))

    class _RefuseKernels(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            refuse(func)

    def require_refusal(guard: str, probe) -> None:
        try:
            probe()
        except TorchRefused:
            return
        raise AssertionError(f"the test's NumPy-only guard ({guard}) no longer refuses torch: something in "
                             "the notebook replaced or switched off torch's override machinery; remove it, "
                             "restart the kernel and write the exercise in NumPy")

    tensor = torch.zeros(1)
    with _RefuseKernels(), _RefuseFunctions():
        require_refusal("TorchFunctionMode", lambda: tensor + 1)
        with torch._C.DisableTorchFunction():
            require_refusal("TorchDispatchMode", lambda: tensor + 1)
        yield


def call_torch(fn, *args, **kwargs):
    """Call a torch function on NumPy arguments and return NumPy: the reference in test cells.

    Arrays become tensors without changing dtype (tests pass float64, so the reference is float64);
    other arguments (ints, tuples, None) pass through. Example: ``call_torch(F.conv2d, x, w, b)``.
    """
    import torch

    def to_tensor(a):
        return torch.from_numpy(np.ascontiguousarray(a)) if isinstance(a, np.ndarray) else a

    with torch.no_grad():
        out = fn(*(to_tensor(a) for a in args), **{k: to_tensor(v) for k, v in kwargs.items()})
    if isinstance(out, (tuple, list)):
        return type(out)(o.detach().cpu().numpy() for o in out)
    return out.detach().cpu().numpy()
