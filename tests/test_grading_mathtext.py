"""Maths in feedback, rendered to HTML text offline (tools/grading/mathtext.py). ``make check``."""

from __future__ import annotations

import json

import pytest

from tools.course import ROOT
from tools.grading.mathtext import latex_to_html, render_markdown_maths


@pytest.mark.parametrize(
    "tex, html",
    [
        (
            r"\text{out} = w^\top x_{\text{patch}} + b",
            "out = <i>w</i><sup>⊤</sup><i>x</i><sub>patch</sub> + <i>b</i>",
        ),
        (r"\frac{N - F + 2P}{S} + 1", "(<i>N</i> − <i>F</i> + 2<i>P</i>)/<i>S</i> + 1"),
        (r"\sum_{i=1}^{N} x_i", "∑<sub><i>i</i> = 1</sub><sup><i>N</i></sup><i>x</i><sub><i>i</i></sub>"),
        (r"\hat{x} \cdot \sqrt{\sigma^2 + \varepsilon}", "<i>x̂</i> · √(σ<sup>2</sup> + ε)"),
        (r"\text{kernel\_size} \times 3", "kernel_size × 3"),
        (
            r"\begin{bmatrix}1&2\\3&4\end{bmatrix}",
            '<span class="cs-matrix-bracket">[</span><table class="cs-matrix"><tr><td>1</td><td>2</td></tr>'
            '<tr><td>3</td><td>4</td></tr></table><span class="cs-matrix-bracket">]</span>',
        ),
        (r"\left\lfloor \frac{n}{2} \right\rfloor", "⌊<i>n</i>/2⌋"),
        (r"a < b", "<i>a</i> &lt; <i>b</i>"),
    ],
)
def test_latex_to_html(tex, html):
    assert latex_to_html(tex) == html


def test_markdown_outside_code_only():
    text = render_markdown_maths("Size $N^2$, code `$x$`, money \\$5 and $5.\n\n```\n$y$\n```\n$$a_1$$")
    assert text.count('class="cs-math"') == 1 and text.count("cs-math-display") == 1
    assert "`$x$`" in text and "\\$5 and $5." in text and "```\n$y$\n```" in text
    assert "_" not in text.split("cs-math-display")[1].split("</span>")[0].replace("&#95;", ""), (
        "no raw Markdown specials inside the HTML"
    )


def test_every_formula_of_the_course_renders_without_dollars_or_backslashes():
    """Each maths span of every released notebook renders: no TeX command left in the HTML text."""
    import re

    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            source = "".join(cell["source"])
            rendered = render_markdown_maths(source)
            for span in re.findall(
                r'<span class="cs-math[^"]*" title="[^"]*">(.*?)</span>(?!<)', rendered, re.S
            ):
                assert "\\" not in span and "$" not in span, (path.name, span)
