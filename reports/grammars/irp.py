"""The grammar of an HMI Prisons independent review of progress (IRP) report.

It reads a report's lines (``reports.reading``: each knows its page and number, and in a PDF its
size, weight and place) and returns a :class:`~reports.reading.report.Report`, or raises
:class:`ReportError` naming the problem and, where it has one, the line (and page). It never
opens a file. No Django here: the ``import_report`` command and the upload page wire the result
to the models (``reports.importer``).

Lines are grouped into blocks as a person reads them (a numbered paragraph, a heading, a concern,
a recommendation…), the blocks into sections, and the report is then checked against itself:
Section 3's closing judgements must agree with Section 4's summary, the counts stated in Section
2 must agree with the judgements, and every judgement must be a level of its own inspectorate's
scale as Appendix I defines it.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, field

from reports.grammars.common import (
    ESTABLISHMENT_PREFIXES,
    INSPECTORATE_PATTERN,
    KNOWN_ROLES,
    LEAD_INSPECTORATE,
    MONTH,
    MONTHS,
    NUMBER_WORDS,
    establishment_slug,
    establishment_type,
    inspectorate_name,
)
from reports.reading.furniture import RUNNING_TITLE, join_wrapped_headings, text_document
from reports.reading.joining import Text
from reports.reading.lines import Document, Line, ReportError
from reports.reading.report import (
    GlossaryTerm,
    Introduction,
    Paragraph,
    Recommendation,
    Report,
    ScaleLevel,
    StatedCount,
    TeamMember,
)

__all__ = ["parse_document", "parse_report", "establishment_slug", "establishment_type", "KNOWN_ROLES"]

NUMBERED = re.compile(r"^(\d{1,2})\.(\d{1,3})\s+(\S.*)$")
SECTION = re.compile(r"^Section\s+(\d+)\s+(\S.*?)\s*$")
APPENDIX = re.compile(r"^Appendix\s+([IVX]+)\b\s*(.*?)\s*$")
STARTERS = [
    ("section", SECTION),
    ("appendix", APPENDIX),
    ("figure", re.compile(r"^Figure\s+\d+:")),
    ("concern", re.compile(r"^Concern:\s*")),
    ("recommendation", re.compile(r"^Recommendation:\s*")),
    ("theme", re.compile(r"^Theme\s+(\d+):\s*")),
]
SENTENCE_END = re.compile(r"[.?!:;)\]”’\"]$")
GLOSSARY_NOTE = re.compile(r"\s*\(see Glossary\)\s*$", re.IGNORECASE)


@dataclass
class Block:
    kind: str  # section, appendix, figure, concern, recommendation, theme, paragraph, text
    lines: list[Line]
    after_blank: bool
    heading: bool = False  # set as a heading (larger or bolder than the body): PDFs only

    @property
    def line(self) -> int:
        return self.lines[0].number

    @property
    def first(self) -> str:
        return self.lines[0].text


def _starter(line: Line) -> str | None:
    for kind, pattern in STARTERS:
        if pattern.match(line.text):
            if kind in ("section", "appendix") and re.search(r"\s\d+$", line.text):
                return None  # a contents-page entry ("Section 1 Chief Inspector's summary 3")
            return kind
    return None


def _body_width(lines: list[Line]) -> int:
    """How long a full line of running text is: lines of a paragraph are as long as the page
    allows, a heading is shorter."""
    lengths = sorted(len(line.text) for line in lines if len(line.text) > 30)
    return lengths[len(lengths) * 3 // 4] if lengths else 80


def _is_heading(line: Line, previous: str, width: int) -> bool:
    """A heading, a label or a signature line: short, after a finished sentence, not a sentence itself."""
    if not SENTENCE_END.search(previous) or not line.text[:1].isupper():
        return False
    if re.search(r"\S\s{3,}\S", line.text):
        return False  # a row of a table
    ends_open = not SENTENCE_END.search(line.text) or GLOSSARY_NOTE.search(line.text)
    return bool(ends_open) and len(line.text) <= width * 0.6


def _blocks(lines: list[Line]) -> list[Block]:
    """Groups lines into blocks: by their layout where they have one (a PDF that sets its headings
    apart by size or weight), else by the text rules (``_text_blocks``)."""
    if any(line.heading for line in lines):
        return _layout_blocks(lines)
    return _text_blocks(lines)


def _layout_blocks(lines: list[Line]) -> list[Block]:
    """Groups a PDF's lines into blocks by their type. A heading is a line set larger or bolder
    than the body; one that wraps onto more lines is read as one line first, whatever the case of
    its next lines (``join_wrapped_headings``). A starter (a numbered paragraph, "Section 3",
    "Concern:"…) starts a block, as in a text file; so does a heading, and the body line after a
    heading. A short body line after a finished sentence that stands apart (space above it, or
    the top of a page) and is not a sentence itself is a label or a signature, as in a text file,
    and the line standing apart below such a label starts a block too (a sub-heading set in the
    body's type, as "Inspection team" or an area may be); every other body line carries on the
    block above it, across page breaks too."""
    lines = join_wrapped_headings(lines, starts_anew=lambda line: _starter(line) is not None)
    width = _body_width(lines)
    blocks: list[Block] = []
    current: Block | None = None
    previous: Line | None = None
    label = label_open = False  # the current block is a label in the body's type, standing apart
    for line in lines:
        kind = _starter(line)
        after_heading = current is not None and current.heading
        if (
            kind is None
            and NUMBERED.match(line.text)
            and (
                current is None
                or after_heading
                or line.page_start
                or current.kind == "figure"
                or SENTENCE_END.search(previous.text)
                or (line.gap_before or 0) > 1
            )
        ):
            kind = "paragraph"
        stands_apart = line.gap_before is None or line.gap_before > 1
        if kind is None and current is not None:
            if line.heading or after_heading or (label_open and stands_apart):
                kind = "text"
            elif stands_apart and _is_heading(line, previous.text, width):
                kind = "text"
                label = True
        if current is None or kind is not None:
            current = Block(kind or "text", [line], False, heading=line.heading or kind in ("section", "appendix"))
            blocks.append(current)
            label_open, label = label, False
        else:
            current.lines.append(line)
            label_open = False
        previous = line
    return blocks


def _text_blocks(lines: list[Line]) -> list[Block]:
    """Groups lines into blocks. A numbered paragraph, a heading such as "Section 3" or
    "Recommendation:" starts one, and so does a short line after a finished sentence that is not a
    sentence itself (a heading, a label, a signature); the line after such a heading starts
    another unless it carries the heading on in lower case. A blank line ends a block where the
    text has one, but PDFs give none: nothing depends on them."""
    width = _body_width(lines)
    blocks: list[Block] = []
    current: Block | None = None
    previous = ""
    heading_open = False  # the current block is a heading: a capitalised line starts another
    after_blank = True
    for line in lines:
        if not line.text:
            current, after_blank, previous, heading_open = None, True, "", False
            continue
        kind = _starter(line)
        numbered = NUMBERED.match(line.text)
        if (
            kind is None
            and numbered
            and (
                current is None
                or heading_open
                or line.page_start
                or current.kind == "figure"
                or SENTENCE_END.search(previous)
            )
        ):
            kind = "paragraph"
        if kind is None and current is not None:
            if _is_heading(line, previous, width):
                kind = "text"
                heading_open = True
            elif heading_open and (line.text[:1].isupper() or line.text[:1] in '•“"('):
                kind = "text"
                heading_open = False
        elif kind in ("section", "appendix"):
            heading_open = True
        elif kind is not None:
            heading_open = False
        if current is None and kind is None and _is_heading(line, ".", width):
            heading_open = True
        if current is None or kind is not None:
            current = Block(kind or "text", [line], after_blank)
            blocks.append(current)
        else:
            current.lines.append(line)
        after_blank = False
        previous = line.text
    return blocks


# --- The parts of a report --------------------------------------------------------------------


@dataclass
class _Part:
    heading: Block
    blocks: list[Block]


def _parts(blocks: list[Block], last_line: int) -> tuple[dict[int, _Part], dict[str, _Part]]:
    sections: dict[int, _Part] = {}
    appendices: dict[str, _Part] = {}
    current: _Part | None = None
    for block in blocks:
        if block.kind == "section":
            number = int(SECTION.match(block.first).group(1))
            expected = len(sections) + 1
            if number != expected:
                raise ReportError(
                    f"Section {number} follows Section {expected - 1}: Section {expected} is missing.", block.line
                )
            current = sections[number] = _Part(block, [])
        elif block.kind == "appendix":
            current = appendices[APPENDIX.match(block.first).group(1)] = _Part(block, [])
        elif current is not None:
            current.blocks.append(block)
    if not sections:
        raise ReportError(
            "This is not an independent review of progress report: it has no “Section 1 Chief Inspector’s "
            "summary” heading."
        )
    names = {
        1: "Chief Inspector’s summary",
        2: "Key findings",
        3: "Progress against the recommendations",
        4: "Summary of judgements",
    }
    for number, name in names.items():
        if number not in sections:
            raise ReportError(
                f"Section {number} ({name}) is missing: the report is truncated or not an IRP report.", last_line
            )
    if "I" not in appendices:
        raise ReportError(
            "Appendix I (About this report), which defines the progress scales and names the team, is missing: "
            "the report is truncated.",
            last_line,
        )
    return sections, appendices


def _paragraphs(part: _Part, section: int, text: Text) -> list[tuple[Paragraph, Block]]:
    """The numbered paragraphs of a section, checked to run 1, 2, 3… without a gap."""
    found = []
    for block in part.blocks:
        if block.kind != "paragraph":
            continue
        match = NUMBERED.match(block.first)
        number = f"{match.group(1)}.{match.group(2)}"
        if int(match.group(1)) != section:
            raise ReportError(f"Paragraph {number} is in Section {section}.", block.line)
        expected = len(found) + 1
        if int(match.group(2)) != expected:
            raise ReportError(
                f"Paragraph {number} comes where {section}.{expected} should: a paragraph is missing or misnumbered.",
                block.line,
            )
        body = [match.group(3)] + [line.text for line in block.lines[1:]]
        found.append((Paragraph(number, text.join(body), block.line), block))
    return found


def _line_of(block: Block, needle: str) -> int:
    """The line of ``block`` on which ``needle`` starts (for error messages)."""
    words = needle.split()
    if not words:
        return block.line
    for line in block.lines:
        if words[0].lower() in line.text.lower():
            return line.number
    return block.line


def _scales(appendix: _Part, text: Text) -> dict[str, list[ScaleLevel]]:
    """Appendix I's scales: "Each recommendation followed up by HMI Prisons … one of four progress
    judgements:" followed by a label and its definition per level."""
    scales: dict[str, list[ScaleLevel]] = {}
    blocks = appendix.blocks
    intro = re.compile(
        rf"Each (?:recommendation|theme) followed up by ({INSPECTORATE_PATTERN})\b.*?given one of (\w+) "
        r"progress judgements",
        re.IGNORECASE,
    )
    for i, block in enumerate(blocks):
        match = intro.search(text.join([line.text for line in block.lines]))
        if not match:
            continue
        inspectorate = inspectorate_name(match.group(1))
        expected = _number(match.group(2), block)
        levels = _levels(blocks[i + 1 :], expected, text)
        if len(levels) != expected:
            raise ReportError(
                f"Appendix I says {inspectorate} has {expected} progress judgements but defines {len(levels)}.",
                block.line,
            )
        scales[inspectorate] = levels
    if LEAD_INSPECTORATE not in scales:
        raise ReportError("Appendix I does not define HMI Prisons’ progress judgements.", appendix.heading.line)
    return scales


LEVEL_LABEL = re.compile(r"[A-Z][a-z]*(?: [a-z]+)* progress")


def _levels(blocks: list[Block], expected: int, text: Text) -> list[ScaleLevel]:
    """Up to ``expected`` levels of a scale: a label such as "Reasonable progress", then its
    definition, in the label's block (a text file) or in the block after it (a PDF, where the
    label stands apart)."""
    levels: list[ScaleLevel] = []
    index = 0
    while index < len(blocks) and len(levels) < expected:
        block = blocks[index]
        if not LEVEL_LABEL.fullmatch(block.first):
            break
        definition_lines = _first_paragraph_set(block.lines[1:])
        if not definition_lines and index + 1 < len(blocks) and blocks[index + 1].kind == "text":
            if not LEVEL_LABEL.fullmatch(blocks[index + 1].first):
                index += 1
                definition_lines = _first_paragraph(blocks[index].lines)
        levels.append(ScaleLevel(block.first, text.join([line.text for line in definition_lines]), block.line))
        index += 1
    return levels


def _first_paragraph_set(lines: list[Line]) -> list[Line]:
    """A PDF's lines up to the end of their first paragraph, where a sentence ends and the next line
    stands apart (paragraph spacing): a scale level's definition, not the text set after it in the
    same type (a label set in the body's type does not start a block of its own)."""
    for index in range(1, len(lines)):
        line = lines[index]
        if line.has_layout and (line.gap_before or 0) > 1 and SENTENCE_END.search(lines[index - 1].text):
            return lines[:index]
    return lines


def _first_paragraph(lines: list[Line]) -> list[Line]:
    """The lines of the first paragraph of reflowed text: it ends with a short line that ends a
    sentence (a full line ending a sentence may be followed by more of the paragraph)."""
    width = max((len(line.text) for line in lines), default=0)
    for index, line in enumerate(lines):
        if SENTENCE_END.search(line.text) and len(line.text) < width * 0.85:
            return lines[: index + 1]
    return lines


def _number(word: str, block: Block) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    raise ReportError(f"“{word}” is not a number this importer can read (one to twenty, or digits).", block.line)


def _canonical_level(phrase: str, inspectorate: str, scales, line: int, where: str) -> str:
    for level in scales.get(inspectorate, []):
        if level.label.lower() == phrase.lower():
            return level.label
    if inspectorate not in scales:
        raise ReportError(f"{where} judges {inspectorate}, whose scale Appendix I does not define.", line)
    labels = ", ".join(level.label for level in scales[inspectorate])
    raise ReportError(
        f"{where}: “{phrase[:1].upper()}{phrase[1:]}” is not on the {inspectorate} scale ({labels}).", line
    )


CLOSING = re.compile(
    r"\b(?:made|been|was|were)\s+(?P<label>(?:no\s+)?[a-z]+\s+progress)\s+(?:against|in|on|with)\s+this\s+"
    r"(?P<what>recommendation|theme)\b",
    re.IGNORECASE,
)


@dataclass
class _Section3Reader:
    """Reads Section 3 block by block, keeping the area, concern and item the next block belongs to."""

    text: Text
    paragraphs: dict
    introductions: list[Introduction]
    items: list[Recommendation] = field(default_factory=list)
    area: str = ""
    area_see_glossary: bool = False
    concern: str = ""
    theme_inspectorate: str = "Ofsted"
    current: Recommendation | None = None

    def read(self, block: Block) -> None:
        body = self.text.join([line.text for line in block.lines])
        getattr(self, f"_{block.kind}", self._unplaced)(block, body)

    def _concern(self, block, body):
        self.concern = re.sub(r"^Concern:\s*", "", body)
        self.current = None

    def _recommendation(self, block, body):
        body = re.sub(r"^Recommendation:\s*", "", body)
        match = re.search(r"\s*\((\d{1,2}\.\d{1,3})\)\s*$", body)
        if not match:
            raise ReportError("This recommendation has no paragraph reference, such as (1.39), at its end.", block.line)
        if not self.area:
            raise ReportError("This recommendation has no area heading above it.", block.line)
        self.current = Recommendation(
            "recommendation", LEAD_INSPECTORATE, self.area, self.concern, body[: match.start()].strip(),
            match.group(1), None, len(self.items) + 1, block.line,
        )  # fmt: skip
        self.current.area_see_glossary = self.area_see_glossary
        self.items.append(self.current)
        self.concern = ""

    def _theme(self, block, body):
        match = re.match(r"^Theme\s+(\d+):\s*(.*)$", body)
        self.current = Recommendation(
            "theme", self.theme_inspectorate, self.area, "", match.group(2).strip(), "", int(match.group(1)),
            len(self.items) + 1, block.line,
        )  # fmt: skip
        self.current.area_see_glossary = self.area_see_glossary
        self.items.append(self.current)

    def _paragraph(self, block, body):
        match = NUMBERED.match(block.first)
        paragraph = self.paragraphs[f"{match.group(1)}.{match.group(2)}"][0]
        if self.current is None:
            raise ReportError(
                f"Paragraph {paragraph.number} comes before any recommendation or theme it could be evidence for.",
                block.line,
            )
        self.current.evidence.append(paragraph)

    def _text(self, block, body):
        written_by = re.search(rf"written by ({INSPECTORATE_PATTERN}) inspectors", body, re.IGNORECASE)
        if written_by:
            self.theme_inspectorate = inspectorate_name(written_by.group(1))
            self.introductions.append(Introduction(self.theme_inspectorate, body, block.line))
        elif not self.items and not self.area and len(block.lines) > 1:
            return  # the section's introduction
        elif len(body) <= 100 and not body.endswith("."):
            self.area = GLOSSARY_NOTE.sub("", body)
            self.area_see_glossary = bool(GLOSSARY_NOTE.search(body))
            self.concern = ""
            self.current = None
        else:
            self._unplaced(block, body)

    def _unplaced(self, block, body):
        raise ReportError(
            f"Unnumbered text in Section 3 that is not a heading, a concern, a recommendation or a theme: "
            f"“{_quote(body)}”.",
            block.line,
        )


def _section3(part: _Part, scales, text: Text, introductions: list[Introduction]) -> list[Recommendation]:
    """Section 3's recommendations and themes, each with its area, concern, evidence and closing
    judgement; the introductions an inspectorate writes to its part go to ``introductions``."""
    paragraphs = {p.number: (p, b) for p, b in _paragraphs(part, 3, text)}
    reader = _Section3Reader(text, paragraphs, introductions)
    for block in part.blocks:
        reader.read(block)
    if not reader.items:
        raise ReportError("Section 3 follows up no recommendation or theme.", part.heading.line)
    _check_followed_up_once(reader.items)
    for item in reader.items:
        _closing_judgement(item, paragraphs, scales)
    return reader.items


def _check_followed_up_once(items: list[Recommendation]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item.inspectorate, item.label)
        if key in seen:
            raise ReportError(
                f"{item.inspectorate} {item.label} is followed up twice (also at line {seen[key]}).", item.line
            )
        seen[key] = item.line


def _closing_judgement(item: Recommendation, paragraphs: dict, scales) -> None:
    """The judgement the last paragraph of an item's evidence gives ("…had made reasonable
    progress against this recommendation."), on the item's inspectorate's scale."""
    what = "theme" if item.kind == "theme" else "recommendation"
    if not item.evidence:
        raise ReportError(f"{what.capitalize()} {item.label} has no numbered paragraphs of evidence.", item.line)
    last = item.evidence[-1]
    match = CLOSING.search(last.text)
    if not match:
        raise ReportError(
            f"The evidence for {what} {item.label} does not end with a judgement such as “The prison had made "
            f"reasonable progress against this {what}.”",
            last.line,
        )
    item.level_line = _line_of(paragraphs[last.number][1], match.group("label"))
    item.level = _canonical_level(
        match.group("label"), item.inspectorate, scales, item.level_line,
        f"Paragraph {last.number} judges {item.inspectorate} {what} {item.label}",
    )  # fmt: skip


SECTION4_HEADER = re.compile(rf"^({INSPECTORATE_PATTERN})\s+(recommendations|themes)$", re.IGNORECASE)


def _split_label(line: Line, labels: set[str], waiting: str) -> tuple[str, str]:
    """A line of Section 4 as (text, judgement or part of one). The judgement stands on a line of
    its own (a text file), or in the table's second column after a wide gap, perhaps wrapped over
    two lines ("No meaningful" / "progress"), or, where the PDF closed the gap, just after the end
    of the recommendation's sentence."""
    if LEVEL_LABEL.fullmatch(line.text):
        return "", line.text
    if waiting and LEVEL_LABEL.fullmatch(f"{waiting} {line.text}"):
        return "", line.text
    if len(line.cells) == 2:  # a PDF's table row, its cells apart by their place on the page
        return line.cells[0], line.cells[1]
    gap = re.fullmatch(r"(.*\S)\s{3,}(\S.*)", line.text)
    if gap:
        return gap.group(1), gap.group(2)
    for label in labels:
        if line.text.endswith(" " + label) and SENTENCE_END.search(line.text[: -len(label)].rstrip()):
            return line.text[: -len(label)].rstrip(), label
    return line.text, ""


def _section4_rows(part: _Part, scales, text: Text) -> list[tuple[str, str, str, int, int]]:
    """Section 4's rows: (inspectorate, text, level, text line, level line), in order. A row's text
    ends with its sentence or where its judgement stands on a line of its own; judgements are
    paired with rows in order, whichever column layout the extraction gave."""
    labels = {level.label for levels in scales.values() for level in levels}
    listed: list[tuple[str, str, str, int, int]] = []
    inspectorate = None
    rows: list[list[Line]] = []
    found: list[tuple[str, Line]] = []
    pending: list[Line] = []
    waiting, waiting_line = "", None  # a judgement wrapped in its column, read so far

    def close_group():
        if pending:
            rows.append(list(pending))
        if waiting:
            raise ReportError(f"“{waiting}” in Section 4 is not a judgement.", waiting_line.number)
        for row, (label, line) in zip(rows, found, strict=False):
            summary = text.join([piece.text for piece in row])
            level = _canonical_level(label, inspectorate, scales, line.number, f"Section 4 judges “{_quote(summary)}”")
            listed.append((inspectorate, summary, level, row[0].number, line.number))
        if len(found) > len(rows):
            label, line = found[len(rows)]
            raise ReportError(f"“{label}” in Section 4 judges nothing listed above it.", line.number)
        if len(rows) > len(found):
            raise ReportError("This item of Section 4 has no judgement after it.", rows[len(found)][0].number)

    for line in (line for block in part.blocks for line in block.lines):
        match = SECTION4_HEADER.match(line.text)
        if match:
            if inspectorate is not None:
                close_group()
            inspectorate = inspectorate_name(match.group(1))
            rows, found, pending = [], [], []
            continue
        if inspectorate is None:
            continue
        row_text, label = _split_label(line, labels, waiting)
        if row_text:
            pending.append(dataclasses.replace(line, text=row_text))
        if label:
            waiting, waiting_line = f"{waiting} {label}".strip(), waiting_line or line
            if LEVEL_LABEL.fullmatch(waiting) and not any(known.startswith(waiting + " ") for known in labels):
                found.append((waiting, waiting_line))
                waiting, waiting_line = "", None
        if pending and (label and not row_text or re.search(r"[.?!]$", row_text)):
            rows.append(pending)
            pending = []
    if inspectorate is not None:
        close_group()
    return listed


def _section4(part: _Part, items: list[Recommendation], scales, text: Text) -> None:
    """Section 4 lists each recommendation and theme with its judgement; it must agree with
    Section 3, item by item, in order."""
    listed = _section4_rows(part, scales, text)
    for name in dict.fromkeys(item.inspectorate for item in items):
        in3 = [item for item in items if item.inspectorate == name]
        in4 = [entry for entry in listed if entry[0] == name]
        if len(in3) != len(in4):
            raise ReportError(
                f"Section 4 lists {len(in4)} {name} judgements but Section 3 follows up {len(in3)}.",
                part.heading.line,
            )
        for item, (_, summary, level, text_line, level_line) in zip(in3, in4, strict=True):
            what = "theme" if item.kind == "theme" else "recommendation"
            if not _same_item(item.text, summary):
                raise ReportError(
                    f"Section 4 lists “{_quote(summary)}” where Section 3 has {name} {what} {item.label} "
                    f"(line {item.line}): “{_quote(item.text)}”.",
                    text_line,
                )
            if level != item.level:
                raise ReportError(
                    f"Section 4 judges {name} {what} {item.label} “{level}”, but Section 3 judges it "
                    f"“{item.level}” (line {item.level_line}).",
                    level_line,
                )
            item.summary_text, item.summary_level, item.summary_line = summary, level, text_line
    extra = {entry[0] for entry in listed} - {item.inspectorate for item in items}
    if extra:
        name = sorted(extra)[0]
        line = next(entry[3] for entry in listed if entry[0] == name)
        raise ReportError(f"Section 4 judges {name} items that Section 3 does not follow up.", line)


def _quote(text: str, length: int = 60) -> str:
    """The start of ``text`` for a message, cut at a word."""
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


def _comparable(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", value.lower()).strip()


def _same_item(section3: str, section4: str) -> bool:
    """Section 4 repeats a recommendation word for word, and a theme as the aim of its question."""
    full, short = _comparable(section3), _comparable(section4)
    return bool(short) and (full == short or short in full)


def _check_unplaced(part: _Part, section: int, allowed: set[int], text: Text) -> None:
    """Never silent: an unnumbered block in Sections 1 and 2 is a heading (short, not a sentence),
    a figure's caption or the signature (``allowed``, by line); anything else refuses the report."""
    for block in part.blocks:
        if block.kind != "text" or block.line in allowed:
            continue
        body = text.join([line.text for line in block.lines])
        if len(body) <= 100 and not re.search(r"[.?!]$", body):
            continue
        raise ReportError(
            f"Unnumbered text in Section {section} that is not a paragraph, a heading or a figure: “{_quote(body)}”.",
            block.line,
        )


def _section2(part: _Part, items, scales, text: Text):
    """Key findings, notable positive practice, and the counts Section 2 states."""
    _check_unplaced(part, 2, set(), text)
    key_findings, notable = [], []
    counts: list[StatedCount] = []
    stated_examples = None
    judged = re.compile(rf"\b({INSPECTORATE_PATTERN}) judged that\b(.*)", re.IGNORECASE | re.DOTALL)
    count_phrase = re.compile(r"(?P<label>(?:no\s+)?[a-z]+\s+progress)\s+in\s+(?:all\s+)?(?P<n>\w+)\b", re.IGNORECASE)
    blocks_by_line = {b.line: b for b in part.blocks}
    for paragraph, block in _paragraphs(part, 2, text):
        heading_before = [b for b in part.blocks if b.kind == "text" and b.line < block.line]
        in_notable = any(b.first.lower().startswith("notable positive practice") for b in heading_before)
        boilerplate = re.match(r"(We define notable positive practice|Inspectors found)\b", paragraph.text)
        if in_notable and not boilerplate:
            notable.append(paragraph)
        else:
            key_findings.append(paragraph)
        examples = re.match(r"Inspectors found (\w+) examples? of notable positive practice", paragraph.text)
        if examples:
            stated_examples = (_number(examples.group(1), block), block.line)
        match = judged.search(paragraph.text)
        if not match:
            continue
        inspectorate = inspectorate_name(match.group(1))
        for phrase in count_phrase.finditer(match.group(2)):
            line = _line_of(blocks_by_line[block.line], phrase.group("label"))
            label = _canonical_level(
                phrase.group("label"), inspectorate, scales, line, f"Section 2 counts {inspectorate} judgements"
            )
            counts.append(StatedCount(inspectorate, label, _number(phrase.group("n"), block), line))
    if stated_examples is not None and stated_examples[0] != len(notable):
        raise ReportError(
            f"Section 2 says inspectors found {stated_examples[0]} examples of notable positive practice but "
            f"describes {len(notable)}.",
            stated_examples[1],
        )
    _check_counts(part, items, counts)
    return key_findings, notable, counts


def _check_counts(part: _Part, items: list[Recommendation], counts: list[StatedCount]) -> None:
    """The counts Section 2 states must be those of the judgements, level by level."""
    for inspectorate in dict.fromkeys(item.inspectorate for item in items):
        actual: dict[str, int] = {}
        for item in items:
            if item.inspectorate == inspectorate:
                actual[item.level] = actual.get(item.level, 0) + 1
        stated = [c for c in counts if c.inspectorate == inspectorate]
        if not stated:
            raise ReportError(
                f"Section 2 does not state how many {inspectorate} judgements were made at each level.",
                part.heading.line,
            )
        for count in stated:
            if count.count != actual.get(count.label, 0):
                raise ReportError(
                    f"Section 2 says {inspectorate} found {count.label.lower()} in {count.count}, but Sections 3 "
                    f"and 4 judge {actual.get(count.label, 0)} at that level.",
                    count.line,
                )
        unstated = [label for label in actual if label not in {c.label for c in stated}]
        if unstated:
            raise ReportError(
                f"Section 2 gives no count of {inspectorate}’s “{unstated[0]}” judgements "
                f"({actual[unstated[0]]} in Sections 3 and 4).",
                stated[0].line,
            )


def _closing_lines(part: _Part) -> set[int]:
    """The first lines of the text blocks after the summary's last numbered paragraph (the signature)."""
    closing: set[int] = set()
    for block in part.blocks:
        closing = set() if block.kind != "text" else closing | {block.line}
    return closing


def _signature(part: _Part, text: Text):
    """The lines that close the summary: name, title, month of publication (one block in a text
    file, a line each in a PDF)."""
    date = re.compile(rf"(?:(\d{{1,2}}) )?({MONTH}) (\d{{4}})")
    closing: list[Line] = []
    for block in part.blocks:
        if block.kind != "text":
            closing = []
            continue
        closing.extend(block.lines)
    for index in range(len(closing) - 1, -1, -1):
        match = date.fullmatch(closing[index].text)
        if match:
            signer = [line.text for line in closing[:index]]
            published = datetime.date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1) or 1))
            return ", ".join(signer), closing[index].text, published
    raise ReportError(
        "The Chief Inspector’s summary has no signature with a date such as “April 2022” at its end.",
        part.heading.line,
    )


