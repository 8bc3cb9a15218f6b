"""avg_pool2d_backward copies dout to the window without dividing by k * k."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.9 * 12 + 3) / 15  # as before the 3 question points, which it answers
REPLACE = {"avg_pool2d_backward": [("+= dout / k**2", "+= dout")]}
