"""Typesets a report's text as HMI Prisons publishes it, with reportlab, for testing the importer.

The text's own layout (its line breaks, page breaks, footers) is thrown away: paragraphs are
reflowed to the page, every page gets the running footer and its number (drawn by ``onPage``),
each section and appendix starts a page, and Section 4 and the inspection team are set as
two-column tables, as in the published PDFs. Different page sizes and margins make the page
breaks fall in different places, inside paragraphs, concerns, recommendations, lists and tables.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import CondPageBreak

from reports.parser import KNOWN_ROLES

LEVEL = re.compile(r"^[A-Z][a-z]*(?: [a-z]+)* progress$")
STARTS = re.compile(r"^(Section \d+ |Appendix [IVX]+ |Figure \d+:|Concern:|Recommendation:|Theme \d+:|\d+\.\d+ )")
FOOTER = re.compile(r"^Report of an independent review of progress at .+?\s+\d+\s*$")


@dataclass
class Layout:
    """A page: its size, margins and type; where the running title goes and how it is set."""

    pagesize: tuple[float, float] = A4
    margin: float = 20 * mm
    size: float = 10.5
    footer_above: bool = False  # the running title at the top of the page instead of the bottom
    font: str = "Helvetica"
    bold_font: str = "Helvetica-Bold"
    labels_bold: bool = False  # "Concern:", "Recommendation:", "Theme 1:" in bold, the rest not
    heading_breaks: dict[str, str] = field(default_factory=dict)  # a heading -> where its lines break ("\n")
    page_label: str = "{n}"  # how the page number is printed ("Page {n} of {total}")
    running_size: float = 8
    running_bold: bool = False
    heading_extra: float = 5  # how much larger than the body the section headings are set
    top_space: float = 0  # space before the first line of each section (moves the page breaks)
    facing: str = ""  # the running header of even pages, where it differs (a book's facing pages)

    @property
    def leading(self):
        return self.size * 1.3


LAYOUTS = {
    "a4": Layout(),
    "a4-narrow": Layout(margin=34 * mm, size=11),
    "a4-header": Layout(margin=24 * mm, size=9.5, footer_above=True),
}


def _blocks(text: str) -> list[list[str]]:
    """The text's blocks (runs of lines between blank lines), without its page furniture."""
    blocks: list[list[str]] = [[]]
    for raw in text.splitlines():
        line = raw.strip()
        if FOOTER.match(line) or re.fullmatch(r"\d{1,3}", line):
            continue
        if not line:
            if blocks[-1]:
                blocks.append([])
            continue
        new_page = raw[:1] == " " and blocks[-1] and re.search(r"[.:?]$", blocks[-1][-1])
        if blocks[-1] and (new_page or STARTS.match(line)):
            blocks.append([])
        blocks[-1].append(line)
    return [b for b in blocks if b]


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out.endswith("-") and re.match(r"[a-z]", line) and not out.endswith(("body-", "self-", "education-")):
            out = out[:-1] + line
        elif out.endswith("-"):
            out += line
        else:
            out = f"{out} {line}".strip()
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _split_member(line: str) -> tuple[str, str]:
    for role in KNOWN_ROLES:
        if line.lower().endswith(" " + role.lower()):
            return line[: -len(role)].strip(), line[-len(role) :]
    name, role = re.split(r"\s{2,}", line, maxsplit=1)
    return name, role


def story(text: str, layout: Layout) -> list:
    body = ParagraphStyle("body", fontName=layout.font, fontSize=layout.size, leading=layout.leading, spaceAfter=6)
    bold = ParagraphStyle("bold", parent=body, fontName=layout.bold_font, spaceAfter=3)
    heading = ParagraphStyle(
        "heading",
        parent=body,
        fontName=layout.bold_font,
        fontSize=layout.size + layout.heading_extra,
        leading=layout.size + layout.heading_extra + 3,
    )
    cell = ParagraphStyle("cell", parent=body, spaceAfter=0)
    flow: list = []
    frame_width = layout.pagesize[0] - 2 * layout.margin
    blocks = _blocks(text)
    section = ""
    table: list[list] = []
    pending: list[str] = []

    def flush_table():
        if table:
            widths = [frame_width - 45 * mm, 45 * mm]
            flow.append(Table(list(table), colWidths=widths, repeatRows=0, style=_grid()))
            table.clear()

    for i, block in enumerate(blocks):
        first = block[0]
        starts = re.match(r"^(Section \d+|Appendix [IVX]+)\b", first)
        if starts and not re.search(r"\s\d+$", first):
            flush_table()
            if flow:
                flow.append(PageBreak())
            section = starts.group(1)
            title = _join(block)
            broken = layout.heading_breaks.get(title, title)
            flow.append(Paragraph("<br/>".join(_escape(part.strip()) for part in broken.split("\n")), heading))
            flow.append(Spacer(1, 6 + layout.top_space))
            continue
        if section == "Section 4":
            # Rows: item text, then its judgement; headers between them.
            for line in block:
                if LEVEL.match(line) and pending:
                    table.append([Paragraph(_escape(_join(pending)), cell), Paragraph(line, cell)])
                    pending = []
                elif re.match(r"^(HMI Prisons recommendations|Ofsted themes)$", line):
                    flush_table()
                    flow.append(Paragraph(line, bold))
                elif line.startswith("A list of"):
                    pending = []
                    flow.append(Paragraph(_escape(_join(block)), body))
                    break
                else:
                    pending.append(line)
            continue
        if section == "Appendix I" and i > 0 and "carried out by" in blocks[i - 1][-1]:
            rows = [_split_member(line) for line in block]
            cells = [[Paragraph(n, cell), Paragraph(r, cell)] for n, r in rows]
            flow.append(Table(cells, colWidths=[frame_width / 2] * 2, style=_grid(False)))
            continue
        if section in ("Appendix I", "Appendix II") and len(block) > 1 and (LEVEL.match(first) or _is_term(first)):
            flow.append(CondPageBreak(layout.leading * 2))
            flow.append(Paragraph(_escape(first), bold))
            block = block[1:]
        if any(line.startswith("•") for line in block):
            items: list[list[str]] = []
            for line in block:
                if line.startswith("•") or not items:
                    items.append([line])
                else:
                    items[-1].append(line)
            for item in items:
                flow.append(Paragraph(_escape(_join(item)), body))
            continue
        if len(block) <= 2 and not re.search(r"[.:?]$", block[-1]) and not re.match(r"\d+\.\d+ ", first):
            flow.append(KeepTogether([Paragraph(_escape(line), bold) for line in block]))
            continue
        if section == "Section 1" and re.fullmatch(r"\w+ \d{4}", block[-1]):  # the signature
            flow.extend(Paragraph(_escape(line), cell) for line in block)
            continue
        flow.append(Paragraph(_labelled(_escape(_join(block)), layout), body))
    flush_table()
    return flow


