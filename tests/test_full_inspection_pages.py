"""The whole life on the public pages: a full inspection's page with its scores and what became
of every recommendation, the establishment's scores over time, and the list's "followed up" filter."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from findings.publishing import refresh_public_judgements
from recommendations.models import Inspection, Recommendation, ReviewAnnouncement
from tests.conftest import PROJECT_DIR

FIXTURE = PROJECT_DIR / "fixtures" / "belmarsh.json"
FULL = "/establishments/belmarsh/inspection-2021/"

SCORE_CELL = '{test}</th> <td class="govuk-table__cell" data-label="Score (1 to 4)">'


@pytest.fixture
def belmarsh_whole_life(db):
    """The Belmarsh 2021 full inspection (30 recommendations) and its 2022 review (10 of them)."""
    call_command("loaddata", str(FIXTURE), verbosity=0)
    return Inspection.objects.get(slug="inspection-2021")


def text_of(response):
    return " ".join(response.content.decode().split())


def test_the_full_inspection_page_shows_scores_priorities_and_what_became_of_each(client, belmarsh_whole_life):
    page = text_of(client.get(FULL))
    assert SCORE_CELL.format(test="Purposeful activity") + "1: Outcomes for prisoners are poor" in page
    assert "Followed up in April 2022: Reasonable progress" in page  # 1.38
    assert "Followed up in April 2022: No meaningful progress" in page  # 1.44
    assert page.count("Not followed up by a review") == 20
    assert page.count(">Priority<") == 5
    assert "Victims of violence should receive support" in page  # 3.22, no review followed it up


def no_review_yet():
    Inspection.objects.filter(slug="irp-2022").update(status="draft")
    refresh_public_judgements()


def test_before_any_review_every_recommendation_is_to_be_followed_up(client, belmarsh_whole_life):
    no_review_yet()
    page = text_of(client.get(FULL))
    assert page.count("To be followed up") == 33  # the 30 recommendations and Ofsted's 3 themes
    assert "Followed up in" not in page


def test_an_announced_review_shows_on_the_inspection_page_once_published(client, belmarsh_whole_life):
    no_review_yet()
    announcement = ReviewAnnouncement.objects.create(
        inspection=belmarsh_whole_life, planned_month=timezone.localdate().replace(year=2022, month=4, day=1)
    )
    announcement.recommendations.set(Recommendation.objects.filter(reference__in=["1.38", "1.39"]))
    assert "planned for April 2022" not in text_of(client.get(FULL))
    from recommendations.announcements import publish_announcement

    publish_announcement(announcement, by=None)
    page = text_of(client.get(FULL))
    assert page.count("app-fate--announced") == 2
    assert page.count("To be followed up at the review planned for April 2022") == 2
    assert "a review is planned for April 2022" in page
    # the review published: the announced ones show their judgements, nothing still "planned"
    Inspection.objects.filter(slug="irp-2022").update(status="published")
    refresh_public_judgements()
    cache.clear()
    page = text_of(client.get(FULL))
    assert "app-fate--announced" not in page and "Followed up in April 2022: Reasonable progress" in page


def test_a_draft_announcement_shows_nowhere_public(client, belmarsh_whole_life, settings):
    """Until it is published, an announcement changes nothing the public can read: the page, the
    list, the CSV, the API and the feeds are byte for byte what they were."""
    no_review_yet()
    addresses = [
        FULL,
        "/establishments/belmarsh/",
        "/recommendations/?establishment=belmarsh",
        "/recommendations.csv",
        "/api/v1/recommendations/?establishment=belmarsh",
        "/feeds/reviews.atom",
        "/feeds/establishments/belmarsh/reviews.atom",
    ]

    def read():
        cache.clear()
        # (a feed with no entry is "updated" now: the time is left out)
        return {
            address: re.sub(rb"<updated>[^<]*</updated>", b"", client.get(address).getvalue()) for address in addresses
        }

    before = read()
    announcement = ReviewAnnouncement.objects.create(
        inspection=belmarsh_whole_life, planned_month=timezone.localdate().replace(year=2022, month=4, day=1)
    )
    announcement.recommendations.set(Recommendation.objects.filter(reference__in=["1.38", "1.39"]))
    assert read() == before
    from recommendations.announcements import publish_announcement

    settings.PUBLIC_PAGE_CACHE = True  # (off for the rest of the suite)
    cached = client.get(FULL).content.decode()
    assert "app-fate--announced" not in cached and client.get(FULL).content.decode() == cached
    publish_announcement(announcement, by=None)
    assert "app-fate--announced" in client.get(FULL).content.decode()  # the cached page was retired


def test_announcing_a_review_in_the_workspace_offers_only_what_the_inspection_made(
    client, belmarsh_whole_life, hmi_inspector
):
    """The add page lists the recommendations of the chosen full inspection, not every one in the
    tracker (100,000 nationally); before one is chosen it says how to go on."""
    client.force_login(hmi_inspector)
    add = "/admin/recommendations/reviewannouncement/add/"

    def offered(response):
        return response.content.decode().count('type="checkbox" name="recommendations"')

    first = client.get(add)
    assert offered(first) == 0 and "then save" in first.content.decode()
    assert offered(client.get(add, {"inspection": belmarsh_whole_life.pk})) == 33
    saved_without_choice = client.post(add, {"inspection": belmarsh_whole_life.pk, "planned_month": "2022-04-15"})
    assert saved_without_choice.status_code == 200 and offered(saved_without_choice) == 33
    assert client.get(add, {"inspection": "x"}).status_code == 200
    chosen = Recommendation.objects.filter(inspection=belmarsh_whole_life, reference__in=["1.38", "3.22"])
    response = client.post(
        add,
        {
            "inspection": belmarsh_whole_life.pk,
            "planned_month": "2022-04-15",
            "recommendations": [r.pk for r in chosen],
        },
    )
    assert response.status_code == 302
    announcement = ReviewAnnouncement.objects.get()
    assert (announcement.planned_month.isoformat(), announcement.is_published) == ("2022-04-01", False)
    assert set(announcement.recommendations.all()) == set(chosen)


def test_the_full_inspection_page_runs_a_fixed_number_of_queries(
    client, belmarsh_whole_life, django_assert_num_queries
):
    client.get("/")  # warm what every page shares
    with django_assert_num_queries(9):
        # 1 the review lookup (none: the address names a full inspection)
        # 2 the full inspection with its establishment
        # 3 what it made, each with its latest published judgement
        # 4 its healthy prison scores
        # 5 its numbered paragraphs, each with its notable practice
        # 6 its team
        # 7 the published reviews that follow it up
        # 8 a published announcement of its coming review (none here)
        # 9 the report file as published (none in the fixture)
        assert client.get(FULL).status_code == 200


def test_every_reference_on_the_full_inspection_page_leads_to_its_paragraph(client, belmarsh_whole_life):
    """The report's numbered paragraphs are on the page, each with its anchor: a recommendation's
    reference, a notable practice's "(See paragraph 3.7.)" and the recommendation's own page lead
    to the paragraph's text."""
    html = client.get(FULL).content.decode()
    anchors = set(re.findall(r'id="(paragraph-[0-9-]+)"', html))
    assert len(anchors) == 172  # every numbered paragraph of the report, each once
    links = set(re.findall(r'href="#(paragraph-[0-9-]+)"', html))
    assert {"paragraph-1-38", "paragraph-6-19", "paragraph-3-7", "paragraph-4-21", "paragraph-6-4"} <= links
    assert links <= anchors  # no link leads nowhere
    page = text_of(client.get(FULL))
    assert "Section 6: Rehabilitation and release planning" in page
    assert '<span class="govuk-body govuk-!-font-weight-bold app-paragraph__number">6.17</span>' in page
    recommendation = Recommendation.objects.get(inspection=belmarsh_whole_life, reference="1.39")
    own = client.get(recommendation.get_absolute_url()).content.decode()
    assert f'href="{FULL}#paragraph-1-39">1.39</a>' in own


