"""Typesets a full inspection report's text as a PDF, with reportlab, for testing the importer.

As ``tests/typeset.py`` does for a review: the text's own line breaks, page breaks and footers are
thrown away and its blocks reflowed. The title wraps over the cover in large type; the contents,
the introduction, "What needs to improve", "About", each section and the glossary start a page;
headings come in three types (a part's title, Section 1's sub-headings, areas and labels); the
contents and the inspection team are two-column tables; a running title and page number are drawn
on every page but the cover and the copyright page. Layouts differ in page size, margins, type,
where the running title and the page numbers go and where headings wrap, so page breaks fall in
different places (inside paragraphs, concerns, recommendations, lists and the team).

The blocks are read as the grammar reads them (``reports.grammars.full_inspection``): a block after
a blank line or a footer carries on the one before unless it opens a block or the one before ended,
and lines are joined as the grammar joins them, so the PDF holds the very words the text does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from reports.grammars.full_inspection import ROLES, SECTION1_FIXED, _ended, join
from tests.typeset import build_pdf

FOOTER = re.compile(r"^\s*Report on an unannounced inspection of (?P<establishment>.+?)\s{2,}\d{1,3}\s*$")
OPENS = re.compile(r"^(?:\d{1,2}\.\d{1,3} |\d{1,2}\. |Concern: |Recommendation: |• |Figure \d+:)")
PART = re.compile(r"^(?:Contents$|Introduction$|What needs to improve at |About |Section \d |Appendix [IVX]+ )")


@dataclass
class Layout:
    """A page: its size and margins, its type, where the running title and page numbers go."""

    pagesize: tuple[float, float] = A4
    left: float = 20 * mm
    right: float = 20 * mm
    top: float = 20 * mm
    bottom: float = 20 * mm
    size: float = 10.5
    font: str = "Helvetica"
    bold_font: str = "Helvetica-Bold"
    italic_font: str = "Helvetica-Oblique"
    labels_bold: bool = False  # "Concern:" and "Recommendation:" in bold, the rest not
    heading_extra: float = 6.5  # how much larger than the body a part's title is set
    heading_breaks: dict[str, str] = field(default_factory=dict)  # a heading -> where its lines break
    running_at_top: bool = False  # the running title in a header instead of a footer
    page_label: str = "{n}"  # beside the running title ("Page {n} of {total}")
    number_below: bool = False  # a second page number, centred at the foot of the page

    @property
    def leading(self) -> float:
        return round(self.size * 1.3, 2)


LAYOUTS = {
    # Headings that wrap onto two lines (the cover's title onto three), a running footer with the
    # page number at its right.
    "a4-wrapped-headings": Layout(
        heading_breaks={
            "Section 1 Summary of key findings": "Section 1 Summary\nof key findings",
            "Section 7 Progress on recommendations from the last full inspection": (
                "Section 7 Progress on recommendations\nfrom the last full inspection"
            ),
            "What needs to improve at HMP Exampleton": "What needs to improve at\nHMP Exampleton",
            "Appendix I About our inspections and reports": "Appendix I About our inspections\nand reports",
            "About HMP Belmarsh": "About\nHMP Belmarsh",
        }
    ),
    # A running header with "Page 3 of 31" and a second page number at the foot; a serif body with
    # bold labels; a wide binding margin, a narrow outer one; Section 3's heading on three lines.
    "a4-header-two-numbers": Layout(
        left=32 * mm,
        right=14 * mm,
        top=27 * mm,
        bottom=22 * mm,
        size=11,
        font="Times-Roman",
        bold_font="Times-Bold",
        italic_font="Times-Italic",
        labels_bold=True,
        running_at_top=True,
        page_label="Page {n} of {total}",
        number_below=True,
        heading_breaks={
            "Section 3 Safety": "Section 3\nSafety",
            "Section 6 Rehabilitation and release planning": "Section 6\nRehabilitation and\nrelease planning",
            "Section 6 Preparation for release": "Section 6\npreparation for release",
        },
    ),
    # US Letter, narrow margins and small type: long lines, page breaks elsewhere again; an area
    # heading set in the body's size wraps onto a line in lower case.
    "letter-narrow-margins": Layout(
        pagesize=LETTER,
        left=12 * mm,
        right=12 * mm,
        top=14 * mm,
        bottom=14 * mm,
        size=9.5,
        heading_extra=5,
        heading_breaks={
            "Section 5 Purposeful activity": "Section 5\nPurposeful activity",
            "Children and families and contact with the outside world": (
                "Children and families and\ncontact with the outside world"
            ),
            "Peer support on arrival": "Peer support\non arrival",
        },
    ),
}


def _opens(line: str) -> bool:
    return bool(OPENS.match(line))


def blocks(text: str) -> tuple[str, list[list[str]]]:
    """The title and the report's blocks as the grammar reads them, without page furniture."""
    raws = text.replace("\r\n", "\n").split("\n")
    title = raws[0].strip()
    out: list[list[str]] = []
    current: list[str] | None = None
    for raw in raws[1:]:
        line = raw.strip()
        if not line or FOOTER.match(raw):
            current = None
            continue
        if current is None:
            carries_on = out and not _opens(line) and not _ended(out[-1][-1])
            current = out[-1] if carries_on else []
            if not carries_on:
                out.append(current)
        elif _opens(line) and not re.match(r"^\d", line):  # a bullet or a label opens within a group
            current = []
            out.append(current)
        current.append(line)
    return title, out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _styles(layout: Layout) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=layout.font, fontSize=layout.size, leading=layout.leading, spaceAfter=6, allowOrphans=1
    )
    big = layout.size + layout.heading_extra
    return {
        "body": body,
        "line": ParagraphStyle("line", parent=body, spaceAfter=0),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=12, spaceAfter=3),
        "caption": ParagraphStyle("caption", parent=body, fontName=layout.italic_font, fontSize=layout.size - 1),
        "cover": ParagraphStyle(
            "cover", parent=body, fontName=layout.bold_font, fontSize=big + 8, leading=big + 13, spaceBefore=60
        ),
        "part": ParagraphStyle(
            "part", parent=body, fontName=layout.bold_font, fontSize=big, leading=big + 3, spaceAfter=10, keepWithNext=1
        ),
        "sub": ParagraphStyle(
            "sub",
            parent=body,
            fontName=layout.bold_font,
            fontSize=layout.size + 2.5,
            leading=layout.size + 5,
            spaceBefore=6,
            keepWithNext=1,
        ),
        "label": ParagraphStyle("label", parent=body, fontName=layout.bold_font, spaceAfter=4, keepWithNext=1),
    }