def _full_inspection(paragraphs: list[Paragraph], appendix_text: str) -> tuple[str, int]:
    period = re.compile(rf"\b((?:{MONTH})(?:\s*[-–]\s*{MONTH})?)\s+(\d{{4}})")
    for paragraph in paragraphs:
        context = re.search(rf"full inspection (?:in|of|carried out in)\s+{period.pattern}", paragraph.text)
        if context:
            months = re.sub(r"\s*[-–]\s*", "–", context.group(1))
            return f"{months} {context.group(2)}", int(context.group(2))
    context = re.search(rf"(?:inspection|carried out)\s+in\s+{period.pattern}", appendix_text)
    if context:
        months = re.sub(r"\s*[-–]\s*", "–", context.group(1))
        return f"{months} {context.group(2)}", int(context.group(2))
    raise ReportError("The report does not say when the full inspection it follows up took place.")


def _team(appendix: _Part) -> list[TeamMember]:
    """The team under "Inspection team": one member a line, name then role (a two-column table in
    a PDF, its columns apart by a wide gap)."""
    blocks = appendix.blocks
    start = next((i for i, b in enumerate(blocks) if b.kind == "text" and b.first.lower() == "inspection team"), None)
    if start is None:
        raise ReportError("Appendix I does not list the inspection team.", appendix.heading.line)
    lines = [
        line
        for block in blocks[start:]
        for line in (block.lines[1:] if block is blocks[start] else block.lines)
        if not re.match(r"(?i)this .* was carried out by", line.text)
    ]
    if not lines:
        raise ReportError("The inspection team list is empty.", blocks[start].line)
    members = [_member(line) for line in lines]
    names = [member.name for member in members]
    for member in members:
        if names.count(member.name) > 1:
            raise ReportError(f"{member.name} is listed twice in the inspection team.", member.line)
    return members


