"""Page furniture: the running header or footer and the page number a page break leaves in the
text, found and taken out so that a paragraph broken across pages reads as one.

Text (a text file, or text extracted from a PDF without its layout) keeps the rules learnt from
the words: the running title is the line naming the establishment that comes back page after
page, a page number is a line of digits ("7", "Page 3 of 24"). No Django here.
"""

from __future__ import annotations

import re
from collections import Counter

from reports.reading.lines import Document, Furniture, Line

RUNNING_TITLE = re.compile(r"^Report of an independent review of progress at \S.*$")
PAGE_NUMBER = re.compile(r"^(?:Page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)
NUMBER_AROUND = re.compile(r"^(?:(?:Page\s+)?\d{1,3}\s{2,})?(?P<title>.*?\S)(?:\s{2,}(?:Page\s+)?\d{1,3}|\s+\d{1,3})?$")
ESTABLISHMENT_WORD = re.compile(r"\b(?:HMP|HMYOI|YOI|IRC|STC|review of progress)\b")


def _running_title(raws: list[str]) -> str:
    """The running footer (or header) the report prints on its pages, learnt from the report: the
    line, less its page number, that names the establishment and comes back page after page."""
    counts: Counter[str] = Counter()
    for raw in raws:
        stripped = raw.strip()
        if not stripped or len(stripped) > 160:
            continue
        title = NUMBER_AROUND.match(stripped).group("title")
        if RUNNING_TITLE.match(title) or ESTABLISHMENT_WORD.search(title):
            counts[title] += 1
    titled = [title for title in counts if RUNNING_TITLE.match(title)]
    if titled:
        return max(titled, key=lambda title: counts[title])
    repeated = [title for title, n in counts.most_common() if n >= 3]
    return repeated[0] if repeated else ""


def _furniture_kind(stripped: str, title: str) -> str | None:
    if PAGE_NUMBER.match(stripped):
        return "page number"
    if title and (stripped == title or NUMBER_AROUND.match(stripped).group("title") == title):
        return "running title"
    return None


def text_document(text: str) -> Document:
    """Numbered, stripped lines without page furniture; blank lines kept as empty text.

    Page furniture is the running footer or header (learnt by ``_running_title``), page numbers,
    and the blank lines around them that a page break leaves: all are dropped, so a paragraph
    broken across pages reads as one. A line that begins with white space (a space as in the text
    reports, a form feed as PDFs are read) or follows furniture begins a page. Lines are split at
    line ends only, so line numbers stay those an editor shows.
    """
    raws = re.split(r"\r\n|\r|\n", text)
    title = _running_title(raws)
    kinds = [_furniture_kind(raw.strip(), title) if raw.strip() else None for raw in raws]
    blank_next_to_furniture = _blanks_beside(raws, kinds)
    lines: list[Line] = []
    furniture: list[Furniture] = []
    page, new_page, text_on_page = 0, True, False
    for index, raw in enumerate(raws):
        stripped = raw.strip()
        if raw[:1] == "\f" or (stripped and raw[:1].isspace()):
            new_page = True
        if kinds[index]:
            if new_page:  # a header, or a number, at the top of a page
                page, new_page, text_on_page = page + 1, False, False
            elif text_on_page:  # a footer: the page ends here
                new_page = True
            furniture.append(Furniture(index + 1, stripped, kinds[index], max(page, 1)))
            continue
        if not stripped:
            if not blank_next_to_furniture[index]:
                lines.append(Line("", max(page, 1), index + 1))
            continue
        starts = new_page or (page > 0 and not text_on_page)
        if new_page:
            page, new_page = page + 1, False
        text_on_page = True
        lines.append(Line(stripped, page, index + 1, page_start=bool(starts and page > 1 or raw[:1].isspace())))
    return Document(lines, furniture, title, text)


def _blanks_beside(raws: list[str], kinds: list[str | None]) -> list[bool]:
    """For each line: is it blank and, through blank lines only, next to page furniture?"""
    beside = [False] * len(raws)
    for step in (1, -1):
        last_kind = None
        order = range(len(raws)) if step == 1 else range(len(raws) - 1, -1, -1)
        for index in order:
            if kinds[index]:
                last_kind = kinds[index]
            elif raws[index].strip():
                last_kind = None
            elif last_kind:
                beside[index] = True
    return beside
