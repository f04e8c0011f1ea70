"""The recommendation list and its CSV: filters, search, pagination, and what hostile query
strings get (a page or a 4xx with a message, never a 500)."""

import csv
import io

import pytest
from django.urls import reverse

from common import clock
from findings.models import Paragraph
from findings.publishing import public_data_changed
from recommendations.models import Establishment, PublicationStatus
from tests.views_helpers import rows_of

LIST = reverse("public:recommendation-list")
CSV = reverse("public:recommendation-csv")
FIRST_COLUMNS = ["establishment", "review", "inspectorate", "kind", "area", "reference", "recommendation", "judgement"]


@pytest.fixture
def prisons(make_review, belmarsh, wandsworth):
    """Belmarsh reviewed in 2022 (use of force among its recommendations), Wandsworth in 2023."""
    belmarsh_review = make_review(
        belmarsh,
        [
            ("hmi-prisons", "good-progress"),
            ("hmi-prisons", "no-meaningful-progress"),
            ("ofsted", "reasonable-progress"),
        ],
    )
    use_of_force = belmarsh_review.judgements.get(position=2).recommendation
    use_of_force.area = "Use of force"
    use_of_force.concern = "Staff did not routinely activate body-worn video cameras."
    use_of_force.save()
    evidence = Paragraph.objects.get(inspection=belmarsh_review, number="3.1")
    evidence.text = "There were now 30 trained Listeners in the prison."
    evidence.save()
    # Evidence changed in a published review: what the admin's screens do after such an edit.
    public_data_changed(reviews=[belmarsh_review])
    wandsworth_judgements = [("hmi-prisons", "reasonable-progress"), ("hmi-prisons", "no-meaningful-progress")]
    make_review(wandsworth, wandsworth_judgements, year=2023)
    return belmarsh_review


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(csv_text(response))))


def csv_text(response):
    """The download's text; it streams, so it is read once and kept."""
    if not hasattr(response, "text_read"):
        raw = response.getvalue()
        assert raw.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 byte-order mark"
        response.text_read = raw.decode("utf-8-sig")
    return response.text_read


# --- Filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, 5),
        ({"establishment": "belmarsh"}, 3),
        ({"inspectorate": "ofsted"}, 1),
        ({"area": "Use of force"}, 1),
        ({"judgement": "no-meaningful-progress"}, 2),
        ({"judgement": "reasonable-progress"}, 2),  # across both scales
        ({"year": "2022"}, 2),  # Wandsworth's inspection, the year before its 2023 review
        ({"judgement": "no-meaningful-progress", "establishment": "wandsworth"}, 1),
    ],
)
def test_filters_narrow_the_list_and_the_csv_alike(client, prisons, query, expected):
    assert len(rows_of(client.get(LIST, query))) == expected
    assert len(csv_rows(client.get(CSV, query))) == expected + 1


def test_current_filters_are_shown_and_removed_one_by_one(client, prisons):
    """Each filter in force is a link to the same list without that one filter."""
    page = client.get(LIST, {"judgement": "no-meaningful-progress", "establishment": "belmarsh"}).getvalue().decode()
    assert 'href="/recommendations/?establishment=belmarsh"' in page  # removes the judgement
    assert 'href="/recommendations/?judgement=no-meaningful-progress"' in page  # removes the establishment
    assert "Latest judgement: No meaningful progress" in page


# --- Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words, areas",
    [
        ("body-worn", ["Use of force"]),
        ("body-worn cameras", ["Use of force"]),
        ("Listeners", ["Area 1"]),  # found in the evidence
        ("body-worn giraffes", []),  # every word must match
    ],
)
def test_search_reads_recommendation_concern_and_evidence(client, prisons, words, areas):
    assert [row["area"] for row in rows_of(client.get(LIST, {"q": words}))] == areas


def test_search_never_reads_a_draft_reviews_evidence(client, prisons, make_review):
    draft = make_review(
        Establishment.objects.create(name="HMP Draft", slug="draft"),
        [("hmi-prisons", "good-progress")],
        status=PublicationStatus.DRAFT,
    )
    paragraph = draft.paragraphs.get(number="3.1")
    paragraph.text = "Secret findings about kangaroos."
    paragraph.save()
    assert rows_of(client.get(LIST, {"q": "kangaroos"})) == []


