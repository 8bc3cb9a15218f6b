"""conv_output_size checks the fit with `assert` (AssertionError) instead of raising ValueError."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 15.5 / 18
REPLACE = {"conv_output_size": [
    ('if steps < 0:\n        raise ValueError("filter larger than the padded input")',
     'assert steps >= 0, "filter larger than the padded input"'),
    ('if leftover:\n        raise ValueError(', 'assert not leftover, ('),
]}
