"""Full inspection reports as HMI Prisons publishes them: typeset PDFs, in both eras and several
layouts (headings that wrap, a running footer or a header with "Page 3 of 23" and a second page
number, other margins and page sizes), read by their layout and imported exactly as the report's
text is. A line the grammar cannot place refuses the PDF with its page and its text."""

import dataclasses
import re
from functools import cache

import pytest

from reports.grammars.full_inspection import lines_from_text, parse_full_inspection
from reports.importer import parse_any_report
from reports.reading import ReportError
from reports.reading.pdf import pdf_pages
from tests.conftest import PROJECT_DIR
from tests.typeset_full import LAYOUTS, typeset

REPORTS = {
    "before-May-2022": PROJECT_DIR / "fixtures" / "reports" / "belmarsh-full-inspection-2021.txt",
    "from-May-2022": PROJECT_DIR / "tests" / "data" / "exampleton-full-inspection-2023.txt",
}
RUNNING = "Report on an unannounced inspection of HMP"


@cache
def text_of(era: str) -> str:
    return REPORTS[era].read_text(encoding="utf-8")


@cache
def pdf_of(era: str, layout: str) -> bytes:
    """Each report typeset once per test process in each layout."""
    return typeset(text_of(era), layout)


@cache
def parsed(era: str, layout: str):
    return parse_any_report(pdf_of(era, layout), "report.pdf")


@cache
def pages_of(era: str, layout: str):
    return pdf_pages(pdf_of(era, layout))


def fields(report) -> dict:
    """Everything the importer writes from a full inspection, as plain values: every field of the
    report, its concerns, paragraphs, scores, notable practice and team, less the line and page
    numbers (a PDF's lines and pages are not the text file's)."""

    def plain(value):
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items() if key not in ("line", "page")}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    return plain(dataclasses.asdict(report))


@cache
def from_text(era: str) -> dict:
    return fields(parse_full_inspection(lines_from_text(text_of(era))))


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("era", sorted(REPORTS))
def test_a_typeset_full_inspection_imports_exactly_as_its_text(era, layout):
    """Every field, every paragraph word for word, the scores, priorities, notable practice, team."""
    got = fields(parsed(era, layout))
    want = from_text(era)
    assert want["concerns"] and want["paragraphs"] and want["scores"] and want["team"]
    for key in want:
        assert got[key] == want[key], key


def test_the_eras_come_through_the_pdfs_as_they_are():
    """What the PDFs must carry: 30 concerns with recommendations before May 2022, five of them
    priorities; six key concerns without recommendations after, three of them priorities."""
    before = parsed("before-May-2022", "a4-wrapped-headings")
    after = parsed("from-May-2022", "a4-header-two-numbers")
    assert (before.era, len(before.concerns), sum(c.priority for c in before.concerns)) == ("recommendations", 30, 5)
    assert all(c.recommendation for c in before.concerns)
    assert (after.era, len(after.concerns), sum(c.priority for c in after.concerns)) == ("concerns", 6, 3)
    assert not any(c.recommendation for c in after.concerns)
    assert before.scores == {
        "safety": 2,
        "respect": 3,
        "purposeful_activity": 1,
        "rehabilitation_and_release_planning": 3,
    }
    assert [p.see for p in before.notable_practice] == ["3.7", "4.21", "6.4"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_layout_is_the_hard_case_it_claims(layout):
    """Headings wrap onto more lines, pages break inside paragraphs, and every page but the cover
    and the copyright page carries the running title: none of which the import above may show."""
    pages = pages_of("before-May-2022", layout)
    texts = [[line.text for line in lines] for _, _, lines in pages]
    cover = pages[0][2]
    assert len(cover) >= 2 and all(line.size > 15 for line in cover)  # the title alone, wrapped on the cover
    assert not any(text.startswith(RUNNING) for text in texts[-1])  # the copyright page has no furniture
    assert all(any(text.startswith(RUNNING) for text in page) for page in texts[1:-1])
    bodies = [
        [line for line in lines if not line.text.startswith(RUNNING) and not line.text.isdigit()]
        for _, _, lines in pages[1:-1]
    ]
    assert any(lines and lines[0].text[:1].islower() for lines in bodies)  # a page starts mid-sentence
    wrapped = [
        (a.text, b.text)
        for lines in bodies
        for a, b in zip(lines, lines[1:], strict=False)
        if a.size == b.size and a.size > 12 and b.top - a.top < a.size * 1.75
    ]
    assert wrapped, "no heading wraps onto a second line"
    if LAYOUTS[layout].number_below:  # "Page 3 of 23" in the header, and the number again below
        assert re.search(rf"^{RUNNING} Belmarsh\s+Page 3 of {len(pages)}$", "\n".join(texts[2]), re.MULTILINE)
        assert texts[2][-1] == "3"


def test_the_layouts_break_pages_in_different_places():
    firsts = {
        tuple(lines[1].text[:25] for _, _, lines in pages_of("before-May-2022", layout)[1:-1]) for layout in LAYOUTS
    }
    assert len(firsts) == len(LAYOUTS)


def test_no_page_furniture_is_left_in_any_field():
    report = parsed("before-May-2022", "a4-header-two-numbers")
    texts = (
        [p.text for p in report.paragraphs]
        + [c.text for c in report.concerns]
        + [c.recommendation for c in report.concerns]
    )
    assert not [text for text in texts if "unannounced inspection" in text or re.search(r"Page \d+ of", text)]


def stray_pdf(layout: str) -> tuple[bytes, str]:
    stray = "This sentence belongs to no paragraph, heading or concern of the report, and says so."
    text = text_of("before-May-2022")
    anchor = "3.2 Reception was clean and well organised."
    assert text.count(anchor) == 1
    return typeset(text.replace(anchor, f"{stray}\n\n{anchor}"), layout), stray


def test_a_line_the_grammar_cannot_place_refuses_the_pdf_with_its_page_and_text():
    """An unnumbered sentence set as body text in Section 3 is never dropped: the import is refused,
    naming the page it stands on and quoting it."""
    data, stray = stray_pdf("letter-narrow-margins")
    with pytest.raises(ReportError) as caught:
        parse_any_report(data, "report.pdf")
    error = caught.value
    page = next(
        number
        for number, (_, _, lines) in enumerate(pdf_pages(data), start=1)
        if any(line.text.startswith("This sentence belongs") for line in lines)
    )
    assert error.page == page
    assert str(error).startswith(f"Line {error.line} (page {page}):")
    assert "cannot be placed" in str(error) and "This sentence belongs to no paragraph" in str(error)


def test_a_running_title_naming_another_prison_is_refused_with_its_page():
    text = text_of("from-May-2022")
    data = typeset(text, "a4-wrapped-headings", running="Report on an unannounced inspection of HMP Elsewhere")
    with pytest.raises(ReportError) as caught:
        parse_any_report(data, "report.pdf")
    assert "names HMP Elsewhere, but the report is about HMP Exampleton" in str(caught.value)
    assert caught.value.page == 2
