"""A PDF's lines with their layout: each line's text, font, size, weight and place on the page.

pypdf reads the page's content stream once (``extract_text(visitor_text=…)``) and hands over each
run of text with its font, size and matrices; runs on the same baseline make a line, ordered left
to right. The width of a run (from the font's character widths) shows where one run ends and the
next begins, so a wide gap between two runs is a gap between the columns of a table: the line
keeps its cells apart (``Line.cells``) and its text shows them three spaces apart, as pypdf's
layout mode did. pdfplumber gives the same facts about 18 times slower (see docs/importing.md).

No Django here.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from reports.reading.lines import Line, ReportError

# Bullets as PDFs' fonts give them: a Symbol-font private-use glyph, or a control character where
# a standard font's encoding has no bullet.
BULLET_GLYPHS = str.maketrans({"\uf0b7": "•", "\uf0a7": "•", "\x7f": "•", "\u25cf": "•", "\u25aa": "•"})
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
COLUMN_GAP = "   "  # how a gap between table cells shows in a line's text


@dataclass
class _Run:
    text: str
    x: float
    y: float  # baseline, from the bottom of the page
    size: float
    font: str
    width: float | None  # None where the run continues the one before (no position of its own)
    bold: bool


@dataclass
class _Row:
    y: float
    runs: list[_Run] = field(default_factory=list)


def _font_name(font_dict) -> str:
    try:
        name = str(font_dict.get("/BaseFont", "")) if font_dict is not None else ""
    except Exception:  # noqa: BLE001 - a broken font dictionary names no font
        name = ""
    return re.sub(r"^/?(?:[A-Z]{6}\+)?", "", name)  # "/ABCDEF+Arial-BoldMT" -> "Arial-BoldMT"


def _is_bold(font_dict, name: str) -> bool:
    if BOLD_FONT.search(name):
        return True
    try:
        descriptor = font_dict.get("/FontDescriptor") if font_dict is not None else None
        if descriptor is not None:
            descriptor = descriptor.get_object()
            weight = float(descriptor.get("/FontWeight", 0) or 0)
            flags = int(descriptor.get("/Flags", 0) or 0)
            return weight >= 600 or bool(flags & (1 << 18))  # ForceBold
    except Exception:  # noqa: BLE001 - an unreadable descriptor says nothing about weight
        return False
    return False


class _Fonts:
    """Each font's character widths and weight, looked up once per font dictionary."""

    def __init__(self):
        self.known: dict[int, tuple[object, str, bool]] = {}

    def get(self, font_dict):
        key = id(font_dict)
        if key not in self.known:
            from pypdf.generic._font import Font

            name = _font_name(font_dict)
            try:
                font = Font.from_font_resource(font_dict) if font_dict is not None else None
            except Exception:  # noqa: BLE001 - a font without metrics: widths are estimated
                font = None
            self.known[key] = (font, name, _is_bold(font_dict, name))
        return self.known[key]


def _page_runs(page, fonts: _Fonts) -> list[_Run]:
    runs: list[_Run] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            if runs and text and runs[-1].width is not None and not runs[-1].text.endswith(" "):
                runs[-1].text += " " if text.strip("\n") else ""
            return
        font, name, bold = fonts.get(font_dict)
        a, b, c, d = (
            tm[0] * cm[0] + tm[1] * cm[2],
            tm[0] * cm[1] + tm[1] * cm[3],
            tm[2] * cm[0] + tm[3] * cm[2],
            tm[2] * cm[1] + tm[3] * cm[3],
        )
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        size = round(float(font_size or 0) * scale, 2)
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            if not piece.strip():
                continue
            piece = piece.translate(BULLET_GLYPHS)
            same_spot = runs and abs(runs[-1].y - y) < 0.01 and abs(runs[-1].x - x) < 0.01
            previous_open = runs and not runs[-1].text.endswith("\n")
            continues = index == 0 and same_spot and previous_open  # a font change within a line
            width = None
            if not continues and font is not None:
                width = font.get_text_width(piece.rstrip()) * size / 1000
            elif not continues:
                width = len(piece.rstrip()) * size * 0.5
            runs.append(_Run(piece, x, y - index * size * 1.2, size, name, width, bold))
        if text.endswith("\n") and runs:
            runs[-1].text += "\n"

    page.extract_text(visitor_text=visit)
    return runs


def _rows(runs: list[_Run]) -> list[_Row]:
    """Runs on one baseline (within a fifth of their size) as one row, top to bottom."""
    rows: list[_Row] = []
    by_y: dict[int, _Row] = {}
    last: _Run | None = None
    for run in runs:
        if run.width is None and last is not None:
            row = by_y_row(by_y, last.y, last.size)
        else:
            row = by_y_row(by_y, run.y, run.size)
        if row is None:
            row = _Row(run.y)
            rows.append(row)
            by_y[round(run.y)] = row
        row.runs.append(run)
        if run.width is None and last is not None:  # takes the place where the run before ends
            run.x, run.y = last.x + (last.width or 0), last.y
            run.width = 0.0
        last = run
    rows.sort(key=lambda row: -row.y)
    return rows


