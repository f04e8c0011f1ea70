"""PDFs read by their layout, each typesetting that defeated the text rules typeset here: wrapped
headings (two and three lines, next line capitalised or not), running headers, "Page 3 of 24",
pages breaking a paragraph or a concern under a heading-sized running header, a serif body with
bold labels, narrow and wide margins; facing pages with different headers, sub-headings in the
body's type, large type that fills a table's column to its edge. Each reads exactly as the report's text reads, or is
refused with its page and line."""

import datetime
import re

import pytest
from reportlab.lib.units import mm

from reports.grammars.irp import parse_document
from reports.reading import ReportError, read_document
from reports.reading.pdf import pdf_pages
from tests.conftest import SEED_REPORT
from tests.test_typeset_pdf import fields
from tests.typeset import Layout, typeset

SEED = SEED_REPORT.read_text(encoding="utf-8")
S1 = "Section 1 Chief Inspector’s summary"
S2 = "Section 2 Key findings"
S3 = "Section 3 Progress against the key concerns and recommendations and Ofsted themes"
A1 = "Appendix I About this report"
RUNNING = "Report of an independent review of progress at HMP Belmarsh"

CASES = {
    # The published case: Section 3's heading wraps before a capital ("Ofsted themes").
    "section 3 heading wraps before Ofsted themes": Layout(
        margin=12 * mm,
        size=9.5,
        heading_extra=3.5,
        heading_breaks={S3: "Section 3 Progress against the key concerns and recommendations and\nOfsted themes"},
    ),
    "headings wrap before capitals": Layout(
        heading_breaks={S1: "Section 1\nChief Inspector’s summary", A1: "Appendix I\nAbout this report"}
    ),
    "headings wrap onto three lines, in lower case": Layout(
        heading_breaks={
            S2: "Section 2 Key\nfindings",
            S3: "Section 3 Progress against the key\nconcerns and recommendations\nand Ofsted themes",
        }
    ),
    "headings wrap onto three lines, capitalised": Layout(
        heading_breaks={S3: "Section 3 Progress\nAgainst the key concerns and recommendations\nAnd Ofsted themes"}
    ),
    "running header instead of a footer": Layout(footer_above=True, margin=22 * mm),
    "page 3 of 24 in the footer": Layout(page_label="Page {n} of {total}"),
    "page 3 of 24 in a running header": Layout(footer_above=True, page_label="Page {n} of {total}", size=10),
    "serif body with bold labels": Layout(font="Times-Roman", bold_font="Times-Bold", labels_bold=True),
    "narrow margins": Layout(margin=10 * mm),
    "wide margins": Layout(margin=45 * mm, size=10),
    # Found in the audit of issue 17: each was refused (with its page and line) before.
    "facing pages with their own running headers": Layout(footer_above=True, facing="HM Inspectorate of Prisons"),
    "headings larger but not bold, labels in the body's type": Layout(bold_font="Helvetica", heading_extra=4),
    "large type filling the table's first column": Layout(size=13, margin=15 * mm),
}


@pytest.fixture(scope="module")
def from_text():
    return fields(parse_document(read_document(SEED.encode(), "belmarsh.txt")))


def read_pdf(data):
    return fields(parse_document(read_document(data, "belmarsh.pdf")))


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hard_typesetting_reads_exactly_as_the_text(case, from_text):
    layout = CASES[case]
    text = SEED
    if "capitalised" in case:  # the heading's own words change case where it wraps
        text = SEED.replace(
            "Section 3 Progress against the key concerns \nand recommendations and Ofsted themes",
            "Section 3 Progress \nAgainst the key concerns and recommendations \nAnd Ofsted themes",
        )
        assert text != SEED
        layout.heading_breaks = {
            "Section 3 Progress Against the key concerns and recommendations And Ofsted themes": (
                "Section 3 Progress\nAgainst the key concerns and recommendations\nAnd Ofsted themes"
            )
        }
    assert read_pdf(typeset(text, layout)) == from_text


def page_lines(data):
    return [[line.text for line in lines] for _, _, lines in pdf_pages(data)]


def test_the_section_3_heading_is_printed_on_two_lines_the_second_capitalised():
    """The case as published: the typeset heading's second line is "Ofsted themes"."""
    lines = [
        line
        for page in page_lines(typeset(SEED, CASES["section 3 heading wraps before Ofsted themes"]))
        for line in page
    ]
    at = lines.index("Section 3 Progress against the key concerns and recommendations and")
    assert lines[at + 1] == "Ofsted themes"


