"""The small things a person notices: wording, one date format, one status tag, one order of
notes, no stray separators, a favicon, the inspectors' read-only rows, whole-word previews."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from findings.admin import evidence_list, preview
from findings.models import Judgement, Paragraph, ParagraphPart
from recommendations import actions as domain
from recommendations.models import ActionPlan, PublicationStatus

TODAY = datetime.date(2022, 6, 1)


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def review(make_review, belmarsh):
    return make_review(belmarsh, [("hmi-prisons", "reasonable-progress"), ("ofsted", "insufficient-progress")])


def test_previewing_a_published_review_does_not_say_not_published(client, review, hmi_inspector):
    client.force_login(hmi_inspector)
    page = client.get(reverse("public:review-preview", kwargs={"pk": review.pk})).content.decode()
    assert "not published" not in page
    assert "Preview of a published review" in page and "this is the page the public sees from 26 April 2022" in page


def test_previewing_a_draft_says_it_is_not_published(client, review, hmi_inspector):
    review.status = PublicationStatus.DRAFT
    review.save()
    client.force_login(hmi_inspector)
    page = client.get(reverse("public:review-preview", kwargs={"pk": review.pk})).content.decode()
    assert "Preview — not published" in page and "The review is a draft" in page


def test_a_fact_line_has_no_stray_separator(client, review):
    """An inspection with no visit dates: "Published 26 April 2022" stands alone, no leading dot."""
    type(review).objects.filter(pk=review.pk).update(visit_start=None, visit_end=None, visit_period="")
    page = client.get(review.establishment.get_absolute_url()).content.decode()
    facts = re.findall(r'<ul class="govuk-list govuk-body-s app-facts">(.*?)</ul>', page, re.S)
    assert facts and all("·" not in line for line in facts)  # the dots are drawn by CSS between items
    assert "<li>Published 26 April 2022</li>" in page


def test_every_page_names_the_favicon_and_the_old_address_redirects(client, db):
    page = client.get(reverse("public:home")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">', page)
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_one_date_format_in_tables_and_text(client, review, belmarsh_leader):
    """ "31 March 2027" in the leaders' tables as on the action's own page; never "31 Mar 2027"."""
    recommendation = review.judgements.get(position=1).recommendation
    action = domain.add_action(
        recommendation, description="Train staff", target_date=datetime.date(2027, 3, 31), by=belmarsh_leader
    )
    client.force_login(belmarsh_leader)
    for url in (
        reverse("leaders:action-list", kwargs={"slug": "belmarsh"}),
        reverse("leaders:recommendation-detail", kwargs={"slug": "belmarsh", "pk": recommendation.pk}),
        reverse("leaders:action", kwargs={"slug": "belmarsh", "pk": action.pk}),
    ):
        page = client.get(url).content.decode()
        assert "31 March 2027" in page and "31 Mar 2027" not in page, url


def test_times_are_24_hour_in_the_history_and_the_admin(client, review, belmarsh_leader, hmi_inspector):
    recommendation = review.judgements.get(position=1).recommendation
    action = domain.add_action(recommendation, description="Train staff", by=belmarsh_leader)
    when = timezone.make_aware(datetime.datetime(2022, 6, 1, 13, 5))
    action.history.update(history_date=when)
    client.force_login(belmarsh_leader)
    page = client.get(reverse("leaders:action-history", kwargs={"slug": "belmarsh", "pk": action.pk})).content
    assert "1 June 2022, 13:05" in page.decode()
    assert "p.m." not in page.decode()


def test_done_is_the_same_tag_for_leaders_and_the_public(client, review, belmarsh_leader):
    """One include for an action's status: the public sees the colour the leaders see."""
    recommendation = review.judgements.get(position=1).recommendation
    action = domain.add_action(recommendation, description="Train staff", by=belmarsh_leader)
    domain.mark_done(action, "Everyone trained.", by=belmarsh_leader)
    ActionPlan.objects.create(inspection=recommendation.inspection, published_at=timezone.now())
    tag = '<strong class="govuk-tag app-action-status app-action-status--done">Done</strong>'
    assert tag in client.get(recommendation.get_absolute_url()).content.decode()
    client.force_login(belmarsh_leader)
    leaders = client.get(reverse("leaders:action", kwargs={"slug": "belmarsh", "pk": action.pk})).content.decode()
    assert tag in leaders


