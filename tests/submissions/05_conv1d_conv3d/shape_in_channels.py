"""conv3d_output_shape puts the input's channel count C where out_channels belongs: D, H and W are right,
the channel entry is not."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 29 / 32   # loses both conv3d_output_shape tests
REPLACE = {"conv3d_output_shape": [("int(out_channels)", "int(input_shape[1])")]}
