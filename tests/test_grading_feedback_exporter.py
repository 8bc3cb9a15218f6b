"""The feedback exporter skips nbconvert's BeautifulSoup pass: same page text, and images keep an alt text.

The fixture is one small notebook with code, a printed result and a PNG figure, rendered with
nbconvert's stock ``classic`` template, so that only the exporter's own code differs from
nbconvert's HTMLExporter.
"""

import base64
import re

import nbformat
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter

from tools.grading.feedback_exporter import FIGURE_ALT, FeedbackExporter

# The smallest valid PNG: one transparent pixel.
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")).decode()


def fixture_notebook():
    language = {"name": "python", "pygments_lexer": "ipython3"}
    nb = nbformat.v4.new_notebook(metadata={"language_info": language})
    code = nbformat.v4.new_code_cell("def f(x):\n    return 2 * x\n\nprint(f(21))", execution_count=1)
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    figure = nbformat.v4.new_code_cell("plt.imshow(image)", execution_count=2)
    figure.outputs = [nbformat.v4.new_output("display_data",
                                             data={"image/png": PIXEL, "text/plain": "<Figure>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# A title\n\nSome *text*."), code, figure]
    return nb


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text()).strip()


def test_same_page_text_as_nbconvert_and_images_keep_an_alt_text():
    nb = fixture_notebook()
    ours, _ = FeedbackExporter(template_name="classic").from_notebook_node(nb)
    theirs, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    assert text_of(ours) == text_of(theirs)
    assert "42" in text_of(ours) and "return" in text_of(ours)
    images = BeautifulSoup(ours, "html.parser").find_all("img")
    assert len(images) == 1, "the figure is in the page"
    assert images[0].get("alt") == FIGURE_ALT, "an image without alt text gets one"


def test_an_image_that_has_an_alt_text_keeps_it():
    nb = fixture_notebook()
    nb.cells[2].outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": f'<img alt="the loss curve" src="data:image/png;base64,{PIXEL}">'})]
    html, _ = FeedbackExporter(template_name="classic").from_notebook_node(nb)
    images = BeautifulSoup(html, "html.parser").find_all("img")
    assert [img.get("alt") for img in images] == ["the loss curve"]
