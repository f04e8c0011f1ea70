"""The grammar of an HMI Prisons full inspection report (``docs/formats/full-inspection.md``, the
format as described; ``docs/full-inspections.md``, what was assumed where it is silent).

It reads a list of ``reports.reading.Line``: a text file's (``lines_from_text``: text, page,
number) or a PDF's read by its layout (``lines_from_document``: a heading is a heading by its type,
wrapped headings joined; page furniture already taken out by its band; paragraphs told apart by the
space above them), and returns a ``FullInspection``: the establishment, the visit and publication, the era, every
concern (with its recommendation before May 2022), the healthy prison scores, notable positive
practice, the numbered paragraphs and the team. Whatever it cannot place is refused with its
page and line: no text is dropped silently.

Both eras:

* before 3 May 2022 ("recommendations"): Section 1 ends with ``Key concerns and
  recommendations``; each concern is a numbered paragraph ``1.38 Concern: …`` followed by
  ``Recommendation: …``; more pairs close the areas of Sections 3–6.
* from 3 May 2022 ("concerns"): ``What needs to improve at HMP X`` lists ``Priority concerns`` and
  ``Key concerns``, each a numbered item ``1.``, ``2.`` … with no recommendation and no area.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from reports.reading.furniture import join_wrapped_headings
from reports.reading.lines import Document, Line, ReportError

# --- Lines -------------------------------------------------------------------------------------


FOOTER = re.compile(r"^\s*Report on an unannounced inspection of (?P<establishment>.+?)\s{2,}(?P<page>\d{1,3})\s*$")


def lines_from_text(text: str) -> list[Line]:
    """The lines of a report's text, each with its page: a page ends with its footer (the
    cover has none, so the lines before the first footer are on the page it numbers)."""
    raws = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    pages = [0] * len(raws)
    following = None
    for index in range(len(raws) - 1, -1, -1):
        match = FOOTER.match(raws[index])
        if match:
            following = int(match.group("page"))
        pages[index] = following if following is not None else 0
    last = max(pages, default=0)
    return [
        Line(raw.strip(), pages[i] if pages[i] else last + 1, i + 1)
        for i, raw in enumerate(raws)
        if not (i == len(raws) - 1 and not raw.strip())
    ]


def lines_from_document(document: Document) -> list[Line]:
    """The lines of a PDF read by its layout (``reports.reading.read_document``), in the shape the
    grammar reads a text file's: each heading (a line set larger or bolder than the body, its
    wrapped lines joined into one whatever their case) stands alone between blank lines, and a
    paragraph, a bullet or a table row that stands apart (space above it) starts after a blank
    line. A page break is no blank line: page furniture is gone, and a body line at the top of a
    page carries on the block above it unless it opens one (see ``_blocks``). A document without
    layout (a text file, or a PDF that sets everything in one type) keeps the text rules."""
    if not document.layout:
        return lines_from_text(document.text)
    lines = join_wrapped_headings(document.lines, starts_anew=_starts_anew)
    out: list[Line] = []

    def blank(line: Line) -> None:
        if out and out[-1].text:
            out.append(Line("", line.page, line.number))

    previous: Line | None = None
    for line in lines:
        if line.heading or (previous is not None and previous.heading):
            blank(line)
        elif line.gap_before is not None and line.gap_before > PARAGRAPH_GAP:
            blank(line)
        out.append(line)
        previous = line
    return out


PARAGRAPH_GAP = 1.5  # points of space above a line, beyond the body's line pitch, that start a paragraph


def _starts_anew(line: Line) -> bool:
    """A heading line that is never the next line of the heading above it: a section or an
    appendix starts its own."""
    text = line.text.strip()
    return bool(SECTION.match(text) or APPENDIX.match(text))


def running_titles_checked(document: Document, establishment: str) -> None:
    """A PDF's running header or footer (found by its band, whatever it says) that names a full
    inspection names this report's establishment; ReportError with its page if not."""
    for item in document.furniture:
        found = RUNNING.match(item.text.strip())
        if item.kind == "running title" and found and found.group("establishment") != establishment:
            raise ReportError(
                f"This page's running title names {found.group('establishment')}, "
                f"but the report is about {establishment}.",
                item.number,
                item.page,
            )


RUNNING = re.compile(
    r"^(?:(?:Page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?\s+)?Report on an unannounced inspection of "
    r"(?P<establishment>.+?)(?:\s{2,}.*|\s+(?:Page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?)?$"
)


# --- What a full inspection report says -------------------------------------------------------

