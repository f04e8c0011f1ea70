"""The report parser reads an IRP report's text as a person would, and refuses one that disagrees
with itself. Pure Python: these tests need no database."""

import datetime
import re

import pytest

from reports.parser import ReportError, Text, decode_report, parse_report, text_from_pdf
from tests.conftest import SEED_REPORT
from tests.pdf import pages_of, write_text_pdf

SEED = SEED_REPORT.read_text(encoding="utf-8")
REFERENCES = ["3.13", "1.38", "1.39", "1.40", "1.41", "3.60", "1.42", "1.43", "6.19", "1.44"]


@pytest.fixture(scope="module")
def report():
    return parse_report(SEED)


def mutate(old, new, text=SEED, count=1):
    """The seed with ``old`` replaced by ``new`` (which must be there ``count`` times)."""
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(fragment, text=SEED):
    return text[: text.index(fragment)].count("\n") + 1


def refused(text):
    with pytest.raises(ReportError) as excinfo:
        parse_report(text)
    return excinfo.value


# --- The seed, read as a person reads it -------------------------------------------------------


def test_reads_the_establishment_publication_and_signature(report):
    """The establishment comes from the running footer; the summary's signature gives who and when."""
    assert report.establishment == "HMP Belmarsh"
    assert report.title == "Report of an independent review of progress at HMP Belmarsh"
    assert report.signed_by == "Charlie Taylor, HM Chief Inspector of Prisons"
    assert report.published_text == "April 2022"
    assert report.published_on == datetime.date(2022, 4, 1)
    assert report.full_inspection_period == "July–August 2021"
    assert report.full_inspection_year == 2021


def test_follows_up_ten_recommendations_and_three_themes_in_order(report):
    """Ten HMI Prisons recommendations with their references and three Ofsted themes, in report order."""
    recommendations = [r for r in report.recommendations if r.kind == "recommendation"]
    themes = [r for r in report.recommendations if r.kind == "theme"]
    assert [r.reference for r in recommendations] == REFERENCES
    assert {r.inspectorate for r in recommendations} == {"HMI Prisons"}
    assert [(t.theme_number, t.inspectorate, t.area) for t in themes] == [
        (1, "Ofsted", "Education, skills and work"),
        (2, "Ofsted", "Education, skills and work"),
        (3, "Ofsted", "Education, skills and work"),
    ]
    assert [r.position for r in report.recommendations] == list(range(1, 14))


def test_each_recommendation_has_its_area_concern_and_text(report):
    """Area headings, also those at the top of a page, and the reference is taken off the text."""
    by_reference = {r.reference: r for r in report.recommendations if r.reference}
    use_of_force = by_reference["1.39"]
    assert use_of_force.area == "Use of force"
    assert use_of_force.concern.startswith("Governance of use of force had lapsed.")
    assert "activate body-worn video cameras" in use_of_force.concern
    assert use_of_force.text == (
        "There should be robust scrutiny of the use of force, including data, camera footage and staff "
        "statements, to make sure that force is necessary, justified and proportionate."
    )
    assert by_reference["3.60"].area == "Protection of adults at risk"
    assert by_reference["1.42"].area == "Equality, diversity and faith"
    assert by_reference["1.43"].area == "Time out of cell"
    assert by_reference["1.43"].text.endswith("to improve their well-being.")
    assert by_reference["1.38"].concern.endswith("no formal strategic meeting to address violence for over 18 months.")
    theme = report.recommendations[8]
    assert theme.text.startswith("What progress had leaders and managers made to rapidly increase")
    assert theme.summary_text == "Rapidly increase the amount of classroom-based teaching available to prisoners."


