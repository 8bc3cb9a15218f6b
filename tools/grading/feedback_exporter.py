"""The HTML exporter of the course's feedback (``c.GenerateFeedback.exporter_class``).

Its own class, so that its template is configured for feedback only (``c.FeedbackExporter``): the
formgrader's HTMLExporter keeps nbgrader's ``formgrade`` template. The template
(``templates/cs_feedback``) extends nbgrader's ``feedback`` one: no MathJax from a CDN (the maths
is already text, ``preprocessors/maths.py``), long lines wrap, and each test is listed by its grade id.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "cs_feedback"
IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")
FIGURE_ALT = "A figure from your notebook"


def _formgrader() -> str:
    import nbgrader

    return os.path.join(os.path.dirname(os.path.abspath(nbgrader.__file__)), "server_extensions",
                        "formgrader")


def template_basedirs() -> list[str]:
    """Ours first, then nbgrader's (``feedback``, which ours extends)."""
    return [str(TEMPLATES), os.path.join(_formgrader(), "templates")]


def template_paths() -> list[str]:
    """Where the template finds ``feedback/index.html.j2`` (nbgrader's) and ``bootstrap.min.css``."""
    return [os.path.join(_formgrader(), "templates"),
            os.path.join(_formgrader(), "static", "node_modules", "bootstrap", "dist", "css")]


class FeedbackExporter(HTMLExporter):
    """HTMLExporter for feedback; configured through ``c.FeedbackExporter`` in nbgrader_config.py."""

    def from_notebook_node(self, nb, resources=None, **kw):
        """HTMLExporter's page without its BeautifulSoup pass. That pass parses and re-serialises the
        whole page (about 250 kB, half of it nbgrader's CSS) to give images an alt text and
        JupyterLab's cells a tabindex; this template has no JupyterLab cells, and the alt text is
        added here. It was half of the feedback's cost, about a second per graded notebook."""
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        self.register_filter("highlight_code", highlight)
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                       parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return IMG_WITHOUT_ALT.sub(f'<img alt="{FIGURE_ALT}"', html), resources
