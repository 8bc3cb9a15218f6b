"""Tampering the guard cannot see when it looks: a wrong conv2d that disables the checks (and
NumPy's comparisons) while the test runs, and registers an IPython post_run_cell callback that puts
them back, and removes itself, as the test cell ends: before the guard looks after the cell."""

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

def _put_back(result=None):
    for (_, name), (names, original) in _saved.items():
        names[name] = original
    _saved.clear()
    get_ipython().events.unregister("post_run_cell", _put_back)

def conv2d(x, w, b=None):
    if not _saved:
        get_ipython().events.register("post_run_cell", _put_back)
    _patch(sys._getframe(1).f_globals)
    return np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
'''}