def test_the_text_rules_alone_refuse_the_wrapped_heading_the_layout_reads():
    """What the issue reported: read as plain text (no layout) with the blank line pypdf's layout
    mode leaves under the heading, "Ofsted themes" is taken for an area heading and Section 3's
    introduction is refused; read by its layout, the report imports."""
    from reports.grammars.irp import parse_report
    from reports.reading import text_from_pdf

    data = typeset(SEED, CASES["section 3 heading wraps before Ofsted themes"])
    plain = text_from_pdf(data).replace("\nOfsted themes\n", "\nOfsted themes\n\n", 1)
    with pytest.raises(ReportError, match="Unnumbered text in Section 3"):
        parse_report(plain)
    assert read_pdf(data)["items"]


@pytest.mark.parametrize("place", ["top", "bottom"])
def test_page_x_of_y_and_the_running_title_are_taken_out_by_position(place):
    layout = Layout(footer_above=place == "top", page_label="Page {n} of {total}")
    data = typeset(SEED, layout)
    pages = page_lines(data)
    total = len(pages)
    assert all(any(f"Page {n} of {total}" in line for line in lines) for n, lines in enumerate(pages, 1))
    document = read_document(data, "belmarsh.pdf")
    assert not [line for line in document.lines if re.search(r"Page \d+ of \d+|review of progress at HMP", line.text)]
    assert len([f for f in document.furniture if f.kind == "running title"]) == total
    assert document.running_title == RUNNING


def test_the_running_title_is_found_by_repetition_not_by_its_words(from_text):
    """A running header in words the importer has never seen is still furniture: same band, same
    words on every page."""
    data = typeset(SEED, Layout(footer_above=True), running="Independent review of progress – Belmarsh – 2022")
    document = read_document(data, "belmarsh.pdf")
    assert {f.text.rsplit("   ", 1)[0] for f in document.furniture} == {
        "Independent review of progress – Belmarsh – 2022"
    }
    got = read_pdf(data)
    assert {part: got[part] for part in got if part != "review"} == {
        part: value for part, value in from_text.items() if part != "review"
    }


def broken_across_pages(data, report_fields):
    """What the page breaks fall inside: "concern", "paragraph"... (the two lines either side of a
    break, joined, are found inside one field of that kind)."""
    pages = [
        [line for line in lines if line.size and line.size < 12 and line.size > 9] for _, _, lines in pdf_pages(data)
    ]
    kinds = set()
    concerns = ["Concern: " + item[4] for item in report_fields["items"] if item[4]]
    paragraphs = [f"{number} {text}" for number, text in report_fields["evidence"] + report_fields["summary"]]
    for before, after in zip(pages, pages[1:], strict=False):
        if not before or not after:
            continue
        joined = f"{before[-1].text} {after[0].text}"
        if any(joined in concern for concern in concerns):
            kinds.add("concern")
        if any(joined in paragraph for paragraph in paragraphs):
            kinds.add("paragraph")
    return kinds


def test_a_concern_and_a_paragraph_broken_by_a_page_under_a_heading_sized_header(from_text):
    """The running header is set as large and bold as a section heading, right above the line
    that carries on a concern or a paragraph from the page before: it is furniture (same band,
    every page), and the concern and the paragraph read whole."""
    found = None
    for space in range(0, 120, 6):
        layout = Layout(footer_above=True, running_size=15.5, running_bold=True, top_space=space, size=10.5)
        data = typeset(SEED, layout)
        if {"concern", "paragraph"} <= broken_across_pages(data, from_text):
            found = data
            break
    assert found is not None, "no spacing breaks both a concern and a paragraph across pages"
    document = read_document(found, "belmarsh.pdf")
    header = [f for f in document.furniture if f.kind == "running title"]
    assert header and all(line.text != RUNNING for line in document.lines)
    assert read_pdf(found) == from_text


def test_serif_labels_in_bold_do_not_make_their_lines_headings():
    """ "Concern:" set in bold at the start of a regular line: the line is body text."""
    data = typeset(SEED, CASES["serif body with bold labels"])
    lines = [line for _, _, page in pdf_pages(data) for line in page]
    concern = next(line for line in lines if line.text.startswith("Concern: Governance"))
    assert concern.font.startswith("Times") and not concern.bold
    heading = next(line for line in lines if line.text == "Use of force")
    assert heading.bold and heading.font == "Times-Bold"


def test_margins_change_the_line_lengths():
    widths = {}
    for case in ("narrow margins", "wide margins"):
        lines = [line for _, _, page in pdf_pages(typeset(SEED, CASES[case])) for line in page]
        widths[case] = max(len(line.text) for line in lines if line.text[:1].islower())
    assert widths["narrow margins"] > widths["wide margins"] * 1.5


def test_text_that_fits_nowhere_is_refused_with_its_page_and_line():
    """A stray sentence set as a paragraph of its own in Section 3: refused, naming page and line."""
    stray = "A sentence that belongs to nothing at all in this section, and goes on for a while."
    text = SEED.replace("Concern: Governance of use", stray + " \n\nConcern: Governance of use", 1)
    data = typeset(text, Layout(footer_above=True, page_label="Page {n} of {total}"))
    with pytest.raises(ReportError) as excinfo:
        parse_document(read_document(data, "belmarsh.pdf"))
    error = excinfo.value
    where = next(line for _, _, page in pdf_pages(data) for line in page if line.text.startswith("A sentence that"))
    assert (error.line, error.page) == (where.number, where.page)
    assert f"Line {where.number} (page {where.page}):" in str(error)
    assert "A sentence that belongs to nothing" in error.message


