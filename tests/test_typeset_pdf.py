"""Reports as HMI Prisons publishes them: typeset PDFs (reflowed paragraphs, a running footer or
header and a page number on every page, Section 4 and the team as tables) read exactly as the
report's text reads, whatever page size and margins move the page breaks to."""

import re

import pytest

from reports.parser import ReportError, parse_report, text_from_pdf
from tests.conftest import SEED_REPORT
from tests.typeset import LAYOUTS, typeset

SEED = SEED_REPORT.read_text(encoding="utf-8")
FOOTER = "Report of an independent review of progress at HMP Belmarsh"


def fields(report):
    """Everything the importer writes from a report, as plain values."""
    return {
        "review": (
            report.establishment, report.title, report.signed_by, report.published_text, report.published_on,
            report.full_inspection_period, report.full_inspection_year, report.population, report.visit_start,
            report.visit_end, report.published_month_only,
        ),
        "summary": [(p.number, p.text) for p in report.summary],
        "key findings": [(p.number, p.text) for p in report.key_findings],
        "notable practice": [(p.number, p.text) for p in report.notable_practice],
        "items": [
            (i.kind, i.inspectorate, i.area, i.area_see_glossary, i.concern, i.text, i.reference, i.theme_number,
             i.level, i.summary_text)
            for i in report.recommendations
        ],
        "evidence": [(p.number, p.text) for p in report.evidence],
        "team": [(m.name, m.role, m.inspectorate) for m in report.team],
        "scales": {name: [level.label for level in levels] for name, levels in report.scales.items()},
        "counts": [(c.inspectorate, c.label, c.count) for c in report.stated_counts],
        "glossary": [(g.term, g.definition) for g in report.glossary],
        "introductions": [(i.inspectorate, i.text) for i in report.introductions],
    }  # fmt: skip


@pytest.fixture(scope="module")
def from_text():
    return fields(parse_report(SEED))


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def extracted(request):
    """The text pypdf extracts from the seed typeset in one layout."""
    return text_from_pdf(typeset(SEED, request.param))


def test_each_layout_puts_page_breaks_elsewhere():
    """The layouts differ: the same paragraph starts on different pages, so breaks fall in
    different places (inside paragraphs, concerns, tables)."""
    firsts = set()
    for layout in LAYOUTS:
        pages = [page for page in text_from_pdf(typeset(SEED, layout)).split("\f") if page.strip()]
        firsts.add(tuple(page.strip().splitlines()[0][:30] for page in pages if page.strip()))
    assert len(firsts) == len(LAYOUTS)


def test_the_extraction_is_as_real_pdfs_give_it(extracted):
    """What the parser is up against: mostly no blank line between paragraphs, the running title
    and a number on every page, the team as one line per row with a wide gap between the columns."""
    pages = [page for page in extracted.split("\f") if page.strip()]
    assert len(pages) > 10
    assert all(re.search(FOOTER + r"\s+\d{1,2}\n", page + "\n") for page in pages)
    assert re.search(r"^Rebecca Mavin\s{3,}Inspector$", extracted, re.MULTILINE)
    numbered = re.findall(r"(\n\n)?\n\d\.\d{1,2} ", extracted)
    assert sum(1 for gap in numbered if gap) < len(numbered) / 2  # most paragraphs follow without a gap


def test_page_breaks_fall_inside_paragraphs():
    """Pages begin in the middle of a sentence (the next test proves those paragraphs whole)."""
    for layout in LAYOUTS:
        pages = [page for page in text_from_pdf(typeset(SEED, layout)).split("\f") if page.strip()]
        firsts = [next(line for line in page.splitlines() if line.strip() and FOOTER not in line) for page in pages]
        assert any(line[:1].islower() for line in firsts), layout


def test_a_typeset_pdf_reads_exactly_as_the_text(extracted, from_text):
    """Same paragraphs, word for word; same items, judgements, team and counts."""
    from_pdf = fields(parse_report(extracted))
    for part in from_text:
        assert from_pdf[part] == from_text[part], part


def test_no_furniture_is_left_in_any_field(extracted):
    report = parse_report(extracted)
    texts = [p.text for p in report.summary + report.key_findings + report.evidence]
    texts += [i.concern for i in report.recommendations] + [i.text for i in report.recommendations]
    assert not [text for text in texts if "review of progress at HMP Belmarsh" in text]
    assert not [text for text in texts if re.search(r"\s\d{1,2}\s*$", text)]


def test_a_pdf_line_that_fits_nowhere_is_refused_with_its_line_text_and_page(extracted):
    """Text the parser cannot place in Section 3 refuses the report, naming line, text and page."""
    lines = extracted.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("Use of force"))
    at += 1  # under the area heading, before its concern
    lines.insert(at, "A sentence that belongs to nothing at all in this section, and goes on for a while.")
    with pytest.raises(ReportError) as excinfo:
        parse_report("\n".join(lines))
    error = excinfo.value
    assert error.line == at + 1
    assert error.page is not None and error.page > 1
    assert "A sentence that belongs to nothing" in str(error)
    assert f"Line {at + 1} (page {error.page}):" in str(error)


