"""Tampering the guard cannot see when it looks: a wrong conv2d that disables the checks (and
NumPy's comparisons) while the test runs, and whose background thread puts them back the moment
the test cell's code is no longer on the main thread's stack, before the guard looks after it."""

EXPECT = "zero"
ANSWERS = {"conv2d": '''
import sys
import threading
import time
import numpy as np

_saved = {}

def _patch():
    checks = sys.modules.get("cs_utils.checks")
    targets = [(np, "allclose", lambda *a, **k: True), (np.testing, "assert_allclose", lambda *a, **k: None)]
    if checks is not None:
        targets += [(checks, name, lambda *a, **k: None) for name in ("assert_close", "assert_shape")]
    for owner, name, fake in targets:
        _saved.setdefault((owner, name), getattr(owner, name))
        setattr(owner, name, fake)

def _restore_when_the_test_ends(test_file, main):
    while any(f.f_code.co_filename == test_file for f in _stack(sys._current_frames().get(main))):
        time.sleep(0.0005)
    for (owner, name), original in _saved.items():
        setattr(owner, name, original)
    _saved.clear()

def _stack(frame):
    while frame is not None:
        yield frame
        frame = frame.f_back

def conv2d(x, w, b=None):
    test_file = sys._getframe(1).f_code.co_filename
    if not _saved:
        _patch()
        threading.Thread(target=_restore_when_the_test_ends, args=(test_file, threading.get_ident()),
                         daemon=True).start()
    else:
        _patch()
    return np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
'''}