def test_progress_notes_are_in_the_same_order_for_leaders_and_the_public(client, review, belmarsh_leader):
    recommendation = review.judgements.get(position=1).recommendation
    action = domain.add_action(recommendation, description="Train staff", by=belmarsh_leader)
    domain.add_progress_note(action, "First note", by=belmarsh_leader, noted_on=datetime.date(2022, 5, 1))
    domain.add_progress_note(action, "Second note", by=belmarsh_leader, noted_on=datetime.date(2022, 5, 20))
    ActionPlan.objects.create(inspection=recommendation.inspection, published_at=timezone.now())
    public = client.get(recommendation.get_absolute_url()).content.decode()
    client.force_login(belmarsh_leader)
    leaders = client.get(reverse("leaders:action", kwargs={"slug": "belmarsh", "pk": action.pk})).content.decode()
    for page in (public, leaders):
        assert page.index("First note") < page.index("Second note")  # oldest first, as a diary


def test_a_progress_note_is_one_row_of_the_history_not_two(client, review, belmarsh_leader):
    """No bare "Marked as updated" row for the new version a note gives the action."""
    recommendation = review.judgements.get(position=1).recommendation
    action = domain.add_action(recommendation, description="Train staff", by=belmarsh_leader)
    domain.add_progress_note(action, "Started", by=belmarsh_leader)
    client.force_login(belmarsh_leader)
    response = client.get(reverse("leaders:action-history", kwargs={"slug": "belmarsh", "pk": action.pk}))
    assert [event["what"] for event in response.context["events"]] == ["Action added", "Progress note added"]
    assert "Marked as updated" not in response.content.decode()


def test_the_other_inspectorates_rows_offer_no_evidence_link(client, review, hmi_inspector):
    """HMI Prisons' inspector reads Ofsted's judgement and evidence, with no link to change it."""
    client.force_login(hmi_inspector)
    page = client.get(reverse("admin:recommendations_inspection_change", args=[review.pk])).content.decode()
    other = page[page.index('id="judgements-2-group"') :]
    other = other[: other.index("</fieldset>")]
    assert "Evidence 2 at HMP Belmarsh." in other
    assert "Add or edit evidence" not in other and "Add evidence" not in other
    own = page[page.index('id="judgements-group"') :]
    assert "Add or edit evidence" in own[: own.index("</fieldset>")]


def test_admin_evidence_previews_end_at_a_whole_word_with_an_ellipsis(review):
    judgement = Judgement.objects.filter(review=review).first()
    Paragraph.objects.filter(judgement=judgement).update(
        text="Staff reviewed body-worn video footage after every use of force and recorded what they "
        "learned, which leaders then discussed at the monthly meeting."
    )
    judgement = Judgement.objects.prefetch_related("evidence").get(pk=judgement.pk)
    shown = evidence_list(judgement, editable=False)
    assert "Staff reviewed body-worn video footage after every use of force and recorded what they learned,…" in shown
    assert preview("one two three", words=2) == "one two…"
    assert preview("one two", words=2) == "one two"
    assert Paragraph.objects.filter(part=ParagraphPart.EVIDENCE).exists()


def test_the_review_page_lists_its_recommendations_with_links_to_each(client, review):
    """A long page opens with every recommendation and theme and its judgement, each linked to its part."""
    page = client.get(review.get_absolute_url()).content.decode()
    start = page.index("Judgements at a glance")
    listed = page[start : page.index("</table>", start)]
    assert start < page.index("Chief Inspector’s summary")
    for judgement in review.judgements.select_related("recommendation", "level"):
        recommendation = judgement.recommendation
        assert f'href="#recommendation-{recommendation.pk}">{recommendation.name}</a>' in listed
        assert f'id="recommendation-{recommendation.pk}"' in page
        assert judgement.level.label in listed
