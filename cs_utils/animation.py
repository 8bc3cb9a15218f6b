"""Pictures of a filter sliding over its input: an animation (notebook 01) and footprints (notebook 02).

The helpers only draw. The numbers they show (a convolution's output, an output size) are computed
by the caller, so these functions contain no exercise answers.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

# matplotlib's player draws its buttons with Font Awesome icons, which exported HTML (nbconvert's
# templates) does not load: the buttons came out blank. Plain Unicode symbols need no font file.
_BUTTON_SYMBOLS = {
    "fa fa-minus": "&minus;", "fa fa-fast-backward": "&laquo;", "fa fa-step-backward": "&lsaquo;",
    "fa fa-play fa-flip-horizontal": "&#x25C0;", "fa fa-pause": "||", "fa fa-play": "&#x25B6;",
    "fa fa-step-forward": "&rsaquo;", "fa fa-fast-forward": "&raquo;", "fa fa-plus": "+",
}


def animation_html(animation, default_mode: str = "once") -> str:
    """``animation.to_jshtml()`` with its player buttons drawn as text, so they show without a network.

    The frames are embedded as images, so the result plays offline, in JupyterLab and in exported
    HTML. Notebook 01 shows it with ``IPython.display.HTML``.
    """
    html = animation.to_jshtml(default_mode=default_mode)
    for icon, symbol in _BUTTON_SYMBOLS.items():
        html = html.replace(f'<i class="{icon}"></i>', f'<span style="font-size: 14px">{symbol}</span>')
    return html


def sliding_filter_animation(x: np.ndarray, w: np.ndarray, out: np.ndarray, interval: int = 700,
                             dpi: int = 65, figsize: tuple[float, float] = (6.4, 2.9)):
    """Animate a 2-D filter ``w`` (HH, WW) sliding over a 2-D input ``x`` (H, W) at stride 1.

    ``out`` (H - HH + 1, W - WW + 1) holds the results, computed by the caller; frame k shows the
    window of output k (row-major) on the input and fills in ``out`` up to that position.
    Returns a ``matplotlib.animation.FuncAnimation``; notebook 01 turns it into HTML with
    ``animation_html`` so it plays offline and in exported HTML. The figure is closed, so it is not
    also shown as a still image.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation
    from matplotlib.patches import Rectangle

    x, w, out = np.asarray(x, dtype=float), np.asarray(w, dtype=float), np.asarray(out, dtype=float)
    (H, W), (HH, WW) = x.shape, w.shape
    if out.shape != (H - HH + 1, W - WW + 1):
        raise ValueError(f"out has shape {out.shape}; a {HH}x{WW} filter on a {H}x{W} input at stride 1 "
                         f"gives {(H - HH + 1, W - WW + 1)}")
    fig, (ax_in, ax_w, ax_out) = plt.subplots(1, 3, figsize=figsize, dpi=dpi,
                                              gridspec_kw={"width_ratios": [W, WW + 1, out.shape[1]]})
    ax_in.imshow(x, cmap="Greys", vmin=x.min() - 0.2 * np.ptp(x), vmax=x.max() + 2 * np.ptp(x))
    limit = float(np.abs(w).max()) or 1.0
    ax_w.imshow(w, cmap="RdBu_r", vmin=-2 * limit, vmax=2 * limit)
    for ax, values in ((ax_in, x), (ax_w, w)):
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=11)
    ax_in.set_title(f"input {H}x{W}", fontsize=10)
    ax_w.set_title(f"filter {HH}x{WW}", fontsize=10)
    top = float(np.abs(out).max()) or 1.0
    shown = np.full(out.shape, np.nan)
    out_image = ax_out.imshow(shown, cmap="RdBu_r", vmin=-top, vmax=top)
    ax_out.set_xlim(-0.5, out.shape[1] - 0.5)
    ax_out.set_ylim(out.shape[0] - 0.5, -0.5)
    out_texts = [[ax_out.text(j, i, "", ha="center", va="center", fontsize=11) for j in range(out.shape[1])]
                 for i in range(out.shape[0])]
    window = ax_in.add_patch(Rectangle((-0.5, -0.5), WW, HH, fill=False, edgecolor="C1", lw=3))
    cursor = ax_out.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="C1", lw=3))
    for ax in (ax_in, ax_w, ax_out):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    positions = [(i, j) for i in range(out.shape[0]) for j in range(out.shape[1])]

    def draw(frame):
        i, j = positions[frame]
        window.set_xy((j - 0.5, i - 0.5))
        cursor.set_xy((j - 0.5, i - 0.5))
        shown[:] = np.nan
        for a, b in positions[:frame + 1]:
            shown[a, b] = out[a, b]
            out_texts[a][b].set_text(f"{out[a, b]:g}")
        for a, b in positions[frame + 1:]:
            out_texts[a][b].set_text("")
        out_image.set_data(shown)
        ax_out.set_title(f"output {out.shape[0]}x{out.shape[1]}\nout[{i}, {j}] = {out[i, j]:g}", fontsize=10)
        return [window, cursor, out_image]

    animation = FuncAnimation(fig, draw, frames=len(positions), interval=interval, blit=False)
    plt.close(fig)
    return animation