def by_y_row(by_y: dict[int, _Row], y: float, size: float) -> _Row | None:
    tolerance = max(1.0, size * 0.2)
    for key in (round(y), round(y) - 1, round(y) + 1):
        row = by_y.get(key)
        if row is not None and abs(row.y - y) <= tolerance:
            return row
    return None


def _cells(row: _Row, columns: frozenset[int] = frozenset()) -> list[list[_Run]]:
    """A row's runs left to right, in cells: a gap wider than the type's size starts a cell, and so
    does a narrower one (wider than a word space) before a run that starts where a column of the
    page's table starts (``columns``: the left edges of cells in other rows), as where a table's
    first column is filled to its edge."""
    ordered = sorted(row.runs, key=lambda run: run.x)
    cells: list[list[_Run]] = []
    end = None
    for run in ordered:
        text = run.text.rstrip("\n")
        gap = run.x - end if end is not None else 0.0
        at_column = round(run.x) in columns and gap > run.size * 0.4
        if end is not None and (gap > max(run.size, 6.0) * 1.0 or at_column) and cells:
            cells.append([run])
        elif cells:
            cells[-1].append(run)
        else:
            cells.append([run])
        width = run.width if run.width else 0.0
        if run.width == 0.0:  # a continuation: its own width, estimated from the characters
            width = len(text) * run.size * 0.5
        end = max(end or run.x, run.x + width)
    return cells


def _columns(rows: list[_Row]) -> frozenset[int]:
    """Where the columns of a page's tables start: the left edge (to the point) of a cell other
    than a row's first, in at least two rows of the page."""
    starts: Counter[int] = Counter()
    for row in rows:
        for cell in _cells(row)[1:]:
            starts[round(cell[0].x)] += 1
    return frozenset(x for x, n in starts.items() if n >= 2)


def _cell_text(runs: list[_Run]) -> str:
    out = ""
    for run in runs:
        text = run.text.replace("\n", "")
        if out and not out.endswith(" ") and not text.startswith(" ") and run.width != 0.0:
            out += " "
        out += text
    return re.sub(r"[ \t\u00a0]+", " ", out).strip()


def page_count(data: bytes) -> int:
    """How many pages a PDF has (read from its page tree, not its text), or ReportError."""
    if not data.startswith(b"%PDF-"):
        raise ReportError("The file is named .pdf but is not a PDF (it does not start with %PDF-).")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as error:
        raise ReportError(f"The PDF cannot be read ({error}).") from None


def pdf_pages(data: bytes, progress=None) -> list[tuple[float, float, list[Line]]]:
    """Each page's width, height and lines (numbered through the document from 1), top to bottom.
    ``progress(page, pages)``, if given, is called after each page is read."""
    if not data.startswith(b"%PDF-"):
        raise ReportError("The file is named .pdf but is not a PDF (it does not start with %PDF-).")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    fonts = _Fonts()
    pages: list[tuple[float, float, list[Line]]] = []
    number = 0
    try:
        reader = PdfReader(io.BytesIO(data))
        pages_in_file = len(reader.pages)
        for page_number, page in enumerate(reader.pages, start=1):
            box = page.mediabox
            width, height = float(box.width), float(box.height)
            lines: list[Line] = []
            rows = _rows(_page_runs(page, fonts))
            columns = _columns(rows)
            for row in rows:
                cells = [_cell_text(cell) for cell in _cells(row, columns)]
                cells = [cell for cell in cells if cell]
                if not cells:
                    continue
                runs = row.runs
                chars = [(len(run.text.strip()), run) for run in runs]
                characters = sum(n for n, _ in chars) or 1
                bold_chars = sum(n for n, run in chars if run.bold)
                size = max(chars, key=lambda pair: (pair[0], pair[1].size))[1].size
                font = max(chars, key=lambda pair: pair[0])[1].font
                number += 1
                lines.append(
                    Line(
                        text=COLUMN_GAP.join(cells),
                        page=page_number,
                        number=number,
                        size=size,
                        bold=bold_chars >= 0.6 * characters,
                        top=round(height - row.y, 2),
                        x0=round(min(run.x for run in runs), 2),
                        font=font,
                        cells=cells if len(cells) > 1 else [],
                    )
                )
            pages.append((width, height, lines))
            if progress is not None:
                progress(page_number, pages_in_file)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as error:
        raise ReportError(f"The PDF cannot be read ({error}).") from None
    if not any(lines for _, _, lines in pages):
        raise ReportError("The PDF has no text to extract (is it a scanned image?).")
    return pages
