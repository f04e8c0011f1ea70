"""Publishing a review: checked first, recorded, embargoed until its date, undone only with a reason,
and every change to judgements and evidence kept in history."""

import datetime
import re
from html import unescape

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from findings.models import Judgement, Paragraph, ParagraphPart, published_recommendations
from findings.publishing import PublicationError, PublishedReviewLocked, publish_review, unpublish_review
from recommendations.models import Inspection, PublicationStatus, Recommendation, Unpublication
from tests.adminforms import form_data
from tests.conftest import level

NOW = datetime.datetime(2022, 4, 26, 9, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2022, 4, 26)


@pytest.fixture
def draft(make_review, belmarsh):
    """A complete draft review: summary, two judgements each with one evidence paragraph."""
    return make_review(
        belmarsh, [("hmi-prisons", "reasonable-progress"), ("ofsted", "insufficient-progress")], status="draft"
    )


def change_page(review):
    return reverse("admin:recommendations_inspection_change", args=[review.pk])


# --- Checks before publishing ----------------------------------------------------------------


def test_an_incomplete_review_is_refused_naming_each_missing_item(draft, hmi_inspector):
    """No summary, a judgement without evidence, one without a level: each is named, nothing published."""
    draft.paragraphs.filter(part=ParagraphPart.SUMMARY).delete()
    hmi = draft.judgements.get(recommendation__inspectorate__slug="hmi-prisons")
    for paragraph in hmi.evidence.all():
        paragraph.delete()
    ofsted = draft.judgements.get(recommendation__inspectorate__slug="ofsted")
    ofsted.level = None
    ofsted.save()
    history_before = Inspection.history.count()

    with pytest.raises(PublicationError) as refused:
        publish_review(draft, by=hmi_inspector, now=NOW)

    assert refused.value.messages == [
        "The Chief Inspector’s summary is missing: add at least one summary paragraph.",
        "Area 1 (1.1) has no evidence paragraph: add at least one.",
        "Area 2 (Theme 1) has no judgement: choose a level of progress.",
    ]
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT and draft.published_at is None
    assert Inspection.history.count() == history_before


def test_the_publish_button_tells_the_inspector_what_is_missing(client, draft, hmi_inspector):
    """On the review page, a refused publication lists the missing items as messages."""
    for paragraph in Paragraph.objects.filter(judgement__review=draft, judgement__recommendation__reference="1.1"):
        paragraph.delete()
    client.force_login(hmi_inspector)
    response = client.post(reverse("admin:recommendations_inspection_publish", args=[draft.pk]), follow=True)
    html = response.content.decode()
    assert "was not published" in html
    assert "Area 1 (1.1) has no evidence paragraph: add at least one." in html
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT


def test_a_review_that_follows_up_nothing_is_not_published(make_review, belmarsh, hmi_inspector):
    """A review with no judgement at all is not a report yet."""
    review = make_review(belmarsh, [], status="draft")
    with pytest.raises(PublicationError, match="follows up no recommendation yet"):
        publish_review(review, by=hmi_inspector, now=NOW)


def test_a_published_review_is_not_published_twice(draft, hmi_inspector):
    publish_review(draft, by=hmi_inspector, now=NOW)
    with pytest.raises(PublicationError, match="already published"):
        publish_review(draft, by=hmi_inspector, now=NOW)


# --- Publishing records who and when, and the embargo ------------------------------------------


def test_publishing_records_who_and_when(draft, hmi_inspector):
    """Status, time and person are recorded, and the change is in the review's history."""
    draft.published_on = None
    draft.save()
    publish_review(draft, by=hmi_inspector, now=NOW)
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED
    assert draft.published_at == NOW and draft.published_by == hmi_inspector
    assert draft.published_on == TODAY  # empty publication date: today
    record = draft.history.latest()
    assert record.history_user == hmi_inspector and record.prev_record.status == PublicationStatus.DRAFT


