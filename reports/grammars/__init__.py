"""One grammar per report type, each reading a list of ``Line`` (text, page, number …).

``report_type(lines)`` tells the types apart from the title line.
"""

from reports.grammars.full_inspection import TITLE as FULL_INSPECTION_TITLE

FULL_INSPECTION = "full-inspection"
REVIEW = "review"


def report_type(text: str) -> str:
    """``FULL_INSPECTION`` when the report's first line is a full inspection's title, else ``REVIEW``
    (whose grammar refuses what is neither)."""
    for raw in text.splitlines():
        if raw.strip():
            return FULL_INSPECTION if FULL_INSPECTION_TITLE.match(raw.strip()) else REVIEW
    return REVIEW
