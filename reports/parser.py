"""The names the parser had before it was split (kept so that callers need not change).

The reader is ``reports.reading`` (file to lines, page furniture, line joining, the report's
dataclasses); the IRP grammar is ``reports.grammars.irp``. No Django here.
"""

from reports.grammars.common import (  # noqa: F401
    ESTABLISHMENT_PREFIXES,
    INSPECTORATE_NAMES,
    KNOWN_ROLES,
    LEAD_INSPECTORATE,
    MONTHS,
    establishment_slug,
    establishment_type,
)
from reports.grammars.irp import parse_document, parse_report  # noqa: F401
from reports.reading.joining import Text  # noqa: F401
from reports.reading.lines import Document, Furniture, Line, ReportError  # noqa: F401
from reports.reading.reader import BULLET_GLYPHS, decode_report, read_document, text_from_pdf  # noqa: F401
from reports.reading.report import (  # noqa: F401
    GlossaryTerm,
    Introduction,
    Paragraph,
    Recommendation,
    Report,
    ScaleLevel,
    StatedCount,
    TeamMember,
)