def test_judgements_agree_with_section_4(report):
    """Each closing judgement of Section 3, on its inspectorate's scale, as Section 4 repeats it."""
    levels = [(r.label, r.level) for r in report.recommendations]
    assert levels == [
        ("3.13", "Good progress"),
        ("1.38", "Reasonable progress"),
        ("1.39", "Reasonable progress"),
        ("1.40", "Reasonable progress"),
        ("1.41", "Reasonable progress"),
        ("3.60", "Reasonable progress"),
        ("1.42", "Reasonable progress"),
        ("1.43", "Reasonable progress"),
        ("Theme 1", "Reasonable progress"),
        ("Theme 2", "Reasonable progress"),
        ("Theme 3", "Insufficient progress"),
        ("6.19", "No meaningful progress"),
        ("1.44", "No meaningful progress"),
    ]
    assert all(r.summary_level == r.level for r in report.recommendations)


def test_reads_section_2_counts(report):
    """The counts Section 2 states, number words included, and 'none'."""
    stated = {(c.inspectorate, c.label): c.count for c in report.stated_counts}
    assert stated == {
        ("HMI Prisons", "Good progress"): 1,
        ("HMI Prisons", "Reasonable progress"): 7,
        ("HMI Prisons", "No meaningful progress"): 2,
        ("HMI Prisons", "Insufficient progress"): 0,
        ("Ofsted", "Reasonable progress"): 2,
        ("Ofsted", "Insufficient progress"): 1,
    }


def test_sixty_five_evidence_paragraphs_in_order(report):
    """Section 3's 65 paragraphs, each under its recommendation or theme, in number order."""
    numbers = [p.number for p in report.evidence]
    assert numbers == [f"3.{i}" for i in range(1, 66)]
    by_label = {r.label: [p.number for p in r.evidence] for r in report.recommendations}
    assert by_label["1.39"] == ["3.7", "3.8", "3.9", "3.10"]
    assert by_label["Theme 3"] == ["3.52", "3.53", "3.54", "3.55", "3.56"]
    assert by_label["6.19"] == ["3.57", "3.58"]


def test_paragraph_text_is_rebuilt_as_a_person_reads_it(report):
    """Lines joined, the hyphen of body-worn kept across the line end, page breaks mended."""
    text = {p.number: p.text for p in report.evidence + report.summary + report.key_findings}
    assert (
        "In the previous three months, there had been 132 uses of force; body-worn cameras had been turned on "
        "in 56 incidents but recorded the entire event in only 13 cases." in text["3.9"]
    )
    assert text["3.8"] == (
        "In the video footage and documentation we reviewed that had also been scrutinised by managers, our "
        "findings were similar to those of the review meeting. Concerns identified were referred to the deputy "
        "governor for further investigation and appropriate action had been taken in each case."
    )
    assert text["3.10"] == "The prison had made reasonable progress against this recommendation."
    assert text["1.3"].startswith("At the full inspection in July-August 2021, staff-prisoner relationships")
    assert text["3.14"].endswith("and care plans often still had too little detail.")


def test_no_page_furniture_is_left(report):
    """No running footer, page number or stray leading space survives in any text."""
    texts = [p.text for p in report.summary + report.key_findings + report.evidence]
    texts += [r.text for r in report.recommendations] + [r.concern for r in report.recommendations]
    for text in texts:
        assert "Report of an independent review" not in text
        assert text == text.strip()
        assert "  " not in text
        assert not re.search(r"\s\d{1,2}$", text)


def test_notable_practice_and_key_findings(report):
    """2.6 is the notable positive practice; 2.1 to 2.5 are key findings; 1.1 to 1.11 the summary."""
    assert [p.number for p in report.notable_practice] == ["2.6"]
    assert report.notable_practice[0].text.startswith("The conflict resolution team, which was part of the safer")
    assert report.notable_practice[0].text.endswith("(See paragraph 3.5.)")
    assert [p.number for p in report.key_findings] == ["2.1", "2.2", "2.3", "2.4", "2.5"]
    assert [p.number for p in report.summary] == [f"1.{i}" for i in range(1, 12)]


