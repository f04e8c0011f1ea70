"""Turns a report file (its bytes) into lines: a PDF with pypdf, a text file as UTF-8.

No Django here. ``read_document(data, name)`` is the one entry: it gives a
:class:`~reports.reading.lines.Document` whose lines have their page furniture taken out (see
``reports.reading.furniture``), ready for a grammar.
"""

from __future__ import annotations

from reports.reading.furniture import layout_document, text_document
from reports.reading.lines import Document, ReportError
from reports.reading.pdf import BULLET_GLYPHS, pdf_pages  # noqa: F401


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


def text_from_pdf(data: bytes) -> str:
    """The text of a PDF report, line by line as ``reports.reading.pdf`` reads it: pages one after
    another, each page's first line starting with a form feed (the mark of a new page), table cells
    three spaces apart. Its line numbers are those of the lines ``read_document`` gives."""
    return _text_of(pdf_pages(data))


def _text_of(pages) -> str:
    out = []
    for _, _, lines in pages:
        out.extend(("\f" if index == 0 else "") + line.text for index, line in enumerate(lines))
    return "\n".join(out)


def is_pdf(data: bytes, name: str = "") -> bool:
    return name.lower().endswith(".pdf") or data.startswith(b"%PDF-")


def read_document(data: bytes, name: str = "", progress=None) -> Document:
    """The lines of a report file: a PDF (named .pdf, or starting %PDF-) or UTF-8 text.
    ``progress(page, pages)`` is called as each page of a PDF is read."""
    if is_pdf(data, name):
        pages = pdf_pages(data, progress)
        document = layout_document(pages)
        if not any(line.heading for line in document.lines):
            # Every line in one type: the layout shows no structure, so the text rules read it.
            return text_document(_text_of(pages))
        return document
    return text_document(decode_report(data))