def test_under_tracker_today_a_review_published_without_a_date_is_public_that_day(
    client, draft, hmi_inspector, settings
):
    """With the service's date frozen (``TRACKER_TODAY``, e.g. to demonstrate old data), the
    Publish button on a review with no publication date makes it public on that day: not
    embargoed until the machine's real date."""
    settings.TRACKER_TODAY = TODAY
    draft.published_on = None
    draft.save()
    client.force_login(hmi_inspector)
    response = client.post(reverse("admin:recommendations_inspection_publish", args=[draft.pk]), follow=True)
    assert "is published and the public can see it now" in response.content.decode()
    client.logout()

    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    assert re.search(r"Published</dt>\s*<dd[^>]*>26 April 2022</dd>", page.content.decode())
    assert draft.get_absolute_url() in client.get(reverse("public:home")).content.decode()
    settings.TRACKER_TODAY = TODAY - datetime.timedelta(days=1)
    assert client.get(draft.get_absolute_url()).status_code == 404  # not the day before


def test_the_followed_up_inspection_is_published_with_the_review(draft, hmi_inspector):
    """The full inspection, if still a draft, is published with the review, on the review's date."""
    inspection = draft.follows_up
    assert inspection.status == PublicationStatus.DRAFT and inspection.published_on is None
    publish_review(draft, by=hmi_inspector, now=NOW)
    inspection.refresh_from_db()
    assert inspection.status == PublicationStatus.PUBLISHED
    assert inspection.published_on == draft.published_on and inspection.published_by == hmi_inspector


def test_a_scheduled_review_stays_hidden_until_its_date(draft, hmi_inspector):
    """Published with a future date, nothing of it is public until that day, then all of it is."""
    draft.published_on = TODAY + datetime.timedelta(days=10)
    draft.save()
    publish_review(draft, by=hmi_inspector, now=NOW)

    for day, visible in [(TODAY, False), (TODAY + datetime.timedelta(days=9), False), (draft.published_on, True)]:
        assert Inspection.objects.published(day).filter(pk=draft.pk).exists() == visible
        assert Judgement.objects.published(day).filter(review=draft).count() == (2 if visible else 0)
        assert published_recommendations(day).filter(inspection=draft.follows_up).count() == (2 if visible else 0)


def test_the_review_page_says_when_an_embargo_ends(client, draft, hmi_inspector):
    """After publishing with a future date, the review page says it is embargoed until then."""
    draft.published_on = timezone.localdate() + datetime.timedelta(days=30)
    draft.save()
    client.force_login(hmi_inspector)
    response = client.post(reverse("admin:recommendations_inspection_publish", args=[draft.pk]), follow=True)
    html = response.content.decode()
    assert f"embargoed until {draft.published_on:%-d %B %Y}" in html
    assert "The public sees it from" in html
    assert f"Embargoed until {draft.published_on:%-d %B %Y}" in html  # the state, named as in the list


def test_the_review_page_links_to_the_preview(client, draft, hmi_inspector):
    client.force_login(hmi_inspector)
    html = client.get(change_page(draft)).content.decode()
    assert f'href="{reverse("public:review-preview", kwargs={"pk": draft.pk})}"' in html


# --- Unpublishing --------------------------------------------------------------------------------


def test_unpublishing_needs_a_reason(draft, hmi_inspector):
    """Without a reason nothing changes; with one the review is a draft again and the reason is kept."""
    publish_review(draft, by=hmi_inspector, now=NOW)
    with pytest.raises(PublicationError, match="Give a reason"):
        unpublish_review(draft, by=hmi_inspector, reason="   ")
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED and not Unpublication.objects.exists()

    unpublish_review(draft, by=hmi_inspector, reason="Paragraph 3.2 named a member of staff.")

    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT
    kept = Unpublication.objects.get()
    assert (kept.inspection, kept.by, kept.reason) == (draft, hmi_inspector, "Paragraph 3.2 named a member of staff.")
    assert draft.history.latest().history_change_reason == "Unpublished: Paragraph 3.2 named a member of staff."


def test_the_unpublish_form_refuses_an_empty_reason(client, draft, hmi_inspector):
    publish_review(draft, by=hmi_inspector, now=NOW)
    client.force_login(hmi_inspector)
    url = reverse("admin:recommendations_inspection_unpublish", args=[draft.pk])
    html = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Give a reason for unpublishing the review." in html
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED

    client.post(url, {"reason": "Published by mistake."})
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT
    assert Unpublication.objects.get().reason == "Published by mistake."