def _member(line: Line) -> TeamMember:
    raw = line.text
    name = role = ""
    if len(line.cells) == 2:  # a PDF's table row: name and role are its two cells
        name, role = line.cells
    for known in [] if role else KNOWN_ROLES:
        if raw.lower().endswith(" " + known.lower()):
            name, role = raw[: -len(known)].strip(), raw[-len(known) :]
            break
    if not role and re.search(r"\S\s{2,}\S", raw):
        name, role = re.split(r"\s{2,}", raw, maxsplit=1)
    if not role:
        words = raw.split()
        for i in range(len(words) - 1, 0, -1):
            if words[i][:1].isupper() and all(w.islower() for w in words[i + 1 :]):
                name, role = " ".join(words[:i]), " ".join(words[i:])
                break
    if not name or not role:
        raise ReportError(f"Cannot tell the name from the role in the team member “{raw}”.", line.number)
    role = role[:1].upper() + role[1:]
    inspectorate = LEAD_INSPECTORATE
    found = re.search(rf"\b({INSPECTORATE_PATTERN})\b", role, re.IGNORECASE)
    if found:
        inspectorate = inspectorate_name(found.group(1))
    return TeamMember(re.sub(r"\s+", " ", name), role, inspectorate, line.number)


GLOSSARY_END = re.compile(r"^(?:©|Crown copyright\b)")