def test_team_with_roles_and_inspectorates(report):
    """Six members; Ofsted inspectors belong to Ofsted, the rest to HMI Prisons."""
    assert [(m.name, m.role, m.inspectorate) for m in report.team] == [
        ("Hindpal Singh Bhui", "Team leader", "HMI Prisons"),
        ("Rebecca Mavin", "Inspector", "HMI Prisons"),
        ("David Owens", "Inspector", "HMI Prisons"),
        ("Tamara Pattinson", "Inspector", "HMI Prisons"),
        ("Lynda Brown", "Ofsted inspector", "Ofsted"),
        ("Jane Hughes", "Ofsted inspector", "Ofsted"),
    ]


def test_scales_come_from_appendix_i(report):
    """Each inspectorate's scale as Appendix I defines it, lowest first, definitions joined."""
    assert [level.label for level in report.scales["HMI Prisons"]] == [
        "No meaningful progress",
        "Insufficient progress",
        "Reasonable progress",
        "Good progress",
    ]
    assert [level.label for level in report.scales["Ofsted"]] == [
        "Insufficient progress",
        "Reasonable progress",
        "Significant progress",
    ]
    assert report.scales["HMI Prisons"][0].definition == (
        "Managers had not yet formulated, resourced or begun to implement a realistic improvement plan for this "
        "recommendation."
    )


@pytest.mark.parametrize(
    "lines, joined",
    [
        (["132 uses of force; body-", "worn cameras"], "132 uses of force; body-worn cameras"),
        (["risk of self-", "harm was high"], "risk of self-harm was high"),
        (["at https://www.gov.uk/education-", "inspection-framework."], "at https://www.gov.uk/education-inspection-framework."),
        (["the manage-", "ment of risk"], "the management of risk"),
    ],
)  # fmt: skip
def test_a_word_split_at_a_line_end_is_joined(lines, joined):
    """A line-end hyphen is kept unless the word appears unhyphenated elsewhere in the text."""
    joiner = Text("body-worn and self-harm; management matters.")
    assert joiner.join(lines) == joined


def test_pdftotext_layout_with_form_feeds_and_windows_line_ends_reads_the_same(report):
    """Pages marked by a form feed (as pdftotext writes them) and CRLF line ends give the same report."""
    text = re.sub(r"(?m)^ (?=\S)", "\f", SEED).replace("\n", "\r\n")
    other = parse_report(text)
    assert [(p.number, p.text) for p in other.evidence] == [(p.number, p.text) for p in report.evidence]
    assert [(r.label, r.area, r.level) for r in other.recommendations] == [
        (r.label, r.area, r.level) for r in report.recommendations
    ]
    assert other.recommendations[0].line == report.recommendations[0].line


def test_cover_dates_are_read_when_the_text_has_a_cover():
    """A cover page with the visit dates gives the review's visit."""
    report = parse_report("Report of an independent review of progress at HMP Belmarsh\n7–9 March 2022\n\n" + SEED)
    assert (report.visit_start, report.visit_end) == (datetime.date(2022, 3, 7), datetime.date(2022, 3, 9))
    assert report.review_year == 2022


def test_a_different_report_is_read_correctly():
    """Another establishment, with judgements changed consistently in Sections 2, 3 and 4."""
    text = SEED.replace("Belmarsh", "Exampleton")
    # 1.38 rises from reasonable to good progress…
    text = mutate(
        "3.6 We considered that the prison had made reasonable progress against",
        "3.6 We considered that the prison had made good progress against",
        text,
    )
    text = mutate(
        "increasing levels of violence, which leaders monitor and drive effectively. \nReasonable progress",
        "increasing levels of violence, which leaders monitor and drive effectively. \nGood progress",
        text,
    )
    text = mutate(
        "good progress in one \nrecommendation, reasonable progress in seven recommendations",
        "good progress in two \nrecommendations, reasonable progress in six recommendations",
        text,
    )
    # …and Ofsted's theme 3 from insufficient to significant progress.
    text = mutate(
        "made insufficient progress against this \ntheme.", "made significant progress against this \ntheme.", text
    )
    text = mutate("interpersonal skills. \nInsufficient progress", "interpersonal skills. \nSignificant progress", text)
    text = mutate(
        "insufficient progress in one theme.", "significant progress in one theme.", text
    )  # fmt: skip
    report = parse_report(text)
    assert report.establishment == "HMP Exampleton"
    assert report.summary[0].text.startswith("HMP Exampleton is a high-security prison")
    assert [r.level for r in report.recommendations][:2] == ["Good progress", "Good progress"]
    assert report.recommendations[10].level == "Significant progress"
    stated = {(c.inspectorate, c.label): c.count for c in report.stated_counts}
    assert stated[("HMI Prisons", "Good progress")] == 2
    assert stated[("HMI Prisons", "Reasonable progress")] == 6
    assert stated[("Ofsted", "Significant progress")] == 1