def test_tables_are_read_by_their_columns():
    """Section 4 and the team are tables: each row's cells come apart by their place on the page,
    whatever the words (a name of five words, a judgement beside the first line of its text)."""
    text = SEED.replace("Rebecca Mavin Inspector", "Mary Anne de la Cruz Inspector")
    lines = [line for _, _, page in pdf_pages(typeset(text, "a4")) for line in page]
    member = next(line for line in lines if line.text.startswith("Mary Anne"))
    assert member.cells == ["Mary Anne de la Cruz", "Inspector"]
    row = next(line for line in lines if line.text.startswith("Listeners should be able to carry out their role"))
    assert row.cells[1] == "Good progress" and len(row.cells) == 2
    report = parse_document(read_document(typeset(text, "a4"), "belmarsh.pdf"))
    assert ("Mary Anne de la Cruz", "Inspector") in [(m.name, m.role) for m in report.team]


def test_the_reader_reports_each_page_read_out_of_the_whole():
    seen = []
    pages = pdf_pages(typeset(SEED, "a4"), lambda page, pages: seen.append((page, pages)))
    assert seen == [(n, len(pages)) for n in range(1, len(pages) + 1)]


def test_facing_pages_headers_are_furniture_though_each_is_on_half_the_pages():
    """A running header on the right-hand pages and another on the left-hand ones: each comes back
    on every other page, in the same band, and is taken out."""
    data = typeset(SEED, CASES["facing pages with their own running headers"])
    pages = page_lines(data)
    assert sum("HM Inspectorate of Prisons" in lines[0] for lines in pages) == len(pages) // 2
    document = read_document(data, "belmarsh.pdf")
    headers = [f.text for f in document.furniture if f.kind == "running title"]
    assert len(headers) == len(pages)
    assert sum(text.endswith("HM Inspectorate of Prisons") for text in headers) == len(pages) // 2
    assert not [line for line in document.lines if line.text.endswith("   HM Inspectorate of Prisons")]


def test_a_table_row_whose_first_column_is_full_keeps_its_cells_by_the_columns_edge():
    """Set large, a row of Section 4 fills its first column to the edge: the gap before the
    judgement is narrower than the type, but the judgement starts where the column does."""
    lines = [
        line
        for _, _, page in pdf_pages(typeset(SEED, CASES["large type filling the table's first column"]))
        for line in page
    ]
    row = next(line for line in lines if line.text.startswith("Ensure that staff in education, skills and work"))
    assert row.cells == ["Ensure that staff in education, skills and work are supporting and", "Insufficient"]


def test_sub_headings_in_the_body_type_start_their_own_blocks():
    """Labels set in the body's type ("Inspection team", an area, a scale's level) stand apart by the
    space above them: the text below each is its own block, not the label's."""
    report = parse_document(
        read_document(typeset(SEED, CASES["headings larger but not bold, labels in the body's type"]), "belmarsh.pdf")
    )
    assert [member.name for member in report.team][:2] == ["Hindpal Singh Bhui", "Rebecca Mavin"]
    assert report.introductions[0].text.startswith("This part of the report is written by Ofsted inspectors.")
    good = next(level for level in report.scales["HMI Prisons"] if level.label == "Good progress")
    assert good.definition.endswith("delivered a clear improvement in outcomes for prisoners.")


COVER = "".join(
    f"{line} \n"  # as the seed's lines end, with a space
    for line in [
        "Report on an independent review of progress at HMP Belmarsh", "", "by HM Chief Inspector of Prisons", "",
        "7–9 March 2022", "", "Contents", "", "Section 1 Chief Inspector’s summary 3", "Section 2 Key findings 5",
        "Section 3 Progress against the key concerns and recommendations and Ofsted themes 8",
        "Section 4 Summary of judgements 14", "Appendix I About this report 16", "Appendix II Glossary 18", "",
    ]
)  # fmt: skip


@pytest.mark.parametrize("layout", [Layout(), Layout(footer_above=True, page_label="Page {n} of {total}")])
def test_a_cover_and_contents_page_read_as_the_text_with_the_visit_dates(layout):
    """The cover's title and visit dates, and a contents page whose entries name the sections (each
    with its page number): the visit dates are read, the entries are not taken for the sections."""
    text = COVER + SEED
    want = fields(parse_document(read_document(text.encode(), "belmarsh.txt")))
    assert want["review"][-3:-1] == (datetime.date(2022, 3, 7), datetime.date(2022, 3, 9))
    assert read_pdf(typeset(text, layout)) == want