TEST_KEYS = {
    "safety": "safety",
    "respect": "respect",
    "purposeful activity": "purposeful_activity",
    "rehabilitation and release planning": "rehabilitation_and_release_planning",
    "resettlement": "rehabilitation_and_release_planning",
    "preparation for release": "rehabilitation_and_release_planning",
}
FOURTH_TEST_NAMES = ["rehabilitation and release planning", "resettlement", "preparation for release"]
GRADES = {"good": 4, "reasonably good": 3, "not sufficiently good": 2, "poor": 1}
ROLES = [
    "Lead health and social care inspector",
    "Care Quality Commission inspector",
    "Health and social care inspector",
    "Ofsted inspector",
    "Team leader",
    "Researcher",
    "Pharmacist",
    "Inspector",
]
ROLE_INSPECTORATE = {"Ofsted inspector": "Ofsted", "Care Quality Commission inspector": "CQC"}
RECOMMENDATIONS, CONCERNS = "recommendations", "concerns"
NEW_ERA_FROM = datetime.date(2022, 5, 3)


@dataclass
class Concern:
    ref: str  # "1.38"; "" for a concern of a report from May 2022
    number: int | None  # 1, 2 … for a concern of a report from May 2022
    section: int | None
    priority: bool
    area: str
    area_note: str | None
    area_as_printed: str
    text: str
    recommendation: str
    position: int
    line: int
    page: int


@dataclass
class NumberedParagraph:
    number: str
    section: int
    text: str
    line: int
    page: int
    part: str = "evidence"  # "key_findings" (Section 1), "notable_practice", "evidence"


@dataclass
class Practice:
    title: str
    paragraph: str
    see: str
    line: int


@dataclass
class Member:
    name: str
    role: str
    inspectorate: str
    line: int


@dataclass
class FullInspection:
    establishment: str
    title: str
    visit_start: datetime.date
    visit_end: datetime.date
    visit_as_printed: str
    published_year: int
    published_month: int
    era: str
    signed_by: str = ""
    prisoners_held: int | None = None
    scores: dict = field(default_factory=dict)  # test key → 1..4
    score_words: dict = field(default_factory=dict)
    fourth_test_as_printed: str = ""
    concerns: list[Concern] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    notable_practice: list[Practice] = field(default_factory=list)
    paragraphs: list[NumberedParagraph] = field(default_factory=list)
    areas: dict = field(default_factory=dict)  # section → [(area, note, as printed)]
    team: list[Member] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def published_on(self) -> datetime.date:
        return datetime.date(self.published_year, self.published_month, 1)

    @property
    def published_text(self) -> str:
        return f"{list(MONTHS)[self.published_month - 1]} {self.published_year}"

    @property
    def recommendations(self) -> list[Concern]:
        return [c for c in self.concerns if c.recommendation]


# --- Reading ----------------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, name in enumerate(
        "January February March April May June July August September October November December".split(), start=1
    )
}
MONTH = "(?:" + "|".join(MONTHS) + ")"
DASH = r"\s*[–—-]\s*"
TITLE = re.compile(
    r"^Report on an unannounced inspection of (?P<establishment>\S.*?) by HM Chief Inspector of Prisons,"
    r"\s*(?P<dates>.+?)\s*$"
)
DATES = re.compile(
    rf"^(?P<d1>\d{{1,2}})(?:\s+(?P<m1>{MONTH}))?(?:\s+(?P<y1>\d{{4}}))?{DASH}(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH})\s+(?P<y2>\d{{4}})$"
)
NUMBERED = re.compile(r"^(?P<section>\d{1,2})\.(?P<index>\d{1,3})\s+(?P<rest>\S.*)$")
LISTED = re.compile(r"^(?P<number>\d{1,2})\.\s+(?P<rest>\S.*)$")
SECTION = re.compile(r"^Section\s+(?P<number>\d)\s+(?P<title>\S.*)$")
APPENDIX = re.compile(r"^Appendix\s+(?P<number>[IVX]+)\s+(?P<title>\S.*)$")
FIGURE = re.compile(r"^Figure\s+\d+:\s*\S")
PUBLISHED = re.compile(rf"^(?P<month>{MONTH})\s+(?P<year>\d{{4}})$")
SEE = re.compile(r"\(See paragraph (?P<number>\d{1,2}\.\d{1,3})\.?\)\.?$")
GLOSSARY_NOTE = re.compile(r"\s*\((?P<note>see Glossary)\)\s*$", re.IGNORECASE)
SCORES_OPENING = re.compile(r"we found that outcomes for prisoners\s+were:$")
SCORE_BULLET = re.compile(r"^(?P<grade>.+?) for (?P<test>.+?)\.?$")
COPYRIGHT = re.compile(r"^(?:©|Crown copyright\b)")
LABEL = re.compile(r"^[A-Z][^:]{1,80}:\s+\S")
SECTION_TITLES = {
    1: ["summary of key findings"],
    2: ["leadership"],
    3: ["safety"],
    4: ["respect"],
    5: ["purposeful activity"],
    6: FOURTH_TEST_NAMES,
    7: ["progress on recommendations from the last full inspection"],
    8: ["appendices"],
}
SECTION1_FIXED = {
    "outcomes for prisoners",
    "leadership",
    "safety",
    "respect",
    "purposeful activity",
    *FOURTH_TEST_NAMES,
    "notable positive practice",
    "key concerns and recommendations",
    "priority concerns",
    "key concerns",
}
NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
for _tens, _word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2):
    NUMBER_WORDS[_word] = _tens * 10
    for _unit, _unit_word in enumerate("one two three four five six seven eight nine".split(), start=1):
        NUMBER_WORDS[f"{_word}-{_unit_word}"] = _tens * 10 + _unit