def _glossary(appendix: _Part, text: Text) -> list[GlossaryTerm]:
    """Appendix II's terms and definitions. A term is a short line, not a sentence, that begins
    the appendix's text after a finished sentence or a gap (the text file) or a page furniture;
    its definition runs to the next term, bullets and all. The introduction before the first
    term, and the copyright notice after the last, are not terms."""
    entries: list[tuple[Line, list[Line]]] = []
    previous = ""
    for block in appendix.blocks:
        for position, line in enumerate(block.lines):
            if GLOSSARY_END.match(line.text):
                return _glossary_entries(entries, text)
            starts_anew = position == 0 or re.search(r"[.:;)/]$", previous)
            if starts_anew and len(line.text) <= 60 and line.text[:1].isupper() and not SENTENCE_END.search(line.text):
                entries.append((line, []))
            elif entries:
                entries[-1][1].append(line)
            previous = line.text
    return _glossary_entries(entries, text)


def _glossary_entries(entries, text: Text) -> list[GlossaryTerm]:
    terms = []
    for term, lines in entries:
        if not lines:
            raise ReportError(f"The glossary term “{term.text}” has no definition.", term.number)
        terms.append(GlossaryTerm(term.text, text.join([line.text for line in lines]), term.number))
    return terms


def _front_matter(lines: list[Line], first_section_line: int):
    """Visit dates on the cover (e.g. "7–9 March 2022"), when the text has a cover."""
    visit = re.compile(rf"^(\d{{1,2}})(?:\s+({MONTH}))?\s*[-–]\s*(\d{{1,2}})\s+({MONTH})\s+(\d{{4}})$")
    for line in lines:
        if line.number >= first_section_line:
            break
        match = visit.match(line.text)
        if match:
            year = int(match.group(5))
            end = datetime.date(year, MONTHS[match.group(4)], int(match.group(3)))
            start = datetime.date(year, MONTHS[match.group(2) or match.group(4)], int(match.group(1)))
            return start, end
    return None, None