# --- A published review's judgements and evidence are never deleted ----------------------------


def test_deleting_a_published_reviews_judgement_is_refused_everywhere(draft, hmi_inspector):
    """Model, queryset and evidence deletions all refuse, and leave everything in place."""
    publish_review(draft, by=hmi_inspector, now=NOW)
    judgement = draft.judgements.first()
    paragraph = judgement.evidence.get()
    # (Each attempt in its own savepoint, as a request's transaction would be.)
    with pytest.raises(PublishedReviewLocked, match="The review is published"), transaction.atomic():
        paragraph.delete()
    with pytest.raises(PublishedReviewLocked), transaction.atomic():
        Paragraph.objects.filter(judgement__review=draft).delete()
    # A judgement that somehow has no evidence left is refused too.
    bare = Judgement.objects.create(
        review=draft,
        recommendation=Recommendation.objects.create(
            inspection=draft.follows_up,
            inspectorate=judgement.level.inspectorate,
            area="Late",
            text="Added.",
            reference="1.99",
        ),
        level=judgement.level,
    )
    with pytest.raises(PublishedReviewLocked, match="the judgement of Late"), transaction.atomic():
        bare.delete()
    with pytest.raises(PublishedReviewLocked), transaction.atomic():
        Judgement.objects.filter(pk=bare.pk).delete()
    assert draft.judgements.count() == 3
    assert Paragraph.objects.filter(judgement__review=draft).count() == 2
    assert not Judgement.history.filter(history_type="-").exists()