NUMBER = r"(?P<{name}>\d{{1,3}}|[A-Za-z]+(?:-[a-z]+)?)"


def _number(word: str, line: Line) -> int:
    if word.isdigit():
        return int(word)
    try:
        return NUMBER_WORDS[word.lower()]
    except KeyError:
        raise _error(f"“{word}” is not a number this importer can read.", line) from None


def _error(message: str, line: Line | None) -> ReportError:
    if line is None:
        return ReportError(message)
    if message.endswith("cannot be placed.") and line.text.strip() and f"“{line.text.strip()}”" not in message:
        # Never dropped, never unnamed: the line is quoted, as a PDF's line number is shown nowhere else.
        message = f"{message} The line reads “{_quote(line.text.strip())}”."
    return ReportError(message, line.number, line.page)


def _quote(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def join(lines: list[str]) -> str:
    """A block's lines as one text: one space between lines, none after a hyphen that follows a
    letter or digit (``body-`` + ``worn``)."""
    text = ""
    for raw in lines:
        part = raw.strip()
        if not part:
            continue
        if not text:
            text = part
        elif re.search(r"[A-Za-z0-9]-$", text):
            text += part
        else:
            text += " " + part
    return text


def _ended(text: str) -> bool:
    """Whether a block whose last line is ``text`` has ended (the next may be a heading)."""
    stripped = text.strip()
    return bool(re.search(r"(?:[.:;]|\.\))$", stripped)) or len(stripped) < 55


@dataclass
class Block:
    kind: str  # "paragraph", "listed", "concern", "recommendation", "bullet", "figure", "text"
    lines: list[Line]
    number: str = ""  # "3.12" for a paragraph, "4" for a listed concern

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def text(self) -> str:
        return join([line.text for line in self.lines])


class Reader:
    """Turns lines into blocks section by section, tracking each section's next paragraph number."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.expected: dict[int, int] = {}

    def opener(self, text: str, section: int | None, at_start: bool) -> tuple[str, str] | None:
        """The kind and number of the block ``text`` opens, or None when it continues one."""
        stripped = text.strip()
        match = NUMBERED.match(stripped)
        if match and section is not None:
            number = (int(match.group("section")), int(match.group("index")))
            if number[0] == section and number[1] == self.expected.get(section, 1) and at_start:
                return "paragraph", f"{number[0]}.{number[1]}"
        if stripped.startswith("Concern: "):
            return "concern", ""
        if stripped.startswith("Recommendation: "):
            return "recommendation", ""
        if stripped.startswith("• "):
            return "bullet", ""
        if FIGURE.match(stripped):
            return "figure", ""
        match = LISTED.match(stripped)
        if match and at_start:
            return "listed", match.group("number")
        return None


def _groups(lines: list[Line], establishment: str) -> list[list[Line]]:
    """Runs of lines between blank lines and footers, the footers checked and dropped."""
    groups: list[list[Line]] = []
    current: list[Line] = []
    last_page = None
    for line in lines:
        footer = FOOTER.match(line.text)
        if footer:
            if footer.group("establishment") != establishment:
                raise _error(
                    f"This page's footer names {footer.group('establishment')}, "
                    f"but the report is about {establishment}.",
                    line,
                )
            page = int(footer.group("page"))
            if last_page is not None and page != last_page + 1:
                what = "repeats" if page <= last_page else "skips"
                raise _error(f"The footer {what} a page number: page {page} follows page {last_page}.", line)
            last_page = page
        if footer or not line.text.strip():
            if current:
                groups.append(current)
                current = []
            continue
        current.append(line)
    if current:
        groups.append(current)
    return groups


def parse_full_inspection(lines: list[Line]) -> FullInspection:
    """Reads a full inspection report; ``ReportError`` with page and line when it cannot."""
    return _Grammar(lines).parse()


def parse_full_inspection_document(document: Document) -> FullInspection:
    """Reads a full inspection report from a reader's document (a PDF by its layout, or text)."""
    report = parse_full_inspection(lines_from_document(document))
    if document.layout:
        running_titles_checked(document, report.establishment)
    return report


class _Grammar:
    def __init__(self, lines: list[Line]):
        self.lines = [line for line in lines]
        self.reader = Reader(self.lines)

    # -- the whole report --

    def parse(self) -> FullInspection:
        first = next((line for line in self.lines if line.text.strip()), None)
        if first is None:
            raise ReportError("The report is empty.")
        title = TITLE.match(first.text.strip())
        if not title:
            raise _error("The first line is not the title of a full inspection report.", first)
        establishment = title.group("establishment")
        start, end = _visit(title.group("dates"), first)
        groups = _groups(self.lines[self.lines.index(first) + 1 :], establishment)
        self.report = FullInspection(
            establishment=establishment,
            title=first.text.strip(),
            visit_start=start,
            visit_end=end,
            visit_as_printed=title.group("dates"),
            published_year=0,
            published_month=0,
            era="",
        )
        parts = self._parts(groups, establishment)
        self._introduction(parts["introduction"])
        if "improve" in parts:
            self._what_needs_to_improve(parts["improve"])
        self._about(parts["about"])
        for section in range(1, 8):
            self._section(section, parts[section])
        self._appendices(parts[8])
        self._check()
        return self.report

    def _parts(self, groups, establishment):
        """Splits the report into its parts, in order: contents, introduction, what needs to
        improve (from May 2022), about, Sections 1–8."""
        parts: dict = {}
        order = []
        current = None
        contents_seen = False
        improve = f"what needs to improve at {establishment}".lower()
        about = f"about {establishment}".lower()
        for group in groups:
            head = group[0].text.strip()
            low = head.lower()
            two = (head + " " + group[1].text.strip()).lower() if len(group) > 1 else low
            key = None
            rest = group
            if current is None and low == "contents":
                key, rest = "contents", group[1:]
                contents_seen = True
            elif low == "introduction" and current in ("contents", None):
                key, rest = "introduction", group[1:]
            elif current == "introduction" and (low == improve or two == improve):
                key, rest = "improve", group[1:] if low == improve else group[2:]
            elif current in ("introduction", "improve") and low == about:
                key, rest = "about", group[1:]
            elif SECTION.match(head) and current != "contents":
                match = SECTION.match(head)
                number = int(match.group("number"))
                title = match.group("title").lower()
                rest = group[1:]
                if number == 7 and len(group) > 1 and title + " " + group[1].text.strip().lower() in SECTION_TITLES[7]:
                    title, rest = title + " " + group[1].text.strip().lower(), group[2:]
                if title not in SECTION_TITLES.get(number, []):
                    raise _error(f"“{head}” is not a section of a full inspection report.", group[0])
                expected = 1 if current in ("about",) else (current + 1 if isinstance(current, int) else None)
                if expected != number:
                    raise _error(
                        f"Section {number} is out of order: "
                        + (f"Section {expected} should come next." if expected else "it comes before About."),
                        group[0],
                    )
                key = number
                if number == 6:
                    self.report.fourth_test_as_printed = title
            if key is not None:
                current = key
                order.append(key)
                parts[key] = []
                if rest:
                    parts[key].append(rest)
                continue
            if current is None:
                raise _error("This line comes before the contents: it cannot be placed.", group[0])
            parts[current].append(group)
        if not contents_seen:
            raise ReportError("The report has no contents page after its title.")
        for needed in ["introduction", "about", *range(1, 9)]:
            if needed not in parts:
                name = f"Section {needed}" if isinstance(needed, int) else needed.capitalize()
                raise ReportError(f"{name} is missing from the report.")
        return parts

    # -- the parts before Section 1 --

    def _introduction(self, groups):
        signature = None
        for index, group in enumerate(groups):
            texts = [line.text.strip() for line in group]
            if "HM Chief Inspector of Prisons" in texts:
                signature = (index, group, texts.index("HM Chief Inspector of Prisons"))
        if signature is None:
            raise _error(
                "The introduction is not signed by HM Chief Inspector of Prisons.", groups[0][0] if groups else None
            )
        index, group, at = signature
        if at == 0 or at + 1 >= len(group):
            raise _error(
                "The introduction's signature needs a name before and the month of publication after.", group[at]
            )
        self.report.signed_by = f"{group[at - 1].text.strip()}, HM Chief Inspector of Prisons"
        month_line = group[at + 1]
        published = PUBLISHED.match(month_line.text.strip())
        if not published:
            raise _error(
                f"“{month_line.text.strip()}” is not a month of publication, such as October 2021.", month_line
            )
        self.report.published_year = int(published.group("year"))
        self.report.published_month = MONTHS[published.group("month")]
        if self.report.published_on < self.report.visit_end.replace(day=1):
            raise _error("The report is published before the visit ended.", month_line)
        for extra in group[at + 2 :] + [line for later in groups[index + 1 :] for line in later]:
            raise _error("This line follows the Chief Inspector's signature: it cannot be placed.", extra)

    def _what_needs_to_improve(self, groups):
        """From May 2022: an introduction with the count, then Priority concerns and Key concerns,
        each a numbered list."""
        priority = None
        stated = None
        blocks = self._blocks(groups, None)
        position = 0
        last_number = 0
        restarted = False
        for block in blocks:
            low = block.text.lower()
            if block.kind == "text" and low in ("priority concerns", "key concerns"):
                priority = low == "priority concerns"
                continue
            if block.kind == "listed" and priority is not None:
                number = int(block.number)
                restarts = number == 1 and last_number and not priority and not restarted
                if number != last_number + 1 and not restarts:
                    raise _error(
                        f"Concern {number} is out of order: concern {last_number + 1} should come next.", block.first
                    )
                restarted = restarted or bool(restarts)
                last_number = number
                position += 1
                text = LISTED.sub(r"\g<rest>", join([line.text for line in block.lines]), count=1)
                # A list that restarts at 1 is numbered by each concern's position in reading order.
                self.report.concerns.append(
                    Concern(
                        "",
                        position,
                        None,
                        priority,
                        "",
                        None,
                        "",
                        text,
                        "",
                        position,
                        block.first.number,
                        block.first.page,
                    )
                )
                continue
            if block.kind == "text" and priority is None:
                found = re.search(
                    rf"identified {NUMBER.format(name='total')} key concerns, "
                    rf"of which {NUMBER.format(name='priorities')} "
                    r"should be treated as priorities",
                    block.text,
                )
                if found:
                    stated = (
                        _number(found.group("total"), block.first),
                        _number(found.group("priorities"), block.first),
                        block.first,
                    )
                continue
            raise _error(
                "This line in “What needs to improve” is neither a concern nor a heading: it cannot be placed.",
                block.first,
            )
        if not self.report.concerns:
            raise _error("“What needs to improve” lists no concerns.", groups[0][0] if groups else None)
        self.report.counts = {
            "key_concerns": len(self.report.concerns),
            "priority_concerns": sum(1 for c in self.report.concerns if c.priority),
        }
        if stated:
            total, priorities, line = stated
            if total != len(self.report.concerns) or priorities != self.report.counts["priority_concerns"]:
                raise _error(
                    f"The report says {total} key concerns, {priorities} of them priorities, but lists "
                    f"{len(self.report.concerns)}, {self.report.counts['priority_concerns']} of them priorities.",
                    line,
                )

    def _about(self, groups):
        for group in groups:
            for line in group:
                found = re.match(r"^Prisoners held at the time of inspection:\s*(?P<n>[\d,]+)$", line.text.strip())
                if found:
                    self.report.prisoners_held = int(found.group("n").replace(",", ""))

    # -- Sections 1–7 --

    def _blocks(self, groups, section) -> list[Block]:
        """The blocks of a part: a group opens a block when its first line does, or when it is a
        heading after a block that ended; otherwise it continues the block before. Within a
        group, a line continues the block before unless it opens one."""
        blocks: list[Block] = []
        for group in groups:
            for index, line in enumerate(group):
                previous = blocks[-1] if blocks else None
                previous_ended = previous is None or _ended(previous.lines[-1].text)
                if line.has_layout:
                    # A PDF's paragraph starts after space (a new group) or at the top of a page: a
                    # line that merely wraps ("1.5 hours …") never opens one, however short the line above.
                    at_start = index == 0 or (line.page_start and previous_ended)
                else:
                    at_start = index == 0 or previous_ended
                opened = self.reader.opener(line.text, section, at_start)
                if opened:
                    kind, number = opened
                    if kind == "paragraph":
                        self.reader.expected[section] = int(number.split(".")[1]) + 1
                    blocks.append(Block(kind, [line], number))
                elif previous is None or (index == 0 and previous_ended):
                    self._check_number(line, section)
                    blocks.append(Block("text", [line]))
                else:
                    previous.lines.append(line)
        return blocks

    def _check_number(self, line: Line, section):
        """A block that starts like a numbered paragraph but is not the next one is refused."""
        match = NUMBERED.match(line.text.strip())
        if not match or section is None:
            return
        printed = f"{match.group('section')}.{match.group('index')}"
        if int(match.group("section")) != section:
            raise _error(f"Paragraph {printed} stands in Section {section}: it is in the wrong section.", line)
        raise _error(
            f"Paragraph {printed} is out of order: paragraph {section}.{self.reader.expected.get(section, 1)} "
            "should come next.",
            line,
        )

    def _section(self, section: int, groups):
        blocks = self._blocks(groups, section)
        area = None  # (area, note, as printed)
        subheading = None
        paragraph: NumberedParagraph | None = None
        pending_concern: tuple[Block, NumberedParagraph, tuple] | None = None
        areas: list = []
        scores_paragraph = None
        bullets: list[Block] = []
        practice_title = None
        practice_count = None
        count_paragraph = None

        def close_concern():
            if pending_concern is not None:
                raise _error(
                    f"The concern at {pending_concern[1].number} has no recommendation.", pending_concern[0].first
                )

        for block in blocks:
            text = block.text
            if block.kind == "paragraph":
                close_concern()
                pending_concern = None
                self._close_scores(scores_paragraph, bullets)
                scores_paragraph, bullets = None, []
                body = NUMBERED.match(text).group("rest")
                part = "key_findings" if section == 1 else "evidence"
                paragraph = NumberedParagraph(block.number, section, body, block.first.number, block.first.page, part)
                self.report.paragraphs.append(paragraph)
                if body.startswith("Concern: "):
                    if section == 1 and subheading not in ("priority concerns", "key concerns"):
                        raise _error(
                            "A concern in Section 1 stands under Priority concerns or Key concerns.", block.first
                        )
                    if section in (2, 7):
                        raise _error(f"Section {section} holds no concerns.", block.first)
                    if area is None:
                        raise _error("This concern has no area heading before it.", block.first)
                    paragraph.text = body
                    pending_concern = (block, paragraph, area, subheading == "priority concerns")
                    continue
                if SCORES_OPENING.search(body):
                    scores_paragraph = (paragraph, block)
                if subheading == "notable positive practice" and section == 1:
                    found = re.search(rf"found {NUMBER.format(name='n')} examples? of notable positive practice", body)
                    if found:
                        practice_count = (_number(found.group("n"), block.first), block.first)
                    elif practice_title is not None:
                        see = SEE.search(body)
                        if not see:
                            raise _error(
                                "A notable practice paragraph ends with the paragraph it refers to, "
                                "“(See paragraph 3.7.)”.",
                                block.first,
                            )
                        paragraph.part = "notable_practice"
                        self.report.notable_practice.append(
                            Practice(practice_title, block.number, see.group("number"), block.first.number)
                        )
                        practice_title = None
                if subheading == "key concerns and recommendations" and section == 1:
                    count_paragraph = (body, block.first)
                continue
            if block.kind == "recommendation":
                if pending_concern is None:
                    raise _error("A recommendation without its concern.", block.first)
                concern_block, concern_paragraph, concern_area, priority = pending_concern
                recommendation = text.removeprefix("Recommendation: ")
                concern_text = concern_paragraph.text.removeprefix("Concern: ")
                concern_paragraph.text = f"Concern: {concern_text}\nRecommendation: {recommendation}"
                self.report.concerns.append(
                    Concern(
                        concern_paragraph.number,
                        None,
                        section,
                        priority,
                        concern_area[0],
                        concern_area[1],
                        concern_area[2],
                        concern_text,
                        recommendation,
                        len(self.report.concerns) + 1,
                        concern_block.first.number,
                        concern_block.first.page,
                    )
                )
                pending_concern = None
                continue
            if block.kind == "concern":
                raise _error("A concern stands in a numbered paragraph, e.g. “1.38 Concern: …”.", block.first)
            if block.kind == "bullet":
                if paragraph is None:
                    raise _error("A bullet before any paragraph: it cannot be placed.", block.first)
                if scores_paragraph is not None:
                    bullets.append(block)
                paragraph.text += "\n" + text
                continue
            if block.kind == "figure":
                continue
            if block.kind == "listed":
                raise _error("A numbered list item in this section: it cannot be placed.", block.first)
            # a heading: one or two lines, no final full stop
            close_concern()
            pending_concern = None
            self._close_scores(scores_paragraph, bullets)
            scores_paragraph, bullets = None, []
            if len(block.lines) > 2 or text.endswith(".") or (block.first.has_layout and not block.first.heading):
                # A PDF's heading is set as one (larger or bolder than the body); body text standing
                # alone here belongs to nothing.
                raise _error(
                    "This text is neither a numbered paragraph nor a heading: it cannot be placed.", block.first
                )
            paragraph = None
            low = text.lower()
            if section == 1:
                if low in SECTION1_FIXED or low.startswith("progress on "):
                    subheading = low
                    continue
                if subheading == "notable positive practice":
                    practice_title = text
                    continue
                if subheading in ("priority concerns", "key concerns"):
                    area = _area(text)
                    continue
                raise _error(f"“{text}” is not a heading of Section 1: it cannot be placed.", block.first)
            if section in (3, 4, 5, 6):
                area = _area(text)
                if area not in areas:
                    areas.append(area)
                continue
            raise _error(
                f"Section {section} has no headings, but “{text}” reads as one: it cannot be placed.", block.first
            )
        close_concern()
        self._close_scores(scores_paragraph, bullets)
        if areas:
            self.report.areas[section] = areas
        if section == 1:
            self._section1_checks(practice_count, count_paragraph, blocks)

    def _close_scores(self, scores_paragraph, bullets):
        if scores_paragraph is None:
            return
        paragraph, block = scores_paragraph
        if self.report.scores:
            raise _error("The healthy prison scores are given twice.", block.first)
        for bullet in bullets:
            item = bullet.text.removeprefix("• ").strip()
            found = SCORE_BULLET.match(item)
            grade, test = (found.group("grade").lower(), found.group("test").lower()) if found else ("", "")
            if grade not in GRADES:
                raise _error(
                    f"“{item}” does not give a grade (good, reasonably good, not sufficiently good, poor).",
                    bullet.first,
                )
            if test not in TEST_KEYS:
                raise _error(f"“{test or item}” is not a healthy prison test.", bullet.first)
            key = TEST_KEYS[test]
            if key in self.report.scores:
                raise _error(f"The {test} test is scored twice.", bullet.first)
            self.report.scores[key] = GRADES[grade]
            self.report.score_words[key] = grade
            if key == "rehabilitation_and_release_planning":
                score_name = test
        missing = [key for key in dict.fromkeys(TEST_KEYS.values()) if key not in self.report.scores]
        if missing:
            raise _error(
                f"The healthy prison scores miss {', '.join(m.replace('_', ' ') for m in missing)}.", block.first
            )
        self.report.fourth_test_as_printed = score_name

    def _section1_checks(self, practice_count, count_paragraph, blocks):
        if practice_count is not None and practice_count[0] != len(self.report.notable_practice):
            raise _error(
                f"The report says it found {practice_count[0]} examples of notable positive practice, "
                f"but describes {len(self.report.notable_practice)}.",
                practice_count[1],
            )
        if not self.report.scores:
            raise _error(
                "Section 1 gives no healthy prison scores (“…we found that outcomes for prisoners were:”).",
                blocks[0].first if blocks else None,
            )
        if count_paragraph is not None:
            self._stated_counts(*count_paragraph)

    def _stated_counts(self, body, line):
        made = re.search(rf"we made {NUMBER.format(name='n')} recommendations", body)
        key = re.search(
            rf"{NUMBER.format(name='k')} key concerns, of which {NUMBER.format(name='p')} "
            r"should be treated as priorities",
            body,
            re.IGNORECASE,
        )
        other = re.search(rf"The other {NUMBER.format(name='o')} recommendations", body)
        self.report.counts["stated"] = {
            "recommendations": _number(made.group("n"), line) if made else None,
            "summary_key_concerns": _number(key.group("k"), line) if key else None,
            "priority_concerns": _number(key.group("p"), line) if key else None,
            "other": _number(other.group("o"), line) if other else None,
        }

    # -- Section 8 --

    def _appendices(self, groups):
        lines = [line for group in groups for line in group]
        start = next((i for i, line in enumerate(lines) if line.text.strip() == "Inspection team"), None)
        if start is None:
            raise _error("Appendix I does not list the inspection team.", lines[0] if lines else None)
        index = start + 1
        if index < len(lines) and re.match(r"(?i)^this inspection was carried out by:?$", lines[index].text.strip()):
            index += 1
        while index < len(lines):
            line = lines[index]
            text = line.text.strip()
            if APPENDIX.match(text) or COPYRIGHT.match(text):
                break
            self.report.team.append(_member(line))
            index += 1
        if not self.report.team:
            raise _error("The inspection team list is empty.", lines[start])
        names = [member.name for member in self.report.team]
        for member in self.report.team:
            if names.count(member.name) > 1:
                raise ReportError(f"{member.name} is listed twice in the inspection team.", member.line)

    # -- the report against itself --

    def _check(self):
        report = self.report
        summary_concerns = [c for c in report.concerns if c.section == 1]
        numbered = [c for c in report.concerns if c.section is None]
        if summary_concerns and numbered:
            raise ReportError(
                "This report has both eras' structures: numbered key concerns and concerns with recommendations."
            )
        if not summary_concerns and not numbered:
            raise ReportError(
                "This report has neither era's structure: no “Key concerns and recommendations” in Section 1 "
                "and no “What needs to improve” part."
            )
        report.era = RECOMMENDATIONS if summary_concerns else CONCERNS
        if report.era == CONCERNS and any(c.section is not None for c in report.concerns):
            raise ReportError("A report from May 2022 makes no recommendations, but this one does.")
        published = report.published_on
        if report.era == RECOMMENDATIONS and published >= datetime.date(2022, 6, 1):
            raise ReportError(
                f"A report published in {report.published_text} lists key concerns without recommendations, "
                "but this one makes recommendations."
            )
        if report.era == CONCERNS and published < datetime.date(2022, 5, 1):
            raise ReportError(
                f"A report published in {report.published_text} makes recommendations, "
                "but this one lists key concerns alone."
            )
        if report.era == RECOMMENDATIONS:
            stated = report.counts.pop("stated", None) or {}
            counted = {
                "recommendations": len(report.concerns),
                "summary_key_concerns": len(summary_concerns),
                "priority_concerns": sum(1 for c in report.concerns if c.priority),
            }
            for key, value in stated.items():
                target = counted.get(key, len(report.concerns) - len(summary_concerns))
                if value is not None and value != target:
                    raise ReportError(
                        f"Section 1 says {value} {key.replace('_', ' ').replace('summary ', '')}, but the report "
                        f"has {target}."
                    )
            report.counts = counted
        key_concerns = report.counts.get("summary_key_concerns", report.counts.get("key_concerns", 0))
        if key_concerns > 15:
            report.warnings.append(f"The report lists {key_concerns} key concerns; HMI Prisons lists up to 15.")
        priorities = report.counts.get("priority_concerns", 0)
        if not 3 <= priorities <= 6:
            report.warnings.append(f"The report names {priorities} priority concerns; HMI Prisons names three to six.")
        numbers = {p.number for p in report.paragraphs}
        for practice in report.notable_practice:
            if practice.see not in numbers:
                raise ReportError(
                    f"Notable practice at {practice.paragraph} refers to paragraph {practice.see}, "
                    "which the report does not have.",
                    practice.line,
                )


def _area(text: str) -> tuple[str, str | None, str]:
    note = GLOSSARY_NOTE.search(text)
    if note:
        return GLOSSARY_NOTE.sub("", text), note.group("note"), text
    return text, None, text


def _visit(dates: str, line: Line) -> tuple[datetime.date, datetime.date]:
    match = DATES.match(dates)
    if not match:
        raise _error(f"The visit dates “{dates}” cannot be read (e.g. 4–14 March 2024, 26 July – 6 August 2021).", line)
    end_month, end_year = MONTHS[match.group("m2")], int(match.group("y2"))
    start_month = MONTHS[match.group("m1")] if match.group("m1") else end_month
    start_year = int(match.group("y1")) if match.group("y1") else end_year
    try:
        start = datetime.date(start_year, start_month, int(match.group("d1")))
        end = datetime.date(end_year, end_month, int(match.group("d2")))
    except ValueError:
        raise _error(f"The visit dates “{dates}” are not days of the calendar.", line) from None
    if end < start:
        raise _error(f"The visit “{dates}” ends before it starts.", line)
    return start, end


def _member(line: Line) -> Member:
    text = re.sub(r"\s+", " ", line.text.strip())
    for role in ROLES:
        if text.endswith(" " + role):
            name = text[: -len(role)].strip()
            if name:
                return Member(name, role, ROLE_INSPECTORATE.get(role, "HMI Prisons"), line.number)
    raise _error(f"“{line.text.strip()}” is not a team member with a known role ({', '.join(ROLES)}).", line)
