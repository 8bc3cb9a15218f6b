"""cs_utils.animation: the sliding-filter animation (notebook 01) and the footprint drawings (notebook 02)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from cs_utils.animation import (  # noqa: E402
    animation_html,
    draw_conv_footprint,
    footprint_grid,
    sliding_filter_animation,
)


def small_example():
    x = np.arange(16.0).reshape(4, 4)
    w = np.array([[1.0, -1.0], [0.0, 2.0]])
    out = np.array([[sum(x[i + a, j + b] * w[a, b] for a in range(2) for b in range(2)) for j in range(3)]
                    for i in range(3)])
    return x, w, out


def test_animation_has_one_frame_per_output_and_moves_the_window():
    x, w, out = small_example()
    animation = sliding_filter_animation(x, w, out, dpi=30)
    assert len(list(animation.new_frame_seq())) == 9
    animation._draw_frame(4)  # output (1, 1): the window's top-left corner is pixel (1, 1)
    window = [p for p in animation._fig.axes[0].patches if isinstance(p, Rectangle)][0]
    assert window.get_xy() == (0.5, 0.5)
    assert "out[1, 1]" in animation._fig.axes[2].get_title()
    assert f"{out[1, 1]:g}" in animation._fig.axes[2].get_title()
    assert animation.to_jshtml().count("data:image/png;base64") == 9


def test_animation_rejects_an_output_of_the_wrong_shape():
    x, w, out = small_example()
    with pytest.raises(ValueError, match="gives"):
        sliding_filter_animation(x, w, out[:2])


def test_animation_html_plays_without_font_awesome():
    x, w, out = small_example()
    html = animation_html(sliding_filter_animation(x, w, out, dpi=20))
    assert "<script" in html and "data:image/png;base64" in html
    assert 'class="fa' not in html, "the player's buttons must not need the Font Awesome font"
    assert "&#x25B6;" in html  # the play button


def tap_squares(ax):
    """Filled tap squares (0.8 wide) that draw_conv_footprint places, as (row, col) in the padded grid."""
    taps = []
    for p in ax.patches:
        if isinstance(p, Rectangle) and abs(p.get_width() - 0.8) < 1e-9 and p.get_fill():
            x, y = p.get_xy()
            if p.get_facecolor()[3] > 0:
                taps.append((int(round(-y - 0.9)), int(round(x - 0.1))))
    return sorted(taps)


@pytest.mark.parametrize("stride, padding, dilation, index, expected_rows", [
    (1, 0, 1, (0, 0), [0, 1, 2]),
    (2, 0, 1, (1, 2), [2, 3, 4]),
    (1, 1, 2, (0, 0), [0, 2, 4]),
    (3, 0, 1, (1, 0), [3, 4, 5]),
])
def test_footprint_marks_the_taps_one_output_reads(stride, padding, dilation, index, expected_rows):
    fig, ax = plt.subplots()
    draw_conv_footprint(ax, 7, 3, stride, padding, dilation, out_index=index, neighbour=False)
    i, j = index
    expected_cols = [r - i * stride + j * stride for r in expected_rows]
    assert tap_squares(ax) == sorted((r, c) for r in expected_rows for c in expected_cols)
    plt.close(fig)


def test_footprint_tints_what_no_output_reads_and_grid_has_one_panel_per_setting():
    fig, ax = plt.subplots()
    draw_conv_footprint(ax, 7, 3, stride=3, out_size=2)
    tinted = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() == 1
              and np.allclose(p.get_facecolor()[:3], matplotlib.colors.to_rgb("#f4c7c3"))]
    assert len(tinted) == 13  # the last row and column of the 7x7 input: 7 + 7 - 1 cells
    plt.close(fig)
    fig = footprint_grid([dict(), dict(stride=2), dict(padding=1, out_size=7)], ["a", "b", "c"], n=7,
                         kernel_size=3, ncols=2)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == ["a", "b", "c"]
    plt.close(fig)
