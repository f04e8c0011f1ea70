"""The public site on the real Belmarsh data: the 2021 inspection and the 2022 review, as the
report gives them (loaded from fixtures/belmarsh.json, made by the report importer)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from recommendations.models import Inspection
from tests.views_helpers import rows_of

# (kind, reference, judgement) of each recommendation and theme, as Section 4 of the report lists them.
REPORT_JUDGEMENTS = sorted(
    [
        ("recommendation", "3.13", "Good progress"),
        ("recommendation", "1.38", "Reasonable progress"),
        ("recommendation", "1.39", "Reasonable progress"),
        ("recommendation", "1.40", "Reasonable progress"),
        ("recommendation", "1.41", "Reasonable progress"),
        ("recommendation", "3.60", "Reasonable progress"),
        ("recommendation", "1.42", "Reasonable progress"),
        ("recommendation", "1.43", "Reasonable progress"),
        ("recommendation", "6.19", "No meaningful progress"),
        ("recommendation", "1.44", "No meaningful progress"),
        ("theme", "", "Reasonable progress"),
        ("theme", "", "Reasonable progress"),
        ("theme", "", "Insufficient progress"),
    ]
)


@pytest.fixture
def belmarsh_data(db):
    """The Belmarsh data the importer produced (fixtures/belmarsh.json)."""
    call_command("loaddata", "belmarsh", verbosity=0)
    return Inspection.objects.reviews().get(establishment__slug="belmarsh")


def test_csv_for_belmarsh_has_the_reports_13_judgements_and_references(client, belmarsh_data):
    response = client.get(reverse("public:recommendation-csv"), {"establishment": "belmarsh", "followed_up": "yes"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 13
    assert sorted((row["kind"], row["reference"], row["judgement"]) for row in rows) == REPORT_JUDGEMENTS
    assert {row["establishment"] for row in rows} == {"HMP Belmarsh"}
    assert {row["review_published_on"] for row in rows} == {"2022-04"}


def test_no_meaningful_progress_filter_shows_belmarshs_two(client, belmarsh_data):
    rows = rows_of(client.get(reverse("public:recommendation-list"), {"judgement": "no-meaningful-progress"}))
    assert sorted(row["label"] for row in rows) == ["1.44", "6.19"]


def test_year_filter_offers_2021_and_finds_belmarshs_recommendations(client, belmarsh_data):
    """The report gives the full inspection only as "July–August 2021": it is still filterable by year."""
    response = client.get(reverse("public:recommendation-csv"), {"year": "2021"})
    assert response.status_code == 200
    # the full inspection's 30 recommendations (10 followed up by the review) and Ofsted's 3 themes
    assert len(list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))) == 33
    page = client.get(reverse("public:recommendation-list"))
    assert '<option value="2021">2021</option>' in page.getvalue().decode()


def test_body_worn_finds_the_use_of_force_recommendation(client, belmarsh_data):
    rows = rows_of(client.get(reverse("public:recommendation-list"), {"q": "body-worn"}))
    assert ("Use of force", "1.39") in [(row["area"], row["label"]) for row in rows]


def test_belmarsh_review_page_shows_the_report(client, belmarsh_data):
    """Summary, key findings chart with its table, notable practice linked to 3.5, every judgement."""
    page = client.get(belmarsh_data.get_absolute_url()).getvalue().decode()
    assert "HMP Belmarsh is a high-security prison" in page
    assert 'href="#paragraph-3-5"' in page and 'id="paragraph-3-5"' in page
    assert "No meaningful progress 2, Insufficient progress 0, Reasonable progress 7, Good progress 1" in page
    assert page.count('class="app-judged') == 13
    # The report prints "April 2022" under the summary: no day is made up.
    assert "April 2022" in page and "1 April 2022" not in page


def test_belmarsh_review_page_has_the_glossary_and_links_the_area_to_it(client, belmarsh_data):
    """Appendix II's terms are on the page; the area the report prints with "(see Glossary)" links
    to its entry, and the area itself is stored without the note."""
    page = client.get(belmarsh_data.get_absolute_url()).content.decode()
    assert '<h2 class="govuk-heading-l" id="glossary">Glossary</h2>' in page
    assert 'id="glossary-zahid-mubarek-trust"' in page
    assert "An independent national charity seeking to ensure fair and humane treatment" in page
    assert (
        'Protection of adults at risk <span class="app-see-glossary">(<a class="govuk-link" '
        'href="#glossary-protection-of-adults-at-risk">see Glossary</a>)</span>'
    ) in page
    # "Time out of cell" is an area and a term too, but the report does not send readers there.
    assert 'href="#glossary-time-out-of-cell"' not in page
    assert belmarsh_data.follows_up.recommendations.filter(area="Protection of adults at risk").exists()
    assert belmarsh_data.population == 660