# --- Page furniture inside every kind of field, in the text of a report -------------------------

PLACES = {
    # where: the line after which the page breaks (it ends mid-sentence)
    "section 1 paragraph": "However, too many prisoners still spent very long periods locked \n",
    "signature": "Charlie Taylor \n",
    "section 2 paragraph": "leads to particularly good outcomes from which other establishments \n",
    "concern": "Concern: Governance of use of force had lapsed. Most incidents were \n",
    "recommendation": "Recommendation: Prisoners at risk of suicide and self-harm should \n",
    "evidence paragraph": "3.41 Since our previous visit, leaders and managers had ensured that the \n",
    "theme": "Theme 2: What progress had leaders and managers made to increase the \n",
    "section 4 table": "There should be robust scrutiny of the use of force, including data, camera \n",
    "scale definition": "Managers had begun to implement a realistic improvement strategy for \n",
    "team table": "Rebecca Mavin Inspector \n",
    "list": "• assess progress against selected key recommendations   \n",
}
FURNITURE = {
    "footer with its number": "\n\n\n" + FOOTER + "  7 \n\n ",
    "number, then footer": "\n7\n" + FOOTER + "\n",
    "bare page number": "\n\n12\n\n ",
    "header at the top of the next page": "\n\n \n" + FOOTER + "\n",
    "page 3 of 24": "\nPage 3 of 24\n",
}


@pytest.mark.parametrize("furniture", FURNITURE)
@pytest.mark.parametrize("place", PLACES)
def test_page_furniture_inside_any_field_is_dropped_and_the_text_joined(place, furniture, from_text):
    """A page break (footer, header, page number, the gap around them) inside a paragraph, a
    concern, a recommendation, a theme, a table, a list or the signature leaves every field whole."""
    assert SEED.count(PLACES[place]) == 1, place
    text = SEED.replace(PLACES[place], PLACES[place] + FURNITURE[furniture].lstrip("\n"), 1)
    assert fields(parse_report(text)) == from_text


@pytest.mark.parametrize(
    "after, section",
    [("multidisciplinary.  \n", 1), ("(See paragraph 3.5.) \n", 2)],
)  # fmt: skip
def test_a_stray_sentence_in_sections_1_and_2_is_refused_not_dropped(after, section):
    """Text that is neither a paragraph, a heading, a figure nor the signature refuses the report."""
    stray = "\nThis sentence stands alone between paragraphs and belongs to no field at all.\n\n"
    assert SEED.count(after) == 1
    anchor = SEED.index(after) + len(after)
    text = SEED[:anchor] + stray + SEED[anchor:]
    with pytest.raises(ReportError) as excinfo:
        parse_report(text)
    assert f"Unnumbered text in Section {section}" in excinfo.value.message
    assert "This sentence stands alone" in excinfo.value.message


def test_the_furniture_dropped_is_named_page_by_page(extracted):
    """Nothing is dropped unnamed: each page's running title and number are listed as such."""
    report = parse_report(extracted)
    pages = [page for page in extracted.split("\f") if page.strip()]
    titles = [f for f in report.furniture if f.kind == "running title"]
    assert len(titles) == len(pages)
    assert all(f.text.startswith(FOOTER) for f in titles)
    assert sorted({f.page for f in titles}) == list(range(1, len(pages) + 1))


def test_a_section_4_judgement_with_no_gap_after_the_recommendation_is_read(from_text):
    """Where extraction runs the judgement column into the text ("…processes. Good progress")."""
    text = SEED.replace(
        "night and induction processes. \nGood progress", "night and induction processes. Good progress"
    )
    assert text != SEED
    assert fields(parse_report(text)) == from_text


def test_a_scale_label_with_a_gap_before_its_definition_is_read(from_text):
    """Appendix I's "Good progress" label, then a blank line, then its definition."""
    text = SEED.replace("Good progress \nManagers had implemented", "Good progress \n\nManagers had implemented")
    assert text != SEED
    report = parse_report(text)
    assert fields(report) == from_text
    assert report.scales["HMI Prisons"][3].definition.startswith("Managers had implemented a realistic improvement")


def test_the_running_title_is_learnt_from_the_report_not_one_wording(from_text):
    """Another footer wording, naming the establishment, is learnt and dropped on every page."""
    extracted = text_from_pdf(typeset(SEED, "a4-narrow", running="HMP Belmarsh – Independent review of progress 2022"))
    assert extracted.count("HMP Belmarsh – Independent review of progress 2022") > 10
    report = parse_report(extracted)
    assert {f.text.split("  ")[0] for f in report.furniture if f.kind == "running title"} == {
        "HMP Belmarsh – Independent review of progress 2022"
    }
    got = fields(report)
    assert got["review"][0] == "HMP Belmarsh"
    for part in from_text:
        if part != "review":
            assert got[part] == from_text[part], part