def parse_report(text: str) -> Report:
    """The report in ``text`` (a text file's, or a PDF's as ``text_from_pdf`` gives it), checked
    against itself; ReportError if it cannot be read or disagrees.

    For a PDF's text (pages marked with form feeds) a refusal names the page as well as the line."""
    if not text.strip():
        raise ReportError("The file is empty: there is no report text to import.")
    if "\x00" in text:
        raise ReportError("The text contains NUL bytes: it is binary, not the text of a report.")
    return parse_document(text_document(text))


def parse_document(document: Document, pages: bool | None = None) -> Report:
    """The report in ``document`` (a reader's lines), checked against itself; a refusal names the
    line and, for a PDF (or ``pages``), its page."""
    if pages is None:
        pages = document.layout or "\f" in document.text
    try:
        return _parse(document)
    except ReportError as error:
        if error.line and error.page is None and pages:
            error.page = document.page_of(error.line)
        raise


POPULATION = re.compile(r"held (?:approximately |around |about )?([\d,]+) (?:prisoners|men|women|children)")
ESTABLISHMENT_NAMED = re.compile(
    rf"((?:{'|'.join(map(re.escape, ESTABLISHMENT_PREFIXES))}) [A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*)"
)


def _establishment_and_title(running_title: str, summary: list[Paragraph]) -> tuple[str, str]:
    """The establishment, from the running title ("Report of an independent review of progress at
    HMP Belmarsh") or else the summary's first words naming it; and the report's title."""
    if RUNNING_TITLE.match(running_title):
        establishment = running_title.removeprefix("Report of an independent review of progress at ").strip()
        return establishment, running_title
    named = ESTABLISHMENT_NAMED.match(summary[0].text)
    if not named:
        raise ReportError("The report does not name the establishment it reviews.", summary[0].line)
    return named.group(1), f"Report of an independent review of progress at {named.group(1)}"