def test_the_full_inspection_page_lists_the_report_in_its_order_then_ofsteds_themes(client, belmarsh_whole_life):
    html = client.get(FULL).content.decode()
    names = re.findall(r'<h3 class="govuk-heading-s govuk-!-margin-bottom-1"><a [^>]*>([^<]*)</a>', html)
    assert names[:2] == ["Encouraging positive behaviour (1.38)", "Use of force (1.39)"]
    assert names[29] == "Release planning (6.26)"
    assert names[30:] == [f"Education, skills and work (Theme {n})" for n in (1, 2, 3)]
    # the team as the report names them: "Ofsted inspector", not "ofsted inspector"
    assert "Ofsted inspector</td>" in html and "Care Quality Commission inspector</td>" in html


def test_a_draft_full_inspection_is_not_found(client, belmarsh_whole_life):
    Inspection.objects.filter(pk=belmarsh_whole_life.pk).update(status="draft")
    Inspection.objects.filter(slug="irp-2022").update(status="draft")
    assert client.get(FULL).status_code == 404


def test_the_establishment_page_shows_scores_over_time_as_chart_and_table(client, belmarsh_whole_life):
    page = text_of(client.get("/establishments/belmarsh/"))
    assert "Healthy prison outcomes over time" in page
    assert 'role="img" aria-label="Bar chart of healthy prison scores: Safety 2021 2; Respect 2021 3;' in page
    assert "1: Outcomes for prisoners are poor" in page
    assert "Not known" not in page


