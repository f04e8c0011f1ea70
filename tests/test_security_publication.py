"""What the public sees changes only through publishing, by someone who may publish the review,
and every such change is in the audit trail (issue 13, findings 1 and 6)."""

import datetime

import pytest
from django.urls import reverse

from findings.publishing import NotAllowedToPublish, change_publication_date, publish_review, unpublish_review
from recommendations.models import AuditAction, AuditEvent, Inspection, PublicationStatus
from recommendations.roles import Role, grant_role
from tests.adminforms import form_data

NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
EMBARGO = datetime.date(2027, 3, 1)


@pytest.fixture
def hmi_only(make_review, belmarsh):
    """A complete draft review judging only HMI Prisons recommendations, embargoed to March 2027."""
    return make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], status="draft", published_on=EMBARGO)


def change_page(review):
    return reverse("admin:recommendations_inspection_change", args=[review.pk])


def test_another_inspectorate_cannot_move_the_embargo_on_the_change_form(
    client, hmi_only, hmi_inspector, ofsted_inspector
):
    """Finding 1: an Ofsted inspector posting the review's real change form with an earlier date
    changes nothing public: the date is not a field of that form any more."""
    publish_review(hmi_only, by=hmi_inspector, now=NOW)
    client.force_login(ofsted_inspector)
    data = form_data(client.get(change_page(hmi_only)).content.decode(), "inspection_form")
    assert "published_on" not in data
    data["published_on"] = "2026-11-01"
    client.post(change_page(hmi_only), data)
    hmi_only.refresh_from_db()
    assert hmi_only.published_on == EMBARGO
    assert not Inspection.objects.published(datetime.date(2026, 11, 29)).filter(pk=hmi_only.pk).exists()


def test_another_inspectorate_is_refused_the_change_date_form(client, hmi_only, hmi_inspector, ofsted_inspector):
    publish_review(hmi_only, by=hmi_inspector, now=NOW)
    client.force_login(ofsted_inspector)
    url = reverse("admin:recommendations_inspection_change_date", args=[hmi_only.pk])
    response = client.post(url, {"publication-published_on": "2026-11-01", "publication-reason": "Earlier"})
    assert response.status_code == 403
    hmi_only.refresh_from_db()
    assert hmi_only.published_on == EMBARGO
    with pytest.raises(NotAllowedToPublish):
        change_publication_date(hmi_only, ofsted_inspector, datetime.date(2030, 1, 1), "Hide it")
    assert not AuditEvent.objects.filter(action=AuditAction.EMBARGO_CHANGED).exists()


def test_who_may_publish_changes_the_date_with_a_reason_on_record(client, hmi_only, hmi_inspector):
    publish_review(hmi_only, by=hmi_inspector, now=NOW)
    client.force_login(hmi_inspector)
    page = client.get(change_page(hmi_only)).content.decode()
    assert 'name="publication-published_on" value="2027-03-01"' in page  # the date input shows the date
    url = reverse("admin:recommendations_inspection_change_date", args=[hmi_only.pk])
    page = client.post(url, {"publication-published_on": "2027-04-05", "publication-reason": ""}, follow=True)
    assert "Give a reason for changing the publication date." in page.content.decode()
    hmi_only.refresh_from_db()
    assert hmi_only.published_on == EMBARGO

    page = client.post(
        url,
        {"publication-published_on": "2027-04-05", "publication-reason": "Laid before Parliament later."},
        follow=True,
    )
    assert "is embargoed until 5 April 2027: the public sees it from then." in page.content.decode()
    hmi_only.refresh_from_db()
    assert hmi_only.published_on == datetime.date(2027, 4, 5)
    event = AuditEvent.objects.filter(action=AuditAction.EMBARGO_CHANGED, inspection=hmi_only).get()
    assert event.user == hmi_inspector
    assert "from 1 March 2027 to 5 April 2027" in event.summary
    assert event.reason == "Laid before Parliament later."
    # The inspection published with the review moves with it.
    inspection = hmi_only.follows_up
    inspection.refresh_from_db()
    assert inspection.published_on == datetime.date(2027, 4, 5)