def _parse(document: Document) -> Report:
    lines, title, furniture = document.lines, document.running_title, document.furniture
    if not any(line.text for line in lines):
        raise ReportError("The file is empty: there is no report text to import.")
    joiner = Text(document.text or "\n".join(line.text for line in lines))
    sections, appendices = _parts(_blocks(lines), len(lines))
    scales = _scales(appendices["I"], joiner)

    summary = [p for p, _ in _paragraphs(sections[1], 1, joiner)]
    if not summary:
        raise ReportError("The Chief Inspector’s summary has no numbered paragraphs.", sections[1].heading.line)
    signed_by, published_text, published_on = _signature(sections[1], joiner)
    _check_unplaced(sections[1], 1, _closing_lines(sections[1]), joiner)

    introductions: list[Introduction] = []
    items = _section3(sections[3], scales, joiner, introductions)
    _section4(sections[4], items, scales, joiner)
    key_findings, notable, counts = _section2(sections[2], items, scales, joiner)

    establishment, title = _establishment_and_title(title, summary)

    appendix_text = " ".join(joiner.join([line.text for line in b.lines]) for b in appendices["I"].blocks)
    period, year = _full_inspection(summary + key_findings, appendix_text)
    population = POPULATION.search(summary[0].text)
    visit_start, visit_end = _front_matter(lines, sections[1].heading.line)
    return Report(
        establishment=establishment,
        title=title,
        summary=summary,
        signed_by=signed_by,
        published_text=published_text,
        published_on=published_on,
        published_month_only=not re.match(r"\d", published_text),
        key_findings=key_findings,
        notable_practice=notable,
        stated_counts=counts,
        recommendations=items,
        team=_team(appendices["I"]),
        scales=scales,
        full_inspection_period=period,
        full_inspection_year=year,
        visit_start=visit_start,
        visit_end=visit_end,
        population=int(population.group(1).replace(",", "")) if population else None,  # "held approximately 660"
        glossary=_glossary(appendices["II"], joiner) if "II" in appendices else [],
        introductions=introductions,
        furniture=furniture,
    )