def test_the_pdf_of_a_report_reads_as_its_text(tmp_path):
    """A PDF (made here with one page per page of the seed) gives the same report as the text."""
    pdf = write_text_pdf(tmp_path / "report.pdf", pages_of(SEED))
    from_pdf = parse_report(text_from_pdf(pdf.read_bytes()))
    from_text = parse_report(SEED)
    assert [(r.label, r.level, r.text, r.concern) for r in from_pdf.recommendations] == [
        (r.label, r.level, r.text, r.concern) for r in from_text.recommendations
    ]
    assert [(p.number, p.text) for p in from_pdf.evidence] == [(p.number, p.text) for p in from_text.evidence]
    assert [(m.name, m.role, m.inspectorate) for m in from_pdf.team] == [
        (m.name, m.role, m.inspectorate) for m in from_text.team
    ]
    assert from_pdf.establishment == "HMP Belmarsh"


# --- Reports that cannot be read, or that disagree with themselves -----------------------------


def test_empty_file_is_refused():
    """An empty file (or only white space) is named as empty."""
    with pytest.raises(ReportError, match="The file is empty"):
        decode_report(b"  \n\n ")


def test_binary_file_is_refused_with_its_line():
    """A file with NUL bytes is binary, not a report, and the line with the first NUL is named."""
    with pytest.raises(ReportError, match="binary") as excinfo:
        decode_report(b"Section 1\nabc\x00\x01\x02")
    assert excinfo.value.line == 2


def test_undecodable_file_is_refused_with_its_line():
    """Bytes that are not UTF-8 are refused with the line they are on."""
    with pytest.raises(ReportError, match="not UTF-8 text") as excinfo:
        decode_report(b"Section 1\ncaf\xe9\xff\n")
    assert excinfo.value.line == 2


def test_not_a_pdf_is_refused():
    """A file named .pdf that is not a PDF is refused clearly."""
    with pytest.raises(ReportError, match="not a PDF"):
        text_from_pdf(b"just some text")


def test_text_that_is_not_a_report_is_refused():
    """Text without the report's sections is not taken for a report."""
    assert "no “Section 1 Chief Inspector’s summary” heading" in str(refused("Dear reader,\nhello.\n"))


def test_truncated_report_is_refused():
    """A report cut off before Section 4 is named as truncated."""
    error = refused(SEED[: SEED.index(" Section 4 Summary of judgements")])
    assert "Section 4 (Summary of judgements) is missing" in error.message
    assert "truncated" in error.message


def test_report_without_appendix_is_refused():
    """Without Appendix I there are no scales to check judgements against."""
    error = refused(SEED[: SEED.index("Appendix I About this report")])
    assert "Appendix I" in error.message and "truncated" in error.message


def test_missing_paragraph_is_refused_with_its_line():
    """A gap in the numbering (3.11 cut out) is named at the paragraph after it."""
    start, end = SEED.index("3.11 Since the inspection"), SEED.index("3.12 The prison regularly")
    error = refused(SEED[:start] + SEED[end:])
    assert error.message.startswith("Paragraph 3.12 comes where 3.11 should")
    assert error.line == line_of("3.11 Since the inspection")


def test_section_3_and_section_4_disagreeing_is_refused():
    """A closing judgement that Section 4 contradicts is refused, naming both lines."""
    text = mutate(
        "3.3 We considered that the prison had made good progress against",
        "3.3 We considered that the prison had made reasonable progress against",
    )
    error = refused(text)
    assert error.message == (
        "Section 4 judges HMI Prisons recommendation 3.13 “Good progress”, but Section 3 judges it "
        f"“Reasonable progress” (line {line_of('3.3 We considered')})."
    )
    assert error.line == line_of("night and induction processes. \nGood progress") + 1
    assert str(error).startswith(f"Line {error.line}: ")