def _heading(text: str, layout: Layout, style: ParagraphStyle) -> Paragraph:
    broken = layout.heading_breaks.get(text, text)
    return Paragraph("<br/>".join(_escape(part.strip()) for part in broken.split("\n")), style)


def _labelled(text: str, layout: Layout) -> str:
    markup = _escape(text)
    if layout.labels_bold:
        markup = re.sub(r"^((?:\d+\.\d+ )?)(Concern:|Recommendation:)", r"\1<b>\2</b>", markup)
    return markup


def _member(line: str) -> list[str]:
    text = re.sub(r"\s+", " ", line)
    role = next((role for role in ROLES if text.endswith(" " + role)), None)
    return [text[: -len(role)].strip(), role] if role else [text, ""]


def story(text: str, layout: Layout) -> list:
    styles = _styles(layout)
    frame = layout.pagesize[0] - layout.left - layout.right
    title, report_blocks = blocks(text)
    flow: list = [Paragraph(_escape(title), styles["cover"]), PageBreak()]
    part = ""
    team = False
    rows: list[list[str]] = []

    def table(widths, grid=False):
        if rows:
            style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), layout.font)]
            style.append(("FONTSIZE", (0, 0), (-1, -1), layout.size))
            cells = [[Paragraph(_escape(cell), styles["line"]) for cell in row] for row in rows]
            flow.append(Table(cells, colWidths=widths, style=TableStyle(style)))
            rows.clear()

    for block in report_blocks:
        first, joined = block[0], join(block)
        short = len(block) <= 2 and not joined.endswith(".") and not _opens(first)
        heads_a_part = PART.match(joined) and short and not re.search(r"\s{2,}\d+$", first)
        if heads_a_part or joined.startswith("Crown copyright"):
            table([frame - 30 * mm, 30 * mm] if part == "contents" else [frame * 0.45, frame * 0.55])
            team = False
            if not (joined.startswith("Appendix I ") and part == "section 8"):
                if part:
                    flow.append(PageBreak())
            part = "contents" if joined == "Contents" else joined.split(" ")[0].lower()
            if joined.startswith("Section "):
                part = " ".join(joined.split(" ")[:2]).lower()
            if joined.startswith("Crown copyright"):
                flow.extend(Paragraph(_escape(line), styles["line"]) for line in block)
                continue
            flow.append(_heading(joined, layout, styles["part"]))
            continue
        if part == "contents":
            rows.extend(re.split(r"\s{2,}", line, maxsplit=1) for line in block)
            continue
        if team:
            rows.extend(_member(line) for line in block)
            continue
        if joined == "This inspection was carried out by:":
            flow.append(Paragraph(_escape(joined), styles["body"]))
            team = True
            continue
        if first.startswith("• "):
            flow.append(Paragraph(_escape(joined), styles["bullet"]))
            continue
        if first.startswith("Figure "):
            flow.append(Paragraph(_escape(joined), styles["caption"]))
            continue
        if "HM Chief Inspector of Prisons" in block or (part == "about" and (not short or ":" in joined)):
            # the signature, and the About part's values: a line each
            flow.extend(Paragraph(_escape(line), styles["line"]) for line in block)
            flow.append(Spacer(1, 6))
            continue
        if short:
            low = joined.lower()
            if low in SECTION1_FIXED or low.startswith("progress on ") or joined == "Inspection team":
                flow.append(_heading(joined, layout, styles["sub"]))
            else:
                flow.append(_heading(joined, layout, styles["label"]))
            continue
        flow.append(Paragraph(_labelled(joined, layout), styles["body"]))
    table([frame * 0.45, frame * 0.55])
    return flow