def test_the_admin_refuses_to_delete_a_published_reviews_judgement(client, draft, hmi_inspector):
    """The delete page is forbidden, and the review page's delete box is refused with a sentence."""
    publish_review(draft, by=hmi_inspector, now=NOW)
    judgement = draft.judgements.get(recommendation__inspectorate__slug="hmi-prisons")
    client.force_login(hmi_inspector)
    delete_url = reverse("admin:findings_judgement_delete", args=[judgement.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403

    page = client.get(change_page(draft)).content.decode()
    assert 'name="judgements-0-DELETE"' not in page  # no delete box is offered
    data = form_data(page, "inspection_form")
    data["judgements-0-DELETE"] = "on"  # and a crafted one is ignored
    client.post(change_page(draft), data)
    assert Judgement.objects.filter(pk=judgement.pk).exists()


def test_a_draft_reviews_judgement_is_removed_once_its_evidence_is(client, draft, hmi_inspector):
    """On a draft, removing a judgement that still has evidence is refused, naming the paragraph;
    with its evidence deleted first, it goes, and both deletions are kept in history."""
    judgement = draft.judgements.get(recommendation__inspectorate__slug="hmi-prisons")
    paragraph = judgement.evidence.get()
    client.force_login(hmi_inspector)
    data = form_data(client.get(change_page(draft)).content.decode(), "inspection_form")
    data["judgements-0-DELETE"] = "on"
    response = client.post(change_page(draft), data)
    assert response.status_code == 200
    assert "paragraph 3.1 Evidence 1 at HMP Belmarsh" in response.content.decode()
    assert Judgement.objects.filter(pk=judgement.pk).exists()

    url = reverse("admin:findings_judgement_change", args=[judgement.pk])
    evidence = form_data(client.get(url).content.decode(), "judgement_form")
    evidence["evidence-0-DELETE"] = "on"
    assert client.post(url, evidence).status_code == 302
    assert client.post(change_page(draft), data).status_code == 302

    assert not Judgement.objects.filter(pk=judgement.pk).exists()
    assert Judgement.history.get(id=judgement.pk, history_type="-").history_user == hmi_inspector
    assert Paragraph.history.get(id=paragraph.pk, history_type="-").history_user == hmi_inspector


def test_a_published_reviews_judgement_keeps_its_level(draft, hmi_inspector):
    publish_review(draft, by=hmi_inspector, now=NOW)
    judgement = Judgement.objects.filter(review=draft).first()
    judgement.level = None
    with pytest.raises(Exception, match="every recommendation it follows up keeps a level"):
        judgement.full_clean()


# --- Recording judgements and evidence, with history -------------------------------------------


def test_an_inspector_follows_up_a_recommendation_then_judges_it_with_evidence(
    client, make_review, belmarsh, hmi_prisons, hmi_inspector
):
    """Add a recommendation on the review page, choose its level, add evidence: each step is history."""
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")], status="draft")
    extra = Recommendation.objects.create(
        inspection=review.follows_up, inspectorate=hmi_prisons, area="Use of force", text="Review it.", reference="1.9"
    )
    client.force_login(hmi_inspector)

    # 1. Follow it up, not yet judged.
    data = form_data(client.get(change_page(review)).content.decode(), "inspection_form")
    rows = int(data["judgements-TOTAL_FORMS"])
    # As the browser's "Add another" does: a copy of the empty row, filled in.
    new_row = {k.replace("__prefix__", str(rows)): v for k, v in data.items() if "judgements-__prefix__" in k}
    data.update(new_row)
    data.update({f"judgements-{rows}-recommendation": str(extra.pk), "judgements-TOTAL_FORMS": str(rows + 1)})
    response = client.post(change_page(review), data)
    assert response.status_code == 302, response.context["errors"]
    judgement = Judgement.objects.get(review=review, recommendation=extra)
    assert judgement.level is None
    with pytest.raises(PublicationError) as refused:
        publish_review(review, by=hmi_inspector, now=NOW)
    assert "Use of force (1.9) has no judgement: choose a level of progress." in refused.value.messages

    # 2. Judge it and add an evidence paragraph on the judgement's page.
    url = reverse("admin:findings_judgement_change", args=[judgement.pk])
    data = form_data(client.get(url).content.decode(), "judgement_form")
    data["level"] = str(level(hmi_prisons, "reasonable-progress").pk)
    data["evidence-0-number"], data["evidence-0-text"] = "3.20", "Use of force was now reviewed weekly."
    assert client.post(url, data).status_code == 302
    paragraph = judgement.evidence.get()
    assert (paragraph.inspection, paragraph.part, paragraph.number) == (review, ParagraphPart.EVIDENCE, "3.20")

    # 3. Correct the level: the history keeps before and after, and who.
    data = form_data(client.get(url).content.decode(), "judgement_form")
    data["level"] = str(level(hmi_prisons, "good-progress").pk)
    data["evidence-0-text"] = "Use of force was now reviewed every week."
    assert client.post(url, data).status_code == 302
    records = list(judgement.history.order_by("history_date"))
    assert [r.level.label if r.level else None for r in records] == [None, "Reasonable progress", "Good progress"]
    assert {r.history_user for r in records} == {hmi_inspector}
    texts = [r.text for r in Paragraph.history.filter(id=paragraph.pk).order_by("history_date")]
    assert texts == ["Use of force was now reviewed weekly.", "Use of force was now reviewed every week."]

    # 4. The history page shows who and the change, before → after.
    html = client.get(reverse("admin:findings_judgement_history", args=[judgement.pk])).content.decode()
    assert "hmi.inspector" in html
    assert "Reasonable progress (HMI Prisons)" in html and "Good progress (HMI Prisons)" in html and "&rarr;" in html
    html = client.get(reverse("admin:findings_paragraph_history", args=[paragraph.pk])).content.decode()
    assert "reviewed weekly." in html and "reviewed every week." in html

    # 5. Publish: now complete.
    publish_review(review, by=hmi_inspector, now=NOW)


def test_a_recommendation_change_is_kept_in_history_with_before_and_after(client, draft, hmi_inspector):
    recommendation = draft.judgements.get(recommendation__inspectorate__slug="hmi-prisons").recommendation
    client.force_login(hmi_inspector)
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    data = form_data(client.get(url).content.decode(), "recommendation_form")
    data["text"] = "Review every use of force within 72 hours."
    assert client.post(url, data).status_code == 302
    record = recommendation.history.latest()
    assert record.history_user == hmi_inspector
    assert record.prev_record.text == "Recommendation 1 for HMP Belmarsh." and record.text == data["text"]
    html = client.get(reverse("admin:recommendations_recommendation_history", args=[recommendation.pk])).content
    assert b"Review every use of force within 72 hours." in html and b"Recommendation 1 for HMP Belmarsh." in html


def test_history_cannot_be_saved_back(client, draft, hmi_inspector):
    """Old versions are for reading: posting one back is refused."""
    judgement = draft.judgements.get(recommendation__inspectorate__slug="hmi-prisons")
    client.force_login(hmi_inspector)
    record = judgement.history.latest()
    url = reverse("admin:findings_judgement_simple_history", args=[judgement.pk, record.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"level": str(level(record.level.inspectorate, "good-progress").pk)}).status_code == 405
    judgement.refresh_from_db()
    assert judgement.level.slug == "reasonable-progress"


def test_a_duplicate_evidence_number_is_refused_with_a_sentence(client, draft, hmi_inspector):
    """Paragraph numbers are unique in a review: the form says so instead of failing."""
    judgement = draft.judgements.get(recommendation__inspectorate__slug="hmi-prisons")
    client.force_login(hmi_inspector)
    url = reverse("admin:findings_judgement_change", args=[judgement.pk])
    data = form_data(client.get(url).content.decode(), "judgement_form")
    data["evidence-1-number"], data["evidence-1-text"] = "3.2", "Taken by the Ofsted theme."
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The review already has a paragraph 3.2" in response.content.decode()
    assert judgement.evidence.count() == 1


def test_a_level_from_the_wrong_scale_is_explained_on_the_form(admin_client, draft, ofsted):
    """Even a superuser, offered every scale, is told in a sentence which scale to use."""
    url = change_page(draft)
    data = form_data(admin_client.get(url).content.decode(), "inspection_form")
    judgement = draft.judgements.get(recommendation__inspectorate__slug="hmi-prisons")
    rows = range(int(data["judgements-TOTAL_FORMS"]))
    hmi_row = next(i for i in rows if data[f"judgements-{i}-id"] == str(judgement.pk))
    data[f"judgements-{hmi_row}-level"] = str(level(ofsted, "significant-progress").pk)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is on the Ofsted scale, but this recommendation is judged by HMI Prisons" in html
    judgement.refresh_from_db()
    assert judgement.level.slug == "reasonable-progress"


def test_the_review_page_shows_live_key_findings_and_scale_definitions(client, draft, hmi_inspector):
    """Key-finding counts follow the judgements; the inspector's scale is defined on the page."""
    client.force_login(hmi_inspector)
    html = client.get(change_page(draft)).content.decode()
    assert "reasonable progress: 1" in html and "good progress: 0" in html
    assert "Managers had implemented a realistic improvement strategy" in html  # Good progress defined
    judgement = draft.judgements.get(recommendation__inspectorate__slug="hmi-prisons")
    judgement.level = level(judgement.recommendation.inspectorate, "good-progress")
    judgement.save()
    html = client.get(change_page(draft)).content.decode()
    assert "reasonable progress: 0" in html and "good progress: 1" in html


def test_the_history_names_what_changed_in_words_not_ids_or_codes(client, draft, admin_user):
    """The "Changes" column gives a choice's label and an emptied link as "(none)", never a code
    (``in_progress``) or "Deleted inspection (pk=None)"."""
    from recommendations.models import Action

    recommendation, other = draft.follows_up.recommendations.order_by("position")[:2]
    action = Action.objects.create(recommendation=recommendation, description="Review force", status="in_progress")
    action.recommendation, action.status = other, "done"
    action.save()
    full_inspection = draft.follows_up
    draft.follows_up = None
    draft.save()
    client.force_login(admin_user)

    def changes(name, pk):
        html = client.get(reverse(name, args=[pk])).content.decode()
        items = re.findall(r"<li>\s*<strong>.*?</li>", html, re.S)
        return [" ".join(unescape(re.sub(r"<[^>]+>", " ", li)).replace("\u00a0", " ").split()) for li in items]

    assert changes("admin:recommendations_action_history", action.pk) == [
        f"Recommendation: {recommendation} → {other}",
        "Status: In progress → Done",
    ]
    assert changes("admin:recommendations_inspection_history", draft.pk) == [f"Follows up: {full_inspection} → (none)"]