def _labelled(markup: str, layout: Layout) -> str:
    if not layout.labels_bold:
        return markup
    return re.sub(r"^(Concern:|Recommendation:|Theme \d+:)", r"<b>\1</b>", markup)


def _is_term(line: str) -> bool:
    return len(line) < 40 and not line.endswith((".", ":"))


def _grid(header=True):
    return TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])


def typeset(text: str, layout: Layout | str = "a4", running: str | None = None) -> bytes:
    """The report in ``text`` as a typeset PDF, with ``running`` (by default the report's own
    "Report of an independent review of progress at …") as the running footer or header."""
    if isinstance(layout, str):
        layout = LAYOUTS[layout]
    title = re.search(r"Report of an independent review of progress at (.+?)\s+\d+\s*$", text, re.MULTILINE)
    running = running or f"Report of an independent review of progress at {title.group(1).strip()}"
    width, height = layout.pagesize

    def furniture(canvas, doc, total):
        canvas.saveState()
        canvas.setFont(layout.bold_font if layout.running_bold else layout.font, layout.running_size)
        y = height - layout.margin / 2 if layout.footer_above else layout.margin / 2
        number = layout.page_label.format(n=doc.page, total=total or "?")
        if layout.facing and doc.page % 2 == 0:  # a left-hand page: its own title, the number outside
            canvas.drawRightString(width - layout.margin, y, layout.facing)
            canvas.drawString(layout.margin, y, number)
        else:
            canvas.drawString(layout.margin, y, running)
            canvas.drawRightString(width - layout.margin, y, number)
        canvas.restoreState()

    return build_pdf(
        lambda: story(text, layout),
        pagesize=layout.pagesize,
        margins=(layout.margin,) * 4,
        title=running,
        furniture=furniture,
        # "Page 3 of 24": the count is known after a first pass
        count_pages="{total}" in layout.page_label,
    )


def build_pdf(story, *, pagesize, margins, title, furniture, furnish_first_page=True, count_pages=True):
    """The PDF of the flowables ``story()`` makes, with ``margins`` (left, right, top, bottom).
    ``furniture(canvas, doc, total)`` draws each page's running title and number (on the first
    page too, unless ``furnish_first_page`` is false); ``total`` is the number of pages, known
    after a first pass when ``count_pages``, 0 otherwise."""
    left, right, top, bottom = margins

    def build(total):
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=pagesize,
            leftMargin=left,
            rightMargin=right,
            topMargin=top,
            bottomMargin=bottom,
            title=title,
        )

        def draw(canvas, doc):
            furniture(canvas, doc, total)

        doc.build(story(), onFirstPage=draw if furnish_first_page else (lambda canvas, doc: None), onLaterPages=draw)
        return out.getvalue(), doc.page

    data, pages = build(0)
    if count_pages:
        data, _ = build(pages)
    return data


def lengthened(text: str, paragraphs: int) -> str:
    """The report with ``paragraphs`` more numbered paragraphs at the end of the Chief Inspector's
    summary (three of the evidence paragraphs' prose each, numbered 1.12, 1.13…): a report as long as a
    full inspection's 80–120 pages that still reads, for measuring the reader."""
    evidence: list[str] = []
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        starts = re.match(r"3\.\d+ (.*)", line)
        if starts:
            current = [starts.group(1)]
            evidence.append(current)
        elif current is not None and line and not re.match(r"\d+\.\d+ ", line):
            current.append(line)
        else:
            current = None
        if current is not None and line.endswith("."):
            current = None  # a paragraph ends with its sentence: a heading may follow
    evidence = [" ".join(part) for part in evidence]
    evidence = [part for part in evidence if "progress against this" not in part and part.endswith(".")]
    added = "".join(
        f"1.{12 + i} {evidence[i % len(evidence)]} {evidence[(i + 7) % len(evidence)]} "
        f"{evidence[(i + 13) % len(evidence)]} \n\n"
        for i in range(paragraphs)
    )
    anchor = "some areas the advances were recent and fragile.  \n\n"
    assert text.count(anchor) == 1
    return text.replace(anchor, anchor + added)