def draw_conv_footprint(ax, n: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                        out_index: tuple[int, int] = (0, 0), neighbour: bool = True,
                        out_size: int | None = None, title: str | None = None):
    """Draw an n x n input, padded by ``padding`` on every side, and the taps one output reads.

    Output ``out_index = (i, j)`` reads padded rows ``i*stride + dilation*k`` and columns
    ``j*stride + dilation*k`` for k = 0 .. kernel_size - 1 (filled blue squares). With ``neighbour``,
    the taps of output (i, j + 1) are marked with orange dots, to show how far the stride moves the
    filter. Padding cells are grey and hatched. Taps off the padded grid (a filter that does not
    fit) are drawn in red outside it. With ``out_size`` (outputs per axis, from the caller), rows and
    columns that no output reads are tinted red. Used by notebook 02.
    """
    from matplotlib.patches import Rectangle

    size = n + 2 * padding
    last_read = size if out_size is None else (out_size - 1) * stride + dilation * (kernel_size - 1) + 1
    for r in range(size):
        for c in range(size):
            is_pad = not (padding <= r < padding + n and padding <= c < padding + n)
            colour = "0.85" if is_pad else ("#f4c7c3" if max(r, c) >= last_read else "white")
            ax.add_patch(Rectangle((c, -r - 1), 1, 1, facecolor=colour,
                                   edgecolor="0.6", hatch="//" if is_pad else None, lw=0.8))
    offsets = dilation * np.arange(kernel_size)
    i, j = out_index
    for r in i * stride + offsets:
        for c in j * stride + offsets:
            inside = r < size and c < size
            ax.add_patch(Rectangle((c + 0.1, -r - 0.9), 0.8, 0.8, facecolor="C0" if inside else "none",
                                   edgecolor="C0" if inside else "red", lw=1.5, alpha=0.75 if inside else 1,
                                   ls="-" if inside else "--"))
    if neighbour:
        for r in i * stride + offsets:
            for c in (j + 1) * stride + offsets:
                ax.plot(c + 0.5, -r - 0.5, "o", color="C1" if c < size and r < size else "red", ms=4)
    reach = max(size, int(i * stride + offsets[-1] + 1), int((j + int(neighbour)) * stride + offsets[-1] + 1))
    ax.set_xlim(-0.2, reach + 0.2)
    ax.set_ylim(-reach - 0.2, 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def footprint_grid(settings: Sequence[dict], titles: Sequence[str], n: int, kernel_size: int, ncols: int = 3,
                   size: float = 2.4):
    """One ``draw_conv_footprint`` panel per setting (a dict of its keyword arguments); returns the Figure."""
    import matplotlib.pyplot as plt

    nrows = -(-len(settings) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, setting, title in zip(axes.flat, settings, titles):
        draw_conv_footprint(ax, n, kernel_size, title=title, **setting)
    fig.tight_layout()
    return fig