def test_section_4_listing_another_recommendation_is_refused():
    """Section 4 must list the recommendations of Section 3 in the same order."""
    text = mutate(
        "Listeners should be able to carry out their role throughout the reception, first \nnight",
        "Listeners should be able to carry out their role throughout the reception, last \nnight",
    )
    error = refused(text)
    assert "where Section 3 has HMI Prisons recommendation 3.13" in error.message
    assert error.line == line_of(
        "Listeners should be able to carry out their role throughout the reception, first \nnight"
    )


def test_section_4_missing_a_judgement_is_refused():
    """Section 4 with one recommendation fewer than Section 3 is refused."""
    start = SEED.index("All phone calls by prisoners covered by public protection monitoring should be \n")
    end = SEED.index("No meaningful progress", start) + len("No meaningful progress")
    error = refused(SEED[:start] + SEED[end:])
    assert error.message == "Section 4 lists 9 HMI Prisons judgements but Section 3 follows up 10."


def test_section_2_counts_disagreeing_with_the_judgements_is_refused():
    """'reasonable progress in six' when seven are judged reasonable is refused with the line."""
    error = refused(
        mutate("reasonable progress in seven recommendations", "reasonable progress in six recommendations")
    )
    assert error.message == (
        "Section 2 says HMI Prisons found reasonable progress in 6, but Sections 3 and 4 judge 7 at that level."
    )
    assert error.line == line_of("recommendation, reasonable progress in seven")


def test_section_2_ofsted_counts_are_checked_too():
    """Ofsted's counts in 2.3 are checked against the themes' judgements."""
    error = refused(mutate("reasonable progress in two themes", "reasonable progress in three themes"))
    assert "Section 2 says Ofsted found reasonable progress in 3" in error.message


def test_judgement_on_the_wrong_scale_in_section_4_is_refused_with_its_line():
    """'Significant progress' is Ofsted's; for an HMI Prisons recommendation it is refused."""
    text = mutate(
        "night and induction processes. \nGood progress", "night and induction processes. \nSignificant progress"
    )
    error = refused(text)
    assert "“Significant progress” is not on the HMI Prisons scale" in error.message
    assert error.line == line_of("night and induction processes. \nSignificant progress", text) + 1


def test_judgement_on_the_wrong_scale_in_section_3_is_refused_with_its_line():
    """A Section 3 closing sentence with another scale's level names the line it is on."""
    text = mutate(
        "3.3 We considered that the prison had made good progress against",
        "3.3 We considered that the prison had made significant progress against",
    )
    error = refused(text)
    assert "“Significant progress” is not on the HMI Prisons scale" in error.message
    assert error.line == line_of("3.3 We considered", text)


def test_good_progress_for_an_ofsted_theme_is_refused():
    """'Good progress' is HMI Prisons'; Ofsted's scale has no such level."""
    text = mutate("made insufficient progress against this \ntheme.", "made good progress against this \ntheme.")
    error = refused(text)
    assert "“Good progress” is not on the Ofsted scale" in error.message


def test_evidence_without_a_closing_judgement_is_refused():
    """A recommendation whose evidence does not end with a judgement is refused."""
    text = mutate(
        "3.58 There had been no meaningful progress against this recommendation.",
        "3.58 Managers had no plan.",
    )
    error = refused(text)
    assert "does not end with a judgement" in error.message
    assert error.line == line_of("3.58 ")


def test_recommendation_without_reference_is_refused():
    """A recommendation without its paragraph reference cannot be tracked back and is refused."""
    error = refused(mutate("listened to promptly to identify risk. \n(6.19)", "listened to promptly to identify risk."))
    assert "no paragraph reference" in error.message
    assert error.line == line_of("Recommendation: All phone calls")
