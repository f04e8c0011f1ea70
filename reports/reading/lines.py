"""What every reader gives every grammar: a report's lines, each with its page, number and type.

A grammar (``reports.grammars``) reads :class:`Line` objects and never opens a file. Lines from a
PDF know their font, size, weight and place on the page; lines from a text file know only their
text, page and number (``size`` and ``top`` are None there), and grammars keep the text rules
for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Line:
    """One line of a report, as a person reads it.

    ``number`` is the line's number in the document (1-based: the line an editor shows for a text
    file, the line of ``text_from_pdf``'s text for a PDF), used in error messages with ``page``.
    ``size`` is the font size in points (the line's largest run), ``bold`` whether most of its
    characters are set in a bold face, ``top`` the distance from the top of the page to the line's
    baseline in points and ``x0`` its left edge; all None/False/"" for a text file.
    """

    text: str  # stripped
    page: int  # 1-based
    number: int  # 1-based line number in the document
    size: float | None = None
    bold: bool = False
    top: float | None = None
    x0: float | None = None
    font: str = ""
    page_start: bool = False  # the first line of text on its page (after the page's furniture)
    heading: bool = False  # set larger or bolder than the body text (PDFs only; joined when wrapped)
    gap_before: float | None = None  # space above the line beyond its own leading, in points (PDFs)
    cells: list[str] = field(default_factory=list)  # a table row's cells, left to right (PDFs)

    @property
    def has_layout(self) -> bool:
        return self.size is not None


class ReportError(ValueError):
    """A report that cannot be read, or that disagrees with itself."""

    def __init__(self, message: str, line: int | None = None, page: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.page = page  # given for PDFs, whose line numbers no editor shows

    def __str__(self):
        if self.line and self.page:
            return f"Line {self.line} (page {self.page}): {self.message}"
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Furniture:
    """A line of page furniture the parser dropped, and what it was."""

    number: int
    text: str
    kind: str  # "running title", "page number"
    page: int


@dataclass
class Document:
    """A report file read into lines, with its page furniture taken out and named."""

    lines: list[Line]  # blank lines kept as empty text (text files); none in a PDF's
    furniture: list[Furniture] = field(default_factory=list)
    running_title: str = ""  # the running header or footer, less its page number
    text: str = ""  # all the text, for the words the line joiner learns from
    layout: bool = False  # the lines carry font, size and position (a PDF)

    def page_of(self, number: int) -> int | None:
        """The page of line ``number`` (for error messages)."""
        page = None
        for line in self.lines:
            if line.number > number:
                break
            page = line.page
        return page or (self.lines[0].page if self.lines else None)
