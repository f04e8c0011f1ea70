"""A reader in Chromium: opens a review from the home page, filters, searches, downloads the
CSV. (axe-core checks every public page in tests/test_browser_every_page.py.)"""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from findings.models import NotablePractice, Paragraph, ParagraphPart
from recommendations.models import HealthyPrisonScore, HealthyPrisonTest, TeamMember

pytestmark = pytest.mark.browser


@pytest.fixture
def reviewed(make_review, belmarsh, wandsworth, hmi_prisons):
    """Belmarsh-like data built in the test: a review with every part of the page, and a second prison."""
    review = make_review(
        belmarsh,
        [
            ("hmi-prisons", "good-progress"),
            ("hmi-prisons", "reasonable-progress"),
            ("hmi-prisons", "no-meaningful-progress"),
            ("hmi-prisons", "no-meaningful-progress"),
            ("ofsted", "insufficient-progress"),
        ],
    )
    use_of_force = review.judgements.get(position=2).recommendation
    use_of_force.area = "Use of force"
    use_of_force.concern = "Staff did not routinely activate body-worn video cameras."
    use_of_force.save()
    practice = Paragraph.objects.create(
        inspection=review, number="2.6", part=ParagraphPart.NOTABLE_PRACTICE, text="A good team. (See paragraph 3.2.)"
    )
    NotablePractice.objects.create(paragraph=practice, title="Conflict resolution team")
    TeamMember.objects.create(inspection=review, name="A Team Leader", role="Team leader", inspectorate=hmi_prisons)
    HealthyPrisonScore.objects.create(inspection=review.follows_up, test=HealthyPrisonTest.SAFETY, score=2)
    make_review(wandsworth, [("hmi-prisons", "reasonable-progress")], year=2023)
    return review


@pytest.fixture
def belmarsh_data(transactional_db):
    """The Belmarsh data the importer produced (fixtures/belmarsh.json)."""
    call_command("loaddata", "belmarsh", verbosity=0)


def test_reader_filters_searches_and_downloads(live_server, page, reviewed):
    """Without JavaScript tricks: choose a judgement, apply, remove it again, search, download."""
    page.goto(live_server.url + reverse("public:recommendation-list"))
    page.get_by_label("Latest judgement").select_option(label="No meaningful progress")
    page.get_by_role("button", name="Apply filters").click()
    # Auto-waiting expectations: a count read at once may read the page still loading.
    expect(page.locator(".app-result")).to_have_count(2)
    page.get_by_role("link", name="Remove filter Latest judgement: No meaningful progress").click()
    expect(page.locator(".app-result")).to_have_count(6)

    page.get_by_label("Search").fill("body-worn")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".app-result h3")).to_have_text(["Use of force (1.2)"])

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV download of these results").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert [(row["area"], row["reference"]) for row in rows] == [("Use of force", "1.2")]


def test_paragraph_reference_link_goes_to_the_paragraph(live_server, page, reviewed):
    page.goto(live_server.url + reviewed.get_absolute_url())
    page.get_by_role("link", name="paragraph 3.2").click()
    assert page.url.endswith("#paragraph-3-2")
    assert page.locator("#paragraph-3-2").is_visible()


# --- On the real Belmarsh data ---------------------------------------------------------------


def test_open_the_belmarsh_review_from_the_home_page(live_server, page, belmarsh_data):
    page.goto(live_server.url + reverse("public:home"))
    page.get_by_role("link", name="HMP Belmarsh").first.click()
    expect(page.locator(".govuk-caption-xl")).to_contain_text("HMP Belmarsh")
    assert page.locator("h1").inner_text().startswith("Independent review of progress")
    assert page.get_by_role("heading", name="Use of force").count() >= 1


def test_filter_belmarsh_to_no_meaningful_progress(live_server, page, belmarsh_data):
    page.goto(live_server.url + reverse("public:recommendation-list"))
    page.get_by_label("Latest judgement").select_option(label="No meaningful progress")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".app-result")).to_have_count(2)
    assert "2 recommendations" in page.locator("#result-count").inner_text()


def test_search_body_worn_finds_use_of_force(live_server, page, belmarsh_data):
    page.goto(live_server.url + reverse("public:home"))
    page.get_by_label("Search recommendations").fill("body-worn")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".app-result h3")
    expect(results.first).to_be_visible()  # all_inner_texts() does not wait for the new page
    assert "Use of force (1.39)" in results.all_inner_texts()


def test_download_the_belmarsh_csv(live_server, page, belmarsh_data):
    page.goto(live_server.url + reverse("public:recommendation-list") + "?establishment=belmarsh")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV download of these results").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    header = "establishment,review,inspectorate,kind,area,reference,recommendation,judgement"
    assert text.splitlines()[0].startswith(header)
    rows = list(csv.DictReader(io.StringIO(text)))
    # the full inspection's 30 recommendations and Ofsted's 3 themes; 13 followed up by the review
    assert len(rows) == 33 and sum(row["followed_up"] == "yes" for row in rows) == 13
