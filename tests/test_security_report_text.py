"""Report text outside evidence belongs to the inspectorate that leads the review (issue 13,
finding 5): another inspectorate's inspector reads it but cannot add, change or delete it, one
by one or with the bulk "Delete selected" action."""

import pytest
from django.urls import reverse

from findings.models import Paragraph, ParagraphPart
from recommendations.models import HealthyPrisonScore, TeamMember
from tests.adminforms import form_data


@pytest.fixture
def review(make_review, belmarsh):
    """An HMI Prisons–only draft review (led by HMI Prisons) with a team member and a score."""
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], status="draft")
    TeamMember.objects.create(
        inspection=review, name="Ann Lead", role="Team leader", inspectorate=review.lead_inspectorate
    )
    HealthyPrisonScore.objects.create(inspection=review, test="safety", score=2)
    return review


def summary(review):
    return Paragraph.objects.get(inspection=review, part=ParagraphPart.SUMMARY)


def test_the_lead_is_hmi_prisons(review, hmi_prisons):
    assert review.lead_inspectorate == hmi_prisons


def test_another_inspectorate_cannot_bulk_delete_the_summary(client, review, ofsted_inspector):
    paragraph = summary(review)
    client.force_login(ofsted_inspector)
    changelist = reverse("admin:findings_paragraph_changelist")
    data = {"action": "delete_selected", "_selected_action": [paragraph.pk], "post": "yes"}
    response = client.post(changelist, data)
    assert response.status_code == 403
    assert Paragraph.objects.filter(pk=paragraph.pk).exists()


def test_another_inspectorate_cannot_change_or_delete_the_summary(client, review, ofsted_inspector):
    paragraph = summary(review)
    client.force_login(ofsted_inspector)
    change = reverse("admin:findings_paragraph_change", args=[paragraph.pk])
    page = client.get(change)
    assert page.status_code == 200  # readable
    client.post(change, {"inspection": review.pk, "number": "1.1", "part": "summary", "text": "Rewritten."})
    assert (
        client.post(reverse("admin:findings_paragraph_delete", args=[paragraph.pk]), {"post": "yes"}).status_code == 403
    )
    paragraph.refresh_from_db()
    assert paragraph.text != "Rewritten."


def test_another_inspectorate_cannot_add_a_summary_paragraph(client, review, ofsted_inspector):
    client.force_login(ofsted_inspector)
    add = reverse("admin:findings_paragraph_add")
    data = form_data(client.get(add).content.decode(), "paragraph_form")
    data.update(inspection=str(review.pk), number="1.9", part="summary", text="Added by Ofsted.")
    response = client.post(add, data)
    assert response.status_code == 200  # the form again, with its error
    assert not Paragraph.objects.filter(text="Added by Ofsted.").exists()


def test_the_lead_inspectorate_writes_its_summary(client, review, hmi_inspector):
    paragraph = summary(review)
    client.force_login(hmi_inspector)
    change = reverse("admin:findings_paragraph_change", args=[paragraph.pk])
    data = form_data(client.get(change).content.decode(), "paragraph_form")
    data["text"] = "Corrected by HMI Prisons."
    assert client.post(change, data).status_code == 302
    paragraph.refresh_from_db()
    assert paragraph.text == "Corrected by HMI Prisons."


def test_team_and_scores_are_the_lead_inspectorates(client, review, ofsted_inspector, hmi_inspector):
    member = TeamMember.objects.get(inspection=review)
    score = HealthyPrisonScore.objects.get(inspection=review)
    client.force_login(ofsted_inspector)
    for url_name, obj in (("teammember", member), ("healthyprisonscore", score)):
        delete = reverse(f"admin:recommendations_{url_name}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        changelist = reverse(f"admin:recommendations_{url_name}_changelist")
        data = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
        assert client.post(changelist, data).status_code == 403
    assert TeamMember.objects.filter(pk=member.pk).exists() and HealthyPrisonScore.objects.filter(pk=score.pk).exists()
    # On the review's page the team and scores are read-only to Ofsted.
    page = client.get(reverse("admin:recommendations_inspection_change", args=[review.pk])).content.decode()
    assert 'name="team-0-name"' not in page
    client.force_login(hmi_inspector)
    page = client.get(reverse("admin:recommendations_inspection_change", args=[review.pk])).content.decode()
    assert 'name="team-0-name"' in page
