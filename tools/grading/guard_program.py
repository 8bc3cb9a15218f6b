"""The tampering guard's program: it runs inside the grading kernel, not in the grader.

``GuardedExecute`` (preprocessors/guard.py) sends this file's text to the kernel as a user
expression (which input transformers do not see) with ``ACTION`` (``snapshot`` or ``restore``),
``TOKEN`` and ``get_ipython`` set, and ``__name__`` set to ``__cs_guard__``; the last lines then
leave ``RESULT = TOKEN + ":" + comma-separated names`` for the grader to read.

* ``snapshot``: before any of the student's code, keep the modules that tests compare with
  (builtins, importlib, math, operator, NumPy, torch and their comparison helpers),
  ``torch.Tensor``'s methods, IPython's input and AST transformers and event hooks.
* ``restore``: before every test cell, put back whatever changed since (and ``sys.modules``
  entries, shell methods, custom exception handlers, trace functions); answer the names restored.
* ``after``: after every test cell, the same, and also put back each name the test cell bound in
  the user namespace by an import or ``importlib.reload`` (``BINDINGS``: name, module, attribute
  or None) that no longer holds what it bound. Anything answered here changed *while the test
  ran*: the student's function, called by the test, disabled the checks after the test began.
  The same check also runs *inside* the test cell, as its last statement (``test_ended``, added
  by GuardedExecute to the code it sends), because a patch can be undone between the test's last
  statement and the ``after`` request: by a profile function when the cell's code returns, or by
  an IPython ``post_run_cell`` callback. ``after`` answers what that check found, or
  ``END_MISSING`` when it should have run (the test passed) and did not. And an audit hook, which
  Python code cannot remove, counts the trace and profile functions set (``TRACING_EVENTS``):
  setting one while the test runs is answered as ``TRACING``.
  A library that wraps one of its own functions when a submodule is first imported (torch's
  ``_dynamo`` wraps ``torch.manual_seed``) is not tampering: a new value that wraps the saved one
  (``__wrapped__``) and whose code lies in that library's own files is kept, and becomes the
  saved value. A wrapper written in a notebook cell has its code there, not in the library.
  ``importlib.reload`` (the hidden tests reload the course's helpers) makes new function and
  class objects from the same source: one with the same code, globals and defaults as the saved
  value is kept too (``redefined``).

Only the standard library is used: nothing of the course is importable in the sandbox. Imported
as a module (the unit tests), it only defines the functions.
"""

import importlib
import sys
import types

# The course's helpers that test cells import (their hidden part reloads them); a test checks
# that this list covers every one (tests/test_grading_preprocessors.py).
COURSE_HELPERS = ("cs_utils.checks", "cs_utils.gradcheck", "cs_utils.model_checks",
                  "cs_utils.convnet_reference", "cs_utils.norm_reference", "cs_utils.pool_reference",
                  "cs_utils.challenge", "cs_utils.torchdata")
MODULES = ("builtins", "importlib", "math", "operator", "numpy", "numpy.testing", "numpy.linalg",
           "numpy.random", "numpy.lib.stride_tricks", "torch", "torch.nn.functional", "torch.testing",
           "torch.overrides") + COURSE_HELPERS
SHELL_METHODS = ("run_cell", "run_cell_async", "run_code", "run_ast_nodes", "showtraceback",
                 "transform_cell", "transform_ast", "user_expressions", "ev", "ex", "safe_execfile")
HOOKS = ("pre_execute", "pre_run_cell", "post_execute", "post_run_cell")
# Set anew by importlib.reload; they do not change what the module's functions do.
RELOAD_ATTRIBUTES = ("__spec__", "__loader__", "__cached__")
# Event hooks that libraries add while a notebook runs (matplotlib's inline backend flushes figures).
LIBRARY_HOOKS = ("matplotlib_inline", "matplotlib", "IPython", "ipykernel", "ipywidgets")
# Builtins that IPython and ipykernel replace while a cell runs (and put back after it).
CELL_BUILTINS = ("input", "exit", "quit", "get_ipython")
# Audit events of setting a trace or profile function, from Python or from C (PyEval_SetProfile).
TRACING_EVENTS = frozenset({"sys.settrace", "sys.setprofile", "sys.monitoring.register_callback"})
TRACING = "sys.settrace or sys.setprofile"
END_MISSING = "the check at the end of the test"
KEY_PREFIX = "_cs_grading_guard_"  # + the grader's token: the snapshot's entry in sys.modules


