"""VGG rounds the final map size, round(image_size / 2 ** len(config)), instead of flooring: right for
multiples of 2 ** len(config), one too big when the remainder is at least half."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {"vgg": [("""        side = image_size
        for _ in config:
            side //= 2
""", """        side = round(image_size / 2 ** len(config))
""")]}