def test_the_list_csv_and_api_filter_by_followed_up(client, belmarsh_whole_life):
    no = text_of(client.get("/recommendations/?followed_up=no"))
    assert "<strong>20</strong>" in no and no.count("Not followed up by a review") == 20
    yes = text_of(client.get("/recommendations/?followed_up=yes"))
    assert "<strong>13</strong>" in yes
    download = client.get("/recommendations.csv?followed_up=no").getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(download)))
    assert len(rows) == 20 and {row["followed_up"] for row in rows} == {"no"}
    assert all(row["judgement"] == "" for row in rows)
    api = client.get("/api/v1/recommendations/?followed_up=no")
    assert api.status_code == 200
    assert len(api.json()["results"]) == 20
    assert client.get("/recommendations/?followed_up=maybe").status_code == 400


def test_the_comparison_keeps_judged_and_not_followed_up_counts_apart(client, belmarsh_whole_life):
    response = client.get("/compare/areas.csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    security = [row for row in rows if row["area"] == "Security" and row["inspectorate"] == "HMI Prisons"]
    assert {row["judgements"] for row in security} == {"0"} and {row["not_followed_up"] for row in security} == {"1"}
    force = [row for row in rows if row["area"] == "Use of force" and row["inspectorate"] == "HMI Prisons"]
    assert sum(int(row["judgements"]) for row in force) == 1 and {row["not_followed_up"] for row in force} == {"0"}
    page = text_of(client.get("/compare/"))
    assert "Not followed up" in page


WORDS = {
    "followed_up": "Followed up by a review",
    "not_followed_up": "Not followed up by a review",
    "to_be_followed_up": "To be followed up",
}


def test_every_page_the_csv_and_the_api_say_what_became_of_a_recommendation_in_the_same_words(
    client, belmarsh_whole_life
):
    """One wording, decided once (``findings.models.FollowUp``): a recommendation its review left
    out reads "Not followed up by a review" on the establishment page, the list and its own page,
    and ``not_followed_up`` in the CSV and the API; before any review, "To be followed up" everywhere."""
    left_out = Recommendation.objects.get(inspection=belmarsh_whole_life, reference="3.22")
    judged = Recommendation.objects.get(inspection=belmarsh_whole_life, reference="1.38")

    def wording(expected_word, expected_value):
        establishment = text_of(client.get("/establishments/belmarsh/"))
        listed = text_of(client.get("/recommendations/", {"establishment": "belmarsh", "q": "Victims of violence"}))
        own = text_of(client.get(left_out.get_absolute_url()))
        for page in (establishment, listed, own):
            assert expected_word in page and "Not yet judged" not in page
        rows = csv.DictReader(io.StringIO(client.get("/recommendations.csv").getvalue().decode("utf-8-sig")))
        by_url = {row["url"].removeprefix("http://testserver"): row["follow_up"] for row in rows}
        assert by_url[left_out.get_absolute_url()] == expected_value
        api = client.get(f"/api/v1/recommendations/{left_out.pk}/").json()
        assert api["follow_up"] == expected_value
        return by_url

    by_url = wording(WORDS["not_followed_up"], "not_followed_up")
    assert by_url[judged.get_absolute_url()] == "followed_up"
    assert set(by_url.values()) == {"followed_up", "not_followed_up"}
    no_review_yet()
    cache.clear()  # the review taken down behind the cache's back (an update, as no_review_yet does)
    wording(WORDS["to_be_followed_up"], "to_be_followed_up")
