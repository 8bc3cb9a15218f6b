"""fold_batchnorm divides by sqrt(running_var) and forgets eps."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 24.5 / 27   # loses both fold_batchnorm tests (3 points)
REPLACE = {"fold_batchnorm": [("np.sqrt(running_var + eps)", "np.sqrt(running_var)")]}
