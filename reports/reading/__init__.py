"""Reading a report file into lines, the same for every report type.

- ``lines``: :class:`Line` (text, page, number, and in a PDF font, size, weight and place),
  :class:`Document`, :class:`Furniture` and :class:`ReportError`;
- ``reader``: a PDF's or a text file's bytes to a :class:`Document` (``read_document``);
- ``furniture``: running headers and footers and page numbers, found and taken out;
- ``joining``: lines joined into running text, hyphenated words mended;
- ``report``: the parsed report's dataclasses.

Grammars (``reports.grammars``) read the lines. Nothing here imports Django.
"""

from reports.reading.lines import Document, Furniture, Line, ReportError
from reports.reading.reader import decode_report, read_document, text_from_pdf

__all__ = ["Document", "Furniture", "Line", "ReportError", "decode_report", "read_document", "text_from_pdf"]
