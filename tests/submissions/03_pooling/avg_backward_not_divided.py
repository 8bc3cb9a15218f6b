"""avg_pool2d_backward copies dout to the window without dividing by k * k."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"avg_pool2d_backward": [("+= dout / k**2", "+= dout")]}
