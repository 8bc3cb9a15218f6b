"""AlexNet without the local response normalization layers ("not common anymore", so left out)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {
    "alexnet": [("return F.local_response_norm(h, 5, alpha=5e-4, beta=0.75, k=2.0)", "return h")],
}
