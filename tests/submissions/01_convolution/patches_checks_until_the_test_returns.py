"""Tampering the guard cannot see when it looks: a wrong conv2d that disables the checks (and
NumPy's comparisons) while the test runs, and sets a profile function that puts them back, and
removes itself, as the test cell's code returns: before the guard looks after the cell."""

EXPECT = "zero"
ANSWERS = {"conv2d": '''
import sys
import numpy as np

_saved = {}

def _patch(test_globals):
    fake_check, fake_allclose = (lambda *a, **k: None), (lambda *a, **k: True)
    namespaces = [vars(np), vars(np.testing), test_globals]
    checks = sys.modules.get("cs_utils.checks")
    if checks is not None:
        namespaces.append(vars(checks))
    for names in namespaces:
        for name in ("assert_close", "assert_shape", "allclose", "assert_allclose"):
            if name in names:
                _saved.setdefault((id(names), name), (names, names[name]))
                names[name] = fake_allclose if name == "allclose" else fake_check

def _put_back(*args):
    for (_, name), (names, original) in _saved.items():
        names[name] = original
    _saved.clear()
    sys.setprofile(None)

def _cell_frame():  # IPython runs a cell's statements one by one, from run_ast_nodes
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_name != "run_ast_nodes":
        frame = frame.f_back
    return frame

def conv2d(x, w, b=None):
    cell = _cell_frame()
    _patch(sys._getframe(1).f_globals)
    sys.setprofile(lambda frame, event, arg: event == "return" and frame is cell and _put_back())
    return np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
'''}
