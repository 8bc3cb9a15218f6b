"""The course's tools: build, release, export and grade the notebooks (``python -m tools.<name>``)."""

import sys

# jsonschema checks the "iri" string format with rfc3987_syntax when it is installed (jupyter-events
# asks for jsonschema[format-nongpl]), and that module builds a Lark parser when imported: about 2 s
# in every process that imports nbformat (each grading worker, each release, each test process).
# Nothing these tools validate has an IRI format, so they go without that one check.
sys.modules.setdefault("rfc3987_syntax", None)
