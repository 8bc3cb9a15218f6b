"""How nbgrader's Validate button (and `make check`) run a notebook on your machine.

JupyterLab's Validate reads this file when the server was started in this folder (`make lab`).
The values are the ones the course's grader uses.
"""

c = get_config()  # noqa: F821 (injected by nbgrader)

# Per-cell time limit in seconds; quick-mode cells take seconds, full-mode training longer.
c.Execute.timeout = 300
c.Execute.startup_timeout = 120
c.Execute.iopub_timeout = 60
c.Execute.interrupt_on_timeout = True

# A test cell that writes to stderr fails, even if every assert passed. Grading ignores stderr that
# is only Python warnings (such as a torch UserWarning); `make check` does the same.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\A(?:[^\n]*:\d+: \w*Warning: [^\n]*\n(?:[ \t]+[^\n]*\n)*)+\Z"
