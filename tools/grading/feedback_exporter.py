"""The HTML exporter of the course's feedback (``c.GenerateFeedback.exporter_class``).

Its own class, so that its template is configured for feedback only (``c.FeedbackExporter``): the
formgrader's HTMLExporter keeps nbgrader's ``formgrade`` template. The template
(``templates/cs_feedback``) extends nbgrader's ``feedback`` one: no MathJax from a CDN (the maths
is already text, ``preprocessors/maths.py``), long lines wrap, and each test is listed by its grade id.
"""

from __future__ import annotations

import os
from pathlib import Path

from nbconvert.exporters import HTMLExporter

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "cs_feedback"


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