# --- CSV -------------------------------------------------------------------------------------


def test_csv_header_is_the_first_line_with_the_agreed_columns(client, prisons):
    response = client.get(CSV)
    assert csv_text(response).splitlines()[0].startswith(",".join(FIRST_COLUMNS))
    rows = csv_rows(response)
    assert rows[0][:8] == FIRST_COLUMNS
    by_area = {row[4]: dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0] == "HMP Belmarsh"}
    assert by_area["Use of force"]["kind"] == "recommendation"
    assert by_area["Use of force"]["reference"] == "1.2"
    assert by_area["Use of force"]["judgement"] == "No meaningful progress"
    assert by_area["Use of force"]["review"] == "Independent review of progress 2022"
    assert by_area["Area 3"]["kind"] == "theme" and by_area["Area 3"]["reference"] == ""
    # Named after what it holds: every recommendation, on the day it was made.
    assert f'attachment; filename="recommendations-{clock.today():%Y-%m-%d}.csv"' == response["Content-Disposition"]


# --- Pagination and hostile input ------------------------------------------------------------


@pytest.fixture
def many(make_review):
    """30 recommendations: two pages of 25."""
    establishment = Establishment.objects.create(name="HMP Many", slug="many")
    make_review(establishment, [("hmi-prisons", "reasonable-progress")] * 30)


@pytest.mark.parametrize(
    "page_number, shown", [("1", 25), ("2", 5), ("abc", 25), ("9999", 5), ("-1", 5), ("0", 5), ("", 25)]
)
def test_any_page_number_gets_a_page(client, many, page_number, shown):
    """A page that is not a number gets the first page; one out of range gets the last."""
    response = client.get(LIST, {"page": page_number})
    assert response.status_code == 200
    assert len(rows_of(response)) == shown


@pytest.mark.parametrize(
    "query, message",
    [
        ({"judgement": "excellent-progress"}, "Select a valid choice"),
        ({"establishment": "atlantis"}, "Select a valid choice"),
        ({"year": "twenty"}, "Select a valid choice"),
        ({"q": "x" * 5000}, "at most 200 characters"),
        ({"q": "nul\x00byte"}, "Null characters are not allowed"),
    ],
)
def test_bad_filter_values_get_a_400_page_that_says_why(client, prisons, query, message):
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert message in response.getvalue().decode()
    assert "There is a problem with the filters" in response.getvalue().decode()
    csv_response = client.get(CSV, query)
    assert csv_response.status_code == 400 and message in csv_response.getvalue().decode()


@pytest.mark.parametrize(
    "query_string",
    ["q=%ff%fe", "q=\xff\xfe", "judgement=%ff&page=%00", "q=%E2%82", "page=1e9999", "establishment[]=x&&&=="],
)
def test_bytes_that_are_not_utf8_get_a_page_not_a_500(client, prisons, query_string):
    """Percent-encoded and raw bytes that are not UTF-8 get a normal page or a clear 400."""
    for url in (LIST, CSV):
        response = client.get(url, QUERY_STRING=query_string)
        assert response.status_code in (200, 400)


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example","x")', "@SUM(A1:A9)", "+1+1", "-2+3", "\tTab"])
def test_the_csv_writes_a_formula_as_text(client, prisons, typed):
    """A recommendation typed as a spreadsheet formula reaches the public CSV as text, never as a formula."""
    recommendation = prisons.judgements.get(position=1).recommendation
    recommendation.text = typed
    recommendation.save()
    rows = csv_rows(client.get(CSV, {"establishment": "belmarsh"}))
    texts = [row[FIRST_COLUMNS.index("recommendation")] for row in rows[1:]]
    assert "'" + typed in texts
    assert typed not in texts


def test_pagination_links_first_last_and_two_either_side():
    """Page numbers linked under a long list: the first, the last and two either side of the
    current page, with a gap where numbers are left out."""
    from django.core.paginator import Paginator

    from common.pagination import page_links

    pages = Paginator(range(250), 25)
    assert page_links(pages.page(1)) == [1, 2, 3, None, 10]
    assert page_links(pages.page(6)) == [1, None, 4, 5, 6, 7, 8, None, 10]
    assert page_links(pages.page(10)) == [1, None, 8, 9, 10]
