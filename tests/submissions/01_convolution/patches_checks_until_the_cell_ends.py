"""Tampering the guard cannot see when it looks: a wrong conv2d that disables the checks (and
NumPy's comparisons) while the test runs, and registers an IPython post_run_cell callback that puts
them back, and removes itself, as the test cell ends: before the guard looks after the cell."""

EXPECT = "zero"
BASED_ON = "patches_checks_until_the_test_returns"
REPLACE = {"conv2d": [
    ("    sys.setprofile(None)\n", '    get_ipython().events.unregister("post_run_cell", _put_back)\n'),
    ('    sys.setprofile(lambda frame, event, arg: event == "return" and frame is cell and _put_back())\n',
     '    if _put_back not in get_ipython().events.callbacks["post_run_cell"]:\n'
     '        get_ipython().events.register("post_run_cell", _put_back)\n'),
]}
