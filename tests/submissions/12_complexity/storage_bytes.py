"""activation_bytes measures each output's storage (output.untyped_storage().nbytes()) instead of its
own elements (output.nbytes, numel * element_size): an output that is a view of a larger tensor (a
slice) counts the whole base tensor."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.96
REPLACE = {"activation_bytes": [("total[0] += output.nbytes",
                                 "total[0] += output.untyped_storage().nbytes()")]}