def snapshot(key, shell, modules=MODULES):
    """Keep the state that ``restore`` puts back, in ``sys.modules[key]``; answer no names."""
    state = {"modules": {}, "classes": {}}
    for name in modules:
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        state["modules"][name] = (module, dict(vars(module)))
    torch = sys.modules.get("torch")
    if torch is not None and "torch" in modules:
        state["classes"]["torch.Tensor"] = (torch.Tensor, dict(vars(torch.Tensor)))
    state["shell"] = shell
    state["transformers"] = (list(shell.input_transformers_cleanup), list(shell.input_transformers_post),
                             list(shell.ast_transformers))
    state["hooks"] = {h: list(shell.events.callbacks.get(h, [])) for h in HOOKS}
    guard = types.ModuleType(key)
    guard.state = state
    sys.modules[key] = guard
    return []


def library_folder(module):
    """The folder of the installed package ``module`` belongs to ("" for builtins and the like)."""
    top = sys.modules.get(module.__name__.split(".")[0])
    path = getattr(top, "__file__", None) or ""
    return path.rsplit("/", 1)[0] + "/" if path.endswith("/__init__.py") else ""


def library_wrapper(value, original, folder):
    """Whether ``value`` is the library's own wrapper of ``original`` (see the module's docstring)."""
    code = getattr(value, "__code__", None)
    return (bool(folder) and code is not None and getattr(value, "__wrapped__", None) is original
            and code.co_filename.startswith(folder))


def redefined(value, original, depth=0):
    """Whether ``value`` is ``original``'s definition run again (as importlib.reload does): a
    function with the same code, globals, defaults and closure, a class whose members all are, or
    an equal constant. A replacement with other code is not."""
    if value is original:
        return True
    if depth > 4 or type(value) is not type(original):
        return False
    if isinstance(original, types.FunctionType):
        cells = (value.__closure__ or (), original.__closure__ or ())
        try:
            same_cells = len(cells[0]) == len(cells[1]) and all(
                redefined(a.cell_contents, b.cell_contents, depth + 1) for a, b in zip(*cells))
        except ValueError:  # an empty cell
            same_cells = False
        return (value.__code__ == original.__code__ and value.__globals__ is original.__globals__
                and value.__defaults__ == original.__defaults__
                and value.__kwdefaults__ == original.__kwdefaults__ and same_cells)
    if isinstance(original, type):
        members, saved = vars(value), vars(original)
        return (value.__qualname__ == original.__qualname__ and value.__bases__ == original.__bases__
                and members.keys() == saved.keys()
                and all(redefined(members[k], saved[k], depth + 1) for k in saved
                        if k not in ("__dict__", "__weakref__")))
    if isinstance(original, property):
        return all(redefined(getattr(value, f), getattr(original, f), depth + 1)
                   for f in ("fget", "fset", "fdel"))
    if isinstance(original, (staticmethod, classmethod)):
        return redefined(value.__func__, original.__func__, depth + 1)
    if isinstance(original, (tuple, list)):
        return len(value) == len(original) and all(redefined(a, b, depth + 1)
                                                   for a, b in zip(value, original))
    if isinstance(original, dict):
        return value.keys() == original.keys() and all(redefined(value[k], original[k], depth + 1)
                                                       for k in original)
    return isinstance(original, (int, float, complex, str, bytes, set, frozenset)) and value == original


def rebound(bindings, namespace):
    """Put back each binding (name, module, attribute or None) that the namespace no longer holds
    (the module's value, or its definition run again: the cell may reload the module after importing
    from it); answer the names put back."""
    changed = []
    for name, module_name, attr in bindings:
        module = sys.modules.get(module_name)
        if module is None or (attr is not None and not hasattr(module, attr)):
            continue
        expected = module if attr is None else getattr(module, attr)
        if not redefined(namespace.get(name, rebound), expected):
            namespace[name] = expected
            changed.append(name)
    return changed