def test_unpublishing_takes_back_the_inspection_it_published(hmi_only, hmi_inspector):
    """Finding 6: the followed-up inspection, published by publishing the review, is a draft
    again once the review is unpublished; both are on the audit trail."""
    inspection = hmi_only.follows_up
    assert inspection.status == PublicationStatus.DRAFT
    publish_review(hmi_only, by=hmi_inspector, now=NOW)
    inspection.refresh_from_db()
    assert inspection.status == PublicationStatus.PUBLISHED

    unpublish_review(hmi_only, by=hmi_inspector, reason="Published by mistake.")

    inspection.refresh_from_db()
    assert inspection.status == PublicationStatus.DRAFT
    assert not Inspection.objects.published(datetime.date(2030, 1, 1)).filter(pk=inspection.pk).exists()
    events = AuditEvent.objects.exclude(action=AuditAction.ROLE_GRANTED).order_by("pk")
    actions = list(events.values_list("action", "inspection"))
    assert actions == [
        (AuditAction.PUBLISHED, inspection.pk),
        (AuditAction.PUBLISHED, hmi_only.pk),
        (AuditAction.UNPUBLISHED, hmi_only.pk),
        (AuditAction.UNPUBLISHED, inspection.pk),
    ]


def test_unpublishing_keeps_an_inspection_another_published_review_follows_up(hmi_only, hmi_inspector):
    inspection = hmi_only.follows_up
    publish_review(hmi_only, by=hmi_inspector, now=NOW)
    second = Inspection.objects.get(pk=hmi_only.pk)
    second.pk = None
    second.slug = "irp-2023"
    second.status = PublicationStatus.PUBLISHED
    second.save()

    unpublish_review(hmi_only, by=hmi_inspector, reason="Published by mistake.")

    inspection.refresh_from_db()
    assert inspection.status == PublicationStatus.PUBLISHED


def test_unpublishing_keeps_an_inspection_published_on_its_own(make_review, belmarsh, hmi_inspector):
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")], status="draft")
    inspection = review.follows_up
    inspection.status = PublicationStatus.PUBLISHED
    inspection.save()
    publish_review(review, by=hmi_inspector, now=NOW)
    unpublish_review(review, by=hmi_inspector, reason="A correction.")
    inspection.refresh_from_db()
    assert inspection.status == PublicationStatus.PUBLISHED


def test_granting_a_role_is_on_the_audit_trail(hmi_prisons):
    grant_role("new.inspector", Role.INSPECTOR, inspectorate=hmi_prisons)
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert event.summary == "new.inspector created and granted the inspector role for HMI Prisons."


def test_the_audit_trail_is_readable_filterable_and_never_editable(client, hmi_only, hmi_inspector):
    publish_review(hmi_only, by=hmi_inspector, now=NOW)
    client.force_login(hmi_inspector)
    listing = client.get(reverse("admin:recommendations_auditevent_changelist"), {"action": "published"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "published, shown from 1 March 2027" in html
    assert "granted the inspector role" not in html  # filtered out
    event = AuditEvent.objects.filter(inspection=hmi_only).first()
    assert client.get(reverse("admin:recommendations_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:recommendations_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    page = client.post(reverse("admin:recommendations_auditevent_change", args=[event.pk]), {"summary": "Rewritten"})
    assert page.status_code in (200, 403)
    event.refresh_from_db()
    assert event.summary != "Rewritten"


def test_what_a_published_review_is_cannot_change_on_its_form(client, hmi_only, hmi_inspector, wandsworth):
    publish_review(hmi_only, by=hmi_inspector, now=NOW)
    client.force_login(hmi_inspector)
    data = form_data(client.get(change_page(hmi_only)).content.decode(), "inspection_form")
    assert not {"establishment", "kind", "follows_up", "published_on", "status"} & set(data)
    data.update(establishment=str(wandsworth.pk), kind="full", published_on="2020-01-01")
    client.post(change_page(hmi_only), data)
    hmi_only.refresh_from_db()
    assert (hmi_only.establishment.slug, hmi_only.kind, hmi_only.published_on) == ("belmarsh", "irp", EMBARGO)
