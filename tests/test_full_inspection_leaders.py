"""Leaders answer every recommendation or key concern of their latest full inspection from the
day it is published, before any review; a published announcement flags what the review will
follow up."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from findings.publishing import refresh_public_judgements
from recommendations.announcements import announce_review, publish_announcement
from recommendations.models import Inspection, Recommendation, Response
from tests.conftest import PROJECT_DIR

FIXTURE = PROJECT_DIR / "fixtures" / "belmarsh.json"


@pytest.fixture
def before_the_review(db, settings):
    """Belmarsh in November 2021: its full inspection published in October, no review yet."""
    call_command("loaddata", str(FIXTURE), verbosity=0)
    Inspection.objects.filter(slug="irp-2022").update(status="draft")
    refresh_public_judgements()
    settings.TRACKER_TODAY = datetime.date(2021, 11, 15)
    return Inspection.objects.get(slug="inspection-2021")


@pytest.fixture
def leader(client, before_the_review, belmarsh_leader):
    # after the data is loaded: loading the fixture sets Belmarsh's leaders to none
    client.force_login(belmarsh_leader)
    return client


def url(name, **kwargs):
    return reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", **kwargs})


def test_a_leader_responds_before_any_review(leader, before_the_review):
    dashboard = leader.get(url("home")).content.decode()
    assert "Victims of violence should receive support" in dashboard  # 3.22: no review will judge it
    recommendation = Recommendation.objects.get(reference="3.22")
    response = leader.post(
        url("response", pk=recommendation.pk), {"decision": "partly_accepted", "reason": "Funding for one wing"}
    )
    assert response.status_code == 302
    assert Response.objects.get(recommendation=recommendation).reason == "Funding for one wing"
    assert leader.get(url("recommendation-detail", pk=recommendation.pk)).status_code == 200


def test_the_dashboard_says_what_became_of_each_in_the_public_pages_words(leader, before_the_review, settings):
    """Before the review every one is "To be followed up"; once it is published, the ones it left
    out are "Not followed up by a review" (never "Not yet judged": no review will judge them)."""
    dashboard = leader.get(url("home")).content.decode()
    assert "Not yet judged" not in dashboard and dashboard.count(">To be followed up<") == 33
    Inspection.objects.filter(slug="irp-2022").update(status="published")
    settings.TRACKER_TODAY = datetime.date(2022, 6, 1)  # after the review's April publication
    refresh_public_judgements()
    dashboard = leader.get(url("home")).content.decode()
    assert "Not yet judged" not in dashboard and dashboard.count(">Not followed up by a review<") == 20
    left_out = Recommendation.objects.get(reference="3.22")
    page = leader.get(url("recommendation-detail", pk=left_out.pk)).content.decode()
    assert ">Not followed up by a review<" in page
    # The action plan download says the same in its judgement column.
    rows = list(csv.DictReader(io.StringIO(leader.get(url("action-plan-csv")).content.decode("utf-8-sig"))))
    judgements = [row["Latest judgement"] for row in rows]
    assert "Not yet judged" not in judgements
    assert judgements.count("Not followed up by a review") == 20


def test_an_announced_review_is_flagged_on_the_dashboard_once_published(leader, before_the_review):
    chosen = Recommendation.objects.filter(reference__in=["1.38", "3.13"])
    announcement = announce_review(before_the_review, chosen, datetime.date(2022, 4, 15))
    flag = "To be followed up at the review planned for April 2022"
    assert flag not in leader.get(url("home")).content.decode()
    publish_announcement(announcement)
    assert leader.get(url("home")).content.decode().count(flag) == 2


def test_a_review_cannot_be_announced_for_what_another_inspection_made(before_the_review, make_review, wandsworth):
    from django.core.exceptions import ValidationError

    stranger = make_review(wandsworth, [("hmi-prisons", "reasonable-progress")]).judgements.get().recommendation
    with pytest.raises(ValidationError, match="was not made at"):
        announce_review(before_the_review, [stranger], datetime.date(2022, 4, 1))


def test_another_prisons_leader_cannot_respond(client, before_the_review, other_leader):
    client.force_login(other_leader)
    recommendation = Recommendation.objects.get(reference="3.22")
    response = client.post(url("response", pk=recommendation.pk), {"decision": "accepted", "reason": ""})
    assert response.status_code in (403, 404)
    assert not Response.objects.exists()


def test_a_leader_responds_when_only_the_full_inspection_has_been_imported(client, belmarsh_leader, settings):
    """No review in the tracker at all, not even a draft: the full inspection's own import gives
    the leaders every recommendation to answer, from its publication month."""
    import io

    call_command(
        "import_report",
        str(PROJECT_DIR / "fixtures" / "reports" / "belmarsh-full-inspection-2021.txt"),
        stdout=io.StringIO(),
    )
    assert not Inspection.objects.filter(kind="irp").exists()
    settings.TRACKER_TODAY = datetime.date(2021, 11, 15)
    client.force_login(belmarsh_leader)
    dashboard = client.get(url("home")).content.decode()
    made = Recommendation.objects.filter(inspection__slug="inspection-2021")
    assert made.count() == 30
    for recommendation in made:
        assert recommendation.get_absolute_url() in dashboard or recommendation.text[:40] in dashboard
    chosen = made.get(reference="1.39")
    response = client.post(url("response", pk=chosen.pk), {"decision": "accepted", "reason": ""})
    assert response.status_code == 302
    assert Response.objects.get(recommendation=chosen).decision == "accepted"