def typeset(text: str, layout: Layout | str = "a4-wrapped-headings", running: str | None = None) -> bytes:
    """The full inspection report in ``text`` as a typeset PDF, with ``running`` (by default "Report
    on an unannounced inspection of" its establishment) as the running title."""
    if isinstance(layout, str):
        layout = LAYOUTS[layout]
    establishment = re.search(r"^Report on an unannounced inspection of (.+?) by HM Chief", text).group(1)
    running = running or f"Report on an unannounced inspection of {establishment}"
    width, height = layout.pagesize

    def furniture(canvas, doc, total):
        if total and doc.page == total:
            return  # the copyright page has none
        canvas.saveState()
        canvas.setFont(layout.font, 8)
        y = height - layout.top / 2 if layout.running_at_top else layout.bottom / 2
        canvas.drawString(layout.left, y, running)
        canvas.drawRightString(width - layout.right, y, layout.page_label.format(n=doc.page, total=total))
        if layout.number_below:
            canvas.drawCentredString(width / 2, layout.bottom / 2, str(doc.page))
        canvas.restoreState()

    return build_pdf(
        lambda: story(text, layout),
        pagesize=layout.pagesize,
        margins=(layout.left, layout.right, layout.top, layout.bottom),
        title=running,
        furniture=furniture,
        furnish_first_page=False,
    )