def restore(key, in_cell=False):
    """Put back what changed since ``snapshot``; answer the names of what was put back. ``in_cell``:
    called from a cell's code, so the kernel's own ``CELL_BUILTINS`` are left as they are."""
    state = sys.modules[key].state
    changed = []
    for name, (module, saved) in state["modules"].items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            changed.append("sys.modules[%r]" % name)
        current = vars(module)
        folder = library_folder(module)
        for attr, value in saved.items():
            if (name == "builtins" and (attr.startswith("_") or (in_cell and attr in CELL_BUILTINS))
                    or attr in RELOAD_ATTRIBUTES):
                continue  # IPython keeps _, __, ___ there
            new = current.get(attr, restore)
            if new is not value:
                if library_wrapper(new, value, folder) or redefined(new, value):
                    saved[attr] = new
                    continue
                setattr(module, attr, value)
                changed.append(name + "." + attr)
    for name, (cls, saved) in state["classes"].items():
        for attr, value in saved.items():
            if vars(cls).get(attr, restore) is not value and not attr.startswith("__dict"):
                try:
                    setattr(cls, attr, value)
                    changed.append(name + "." + attr)
                except (AttributeError, TypeError):
                    pass
    shell = state["shell"]
    cleanup, post, ast = state["transformers"]
    for current, saved, label in ((shell.input_transformers_cleanup, cleanup, "input transformers"),
                                  (shell.input_transformers_post, post, "input transformers"),
                                  (shell.ast_transformers, ast, "AST transformers")):
        if current != saved:
            current[:] = saved
            changed.append(label)
    for hook, saved in state["hooks"].items():
        current = shell.events.callbacks.get(hook, [])
        kept = [cb for cb in current
                if cb in saved or str(getattr(cb, "__module__", "")).split(".")[0] in LIBRARY_HOOKS]
        kept += [cb for cb in saved if cb not in kept]
        if kept != current:
            shell.events.callbacks[hook] = kept
            changed.append("IPython event " + hook)
    for method in SHELL_METHODS:
        if method in vars(shell):
            delattr(shell, method)
            changed.append("shell." + method)
    if shell.custom_exceptions:
        shell.set_custom_exc((), None)
        changed.append("custom exception handler")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.settrace(None)
        sys.setprofile(None)
        changed.append(TRACING)
    return changed


def watch_tracing(key):
    """Count, in the snapshot's state, every trace or profile function set from now on by code
    other than the running cell's own (``set_by_running_cell``)."""
    state = sys.modules[key].state
    state["tracing"] = 0

    def count(event, args):
        if event in TRACING_EVENTS:
            try:
                caller = sys._getframe(1)  # the Python frame that called settrace (or the C code that did)
            except ValueError:
                caller = None
            if caller is None or not set_by_running_cell(caller):
                state["tracing"] += 1

    sys.addaudithook(count)


def set_by_running_cell(frame):
    """Whether ``frame``'s code belongs to the cell IPython is running: a test's own tracing (notebook
    04's tests count the lines a function runs), not the tracing of a function from another cell
    that the test called."""
    caller = frame.f_code.co_filename
    while frame.f_back is not None:
        parent = frame.f_back
        if parent.f_code.co_name == "run_code" and parent.f_code.co_filename.endswith("interactiveshell.py"):
            return frame.f_code.co_filename == caller
        frame = parent
    return False


def restore_counting_tracing(key, in_cell=False):
    """``restore``, plus ``TRACING`` when a trace or profile function was set since the last call
    (the guard's own calls do not count: the count restarts after them)."""
    state = sys.modules[key].state
    traced = state.get("tracing", 0)
    changed = restore(key, in_cell)
    state["tracing"] = 0
    return changed + [TRACING] if traced and TRACING not in changed else changed


def changed_in_test(key, bindings, namespace, in_cell=False):
    """What the check after a test answers: ``restore_counting_tracing``, and the test's own
    import bindings put back (``rebound``)."""
    names = restore_counting_tracing(key, in_cell)
    return names + ["user namespace " + n for n in rebound(bindings, namespace)]


def test_ended(key, bindings, namespace):
    """The check after a test, run as the last statement of a test cell; its names are kept for
    ``after`` to answer."""
    sys.modules[key].state["ended"] = changed_in_test(key, bindings, namespace, in_cell=True)


if __name__ == "__cs_guard__":  # sent to the kernel by GuardedExecute
    _key = KEY_PREFIX + TOKEN  # noqa: F821 (set by the grader)
    if ACTION == "snapshot":  # noqa: F821
        _names = snapshot(_key, get_ipython())  # noqa: F821
        watch_tracing(_key)
    elif ACTION == "restore":  # noqa: F821
        _names = restore(_key)
        sys.modules[_key].state.update(tracing=0, ended=None)  # the student's own cells may trace
        sys.modules[_key].test_ended = test_ended  # this program's, whatever was put there since
    else:  # after: what the cell's last statement found, and anything changed since
        _ended = sys.modules[_key].state.pop("ended", None)
        _since = changed_in_test(_key, BINDINGS, get_ipython().user_ns)  # noqa: F821
        _names = list(dict.fromkeys((_ended or []) + _since))
        if _ended is None and EXPECT_END:  # noqa: F821
            _names.append(END_MISSING)
    RESULT = TOKEN + ":" + ",".join(_names)  # noqa: F821
