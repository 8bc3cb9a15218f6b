"""batch_norm keeps CS231n's argument order, def batch_norm(x, gamma, beta, running_mean, running_var, ...),
in place of the given torch order: called as batch_norm(x, running_mean, running_var, gamma, beta, ...), it
scales and shifts with the running statistics and updates gamma and beta as if they were the running ones."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 18 / 27   # loses all 9 batch_norm points
REPLACE = {"batch_norm": [(
    "def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):",
    "def batch_norm(x, gamma, beta, running_mean, running_var, training=False, momentum=0.1, eps=1e-5):",
)]}
