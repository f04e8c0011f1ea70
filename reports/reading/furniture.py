"""Page furniture: the running header or footer and the page number a page break leaves in the
text, found and taken out so that a paragraph broken across pages reads as one.

Text (a text file, or text extracted from a PDF without its layout) keeps the rules learnt from
the words: the running title is the line naming the establishment that comes back page after
page, a page number is a line of digits ("7", "Page 3 of 24"). No Django here.
"""

from __future__ import annotations

import dataclasses
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


# --- A PDF's lines, read by their layout --------------------------------------------------------

PAGE_NUMBER_SHAPES = {"#", "page #", "page # of #", "# of #", "- # -", "– # –", "# / #"}


def _shape(text: str) -> str:
    """A line's text with its numbers as #, to see a running title whatever its page number."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


def _band(line: Line, height: float) -> str:
    return "top" if (line.top or 0) < height / 2 else "bottom"


def _furniture_keys(pages: list[tuple[float, float, list[Line]]]) -> set[tuple]:
    """The running headers and footers: the lines among the first and last two of a page that
    come back in the same band, at the same height, with the same words (numbers aside), on at
    least half the pages (and three), or on half the left-hand or half the right-hand pages (a
    book's headers differ on facing pages: the report's title on one, a chapter on the other).
    Their wording does not matter."""
    counts: dict[int | None, Counter[tuple]] = {None: Counter(), 0: Counter(), 1: Counter()}
    with_text: Counter[int | None] = Counter()
    for index, (_, height, lines) in enumerate(pages):
        candidates = {id(line): line for line in lines[:2] + lines[-2:]}.values()
        keys = {_key(line, height) for line in candidates}
        for side in (None, index % 2):
            counts[side].update(keys)
            with_text[side] += bool(lines)
    found = set()
    for side, counted in counts.items():
        needed = max(3, (with_text[side] + 1) // 2)
        found |= {key for key, n in counted.items() if n >= needed}
    return found


def _key(line: Line, height: float) -> tuple:
    shape = _shape(line.text)
    return (_band(line, height), round((line.top or 0) / 6), "#" if shape in PAGE_NUMBER_SHAPES else shape)


def _body(lines: list[Line]) -> tuple[float, float]:
    """The body text's size (the size most characters are set in) and its line pitch (the distance
    from one baseline to the next within the body's paragraphs)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size or 0, 1)] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    pitches: Counter[float] = Counter()
    for previous, line in zip(lines, lines[1:], strict=False):
        if line.page == previous.page and round(line.size or 0, 1) == body == round(previous.size or 0, 1):
            pitch = round((line.top or 0) - (previous.top or 0), 1)
            if 0 < pitch < body * 3:
                pitches[pitch] += 1
    if not pitches:
        return body, body * 1.2
    # The pitch within a paragraph is the smallest that is common: in a report of short paragraphs
    # the pitch from one paragraph to the next (leading and the space between) may be seen more often.
    most = pitches.most_common(1)[0][1]
    return body, min(pitch for pitch, n in pitches.items() if n >= max(2, most / 4))


def layout_document(pages: list[tuple[float, float, list[Line]]]) -> Document:
    """A PDF's lines without their page furniture, each marked as a heading or not.

    Furniture is taken out by position and repetition (``_furniture_keys``). A heading is a line
    set larger than the body text, or bold; ``gap_before`` is the space above a line beyond the
    body's line pitch (a new paragraph, a heading standing apart), None at the top of a page.
    """
    keys = _furniture_keys(pages)
    lines: list[Line] = []
    furniture: list[Furniture] = []
    titles: Counter[str] = Counter()
    for _, height, page_lines in pages:
        first = True
        for line in page_lines:
            key = _key(line, height)
            if key in keys:
                kind = "page number" if key[2] == "#" else "running title"
                furniture.append(Furniture(line.number, line.text, kind, line.page))
                if kind == "running title":
                    titles[NUMBER_AROUND.match(_unpaged(line.text)).group("title")] += 1
                continue
            line.page_start = first and line.page > 1
            first = False
            lines.append(line)
    body, pitch = _body(lines)
    previous = None
    for line in lines:
        line.heading = bool(line.bold or (line.size or 0) >= body + 1)
        if previous is not None and previous.page == line.page:
            line.gap_before = round((line.top or 0) - (previous.top or 0) - max(pitch, (previous.size or 0) * 1.1), 2)
        previous = line
    title = titles.most_common(1)[0][0] if titles else ""
    text = "\n".join(line.text for line in lines)
    return Document(lines, furniture, title, text, layout=True)


def _unpaged(text: str) -> str:
    """A running title less its page number however printed ("Page 3 of 24", "3")."""
    return re.sub(r"\s*\bPage\s+\d+\s+of\s+\d+\s*", " ", text, flags=re.IGNORECASE).strip() or text


def wrapped(previous: Line, line: Line) -> bool:
    """Is ``line`` the next line of the heading ``previous`` (same page, same type, one line pitch
    below)? A wrapped heading is one heading whatever the case of its next line."""
    if not (previous.heading and line.heading) or previous.page != line.page:
        return False
    if previous.bold != line.bold or previous.font != line.font:
        return False
    size = previous.size or 0
    if abs(size - (line.size or 0)) > 0.3:
        return False
    return 0 < (line.top or 0) - (previous.top or 0) <= size * 1.75


def join_wrapped_headings(lines: list[Line], starts_anew=lambda line: False) -> list[Line]:
    """The lines with each heading that wraps onto more lines as one line (its first line's number,
    page and type; the text joined with spaces), whatever the case its next lines begin with. A
    line for which ``starts_anew`` (the grammar's judgement) is true is never joined to the heading
    above it."""
    out: list[Line] = []
    last: Line | None = None  # the last line read, joined or not
    for line in lines:
        if out and last is not None and out[-1].heading and wrapped(last, line) and not starts_anew(line):
            joined = out[-1]
            out[-1] = dataclasses.replace(joined, text=f"{joined.text} {line.text}")
        else:
            out.append(line)
        last = line
    return out
