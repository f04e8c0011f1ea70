"""One grammar per report type, each reading the lines ``reports.reading`` gives.

``irp`` reads an independent review of progress, ``full_inspection`` a full inspection report.
``common`` holds what report types share (months, inspectorates, roles, establishments). A
grammar never opens a file and imports nothing from Django. ``report_type`` tells the types apart
from the title line.
"""

import re

FULL_INSPECTION = "full-inspection"
REVIEW = "review"
FULL_INSPECTION_TITLE = re.compile(r"^Report on an unannounced inspection of \S.* by HM Chief Inspector of Prisons,")


def report_type(text: str) -> str:
    """``FULL_INSPECTION`` when the report's first line is a full inspection's title, else ``REVIEW``
    (whose grammar refuses what is neither)."""
    for raw in text.splitlines():
        if raw.strip():
            return FULL_INSPECTION if FULL_INSPECTION_TITLE.match(raw.strip()) else REVIEW
    return REVIEW
