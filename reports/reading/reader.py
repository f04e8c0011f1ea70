"""Turns a report file (its bytes) into lines: a PDF with pypdf, a text file as UTF-8.

No Django here. ``read_document(data, name)`` is the one entry: it gives a
:class:`~reports.reading.lines.Document` whose lines have their page furniture taken out (see
``reports.reading.furniture``), ready for a grammar.
"""

from __future__ import annotations

import io

from reports.reading.furniture import text_document
from reports.reading.lines import Document, ReportError


def decode_report(data: bytes) -> str:
    """The text of a report file, or a ReportError for an empty, binary or undecodable one."""
    if not data.strip():
        raise ReportError("The file is empty: there is no report text to import.")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ReportError("The file is binary (it contains NUL bytes), not the text of a report.", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReportError(
            f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded): "
            "is it a binary file or a PDF without the .pdf name?",
            line,
        ) from None


# Bullets as PDFs' fonts give them: a Symbol-font private-use glyph, or a control character where
# a standard font's encoding has no bullet.
BULLET_GLYPHS = str.maketrans({"\uf0b7": "•", "\uf0a7": "•", "\x7f": "•", "\u25cf": "•", "\u25aa": "•"})


def text_from_pdf(data: bytes) -> str:
    """The text of a PDF report: pages one after another, each page's first line starting with a
    form feed (the mark of a new page). pypdf's layout mode keeps the wide gap between the columns
    of a table ("Rebecca Mavin      Inspector"), which the parser reads; it may or may not keep a
    blank line between paragraphs, and the parser needs none. Indentation means nothing here."""
    if not data.startswith(b"%PDF-"):
        raise ReportError("The file is named .pdf but is not a PDF (it does not start with %PDF-).")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise ReportError(f"The PDF cannot be read ({error}).") from None
    if not "".join(pages).strip():
        raise ReportError("The PDF has no text to extract (is it a scanned image?).")
    out = []
    for page in pages:
        lines = [line.strip().translate(BULLET_GLYPHS) for line in page.splitlines()]
        while lines and not lines[0]:
            lines.pop(0)
        if lines:
            lines[0] = "\f" + lines[0]
        out.extend(lines)
    return "\n".join(out)


def is_pdf(data: bytes, name: str = "") -> bool:
    return name.lower().endswith(".pdf") or data.startswith(b"%PDF-")


def read_document(data: bytes, name: str = "") -> Document:
    """The lines of a report file: a PDF (named .pdf, or starting %PDF-) or UTF-8 text."""
    if is_pdf(data, name):
        return text_document(text_from_pdf(data))
    return text_document(decode_report(data))
