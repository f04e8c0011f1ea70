"""Who may view, change and publish judgements: the permission matrix, by posting real forms.

The cast (anonymous, an HMI Prisons inspector, an Ofsted inspector, a leader of Belmarsh, a
leader of another prison) each try to view, change and publish the judgements of each
inspectorate, posting the admin's own forms with the CSRF token taken from the page. Only an
inspector of the judgement's inspectorate succeeds; the others get 403 or are sent to sign in,
and nothing changes. Any inspector may read another inspectorate's judgement, without a form.
"""

import pytest
from django.test import Client
from django.urls import reverse

from findings.models import Judgement, Paragraph
from recommendations.models import Inspection, PublicationStatus
from tests.adminforms import csrf_token, form_data
from tests.conftest import level

USERS = ["anonymous", "hmi_inspector", "ofsted_inspector", "belmarsh_leader", "other_leader"]
INSPECTORATES = ["hmi-prisons", "ofsted"]
JUDGES = {"hmi_inspector": "hmi-prisons", "ofsted_inspector": "ofsted"}
NEW_LEVEL = {"hmi-prisons": "good-progress", "ofsted": "significant-progress"}


@pytest.fixture
def cast(db, request, hmi_inspector, ofsted_inspector, belmarsh_leader, other_leader):
    return {
        "hmi_inspector": hmi_inspector,
        "ofsted_inspector": ofsted_inspector,
        "belmarsh_leader": belmarsh_leader,
        "other_leader": other_leader,
    }


@pytest.fixture
def joint_review(make_review, belmarsh):
    """A draft review with one HMI Prisons judgement and one Ofsted judgement."""
    return make_review(
        belmarsh, [("hmi-prisons", "reasonable-progress"), ("ofsted", "insufficient-progress")], status="draft"
    )


def judgement_of(review, inspectorate_slug):
    return Judgement.objects.select_related("recommendation__inspectorate", "level").get(
        review=review, recommendation__inspectorate__slug=inspectorate_slug
    )


def browser_as(cast, who):
    """A test client that checks CSRF like a real browser, signed in as ``who``."""
    client = Client(enforce_csrf_checks=True)
    if who != "anonymous":
        client.force_login(cast[who])
    return client


def token_for(client, url):
    """The page's HTML if this user may open it; otherwise the CSRF token a browser would
    hold anyway, from the site's sign-in page (so a refusal is never just a CSRF failure)."""
    response = client.get(url)
    if response.status_code == 200:
        return response.content.decode()
    return csrf_token(client.get(reverse("login")).content.decode())


def snapshot():
    """Everything a refused attempt must leave alone."""
    return (
        sorted(Judgement.objects.values_list("pk", "level_id", "position")),
        Judgement.history.count(),
        sorted(Paragraph.objects.values_list("pk", "number", "text", "judgement_id")),
        Paragraph.history.count(),
        sorted(Inspection.objects.values_list("pk", "status", "published_at")),
    )


def forbidden(response):
    """A 403 from the permission check, not from a missing CSRF token."""
    return response.status_code == 403 and b"CSRF" not in response.content


def sent_to_sign_in(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


# --- View --------------------------------------------------------------------------------------


@pytest.mark.parametrize("inspectorate", INSPECTORATES)
@pytest.mark.parametrize("who", USERS)
def test_view_a_judgement(cast, joint_review, who, inspectorate):
    """Inspectors read any judgement (a form only for their own); the rest are sent to sign in."""
    judgement = judgement_of(joint_review, inspectorate)
    client = browser_as(cast, who)
    response = client.get(reverse("admin:findings_judgement_change", args=[judgement.pk]))
    if who not in JUDGES:
        assert sent_to_sign_in(response)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert judgement.recommendation.text in html
    editable = 'name="level"' in html
    assert editable == (JUDGES[who] == inspectorate)


# --- Change ------------------------------------------------------------------------------------


@pytest.mark.parametrize("inspectorate", INSPECTORATES)
@pytest.mark.parametrize("who", USERS)
def test_change_a_judgement_on_its_page(cast, joint_review, who, inspectorate):
    """Posting the judgement's own form changes it only for its inspectorate's inspector."""
    judgement = judgement_of(joint_review, inspectorate)
    url = reverse("admin:findings_judgement_change", args=[judgement.pk])
    client = browser_as(cast, who)
    page = token_for(client, url)
    if who in JUDGES and JUDGES[who] == inspectorate:
        data = form_data(page, "judgement_form")
    else:
        # The page offers no form: post the one a crafted request would.
        token = csrf_token(page) if "csrfmiddlewaretoken" in page else page
        data = {"csrfmiddlewaretoken": token, "position": "1", **_empty_evidence()}
    new_level = level(judgement.recommendation.inspectorate, NEW_LEVEL[inspectorate])
    data["level"] = str(new_level.pk)
    before = snapshot()

    response = client.post(url, data)

    judgement.refresh_from_db()
    if who in JUDGES and JUDGES[who] == inspectorate:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert judgement.level == new_level
        latest = judgement.history.latest()
        assert latest.history_user == cast[who] and latest.prev_record.level_id != new_level.pk
    else:
        assert forbidden(response) if who in JUDGES else sent_to_sign_in(response)
        assert snapshot() == before


def _empty_evidence():
    return {
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize("inspectorate", INSPECTORATES)
@pytest.mark.parametrize("who", USERS)
def test_change_a_judgement_on_the_review_page(cast, joint_review, who, inspectorate):
    """On the review page an inspector changes their own row; a crafted row claiming another
    inspectorate's judgement is refused with a message; the rest are sent to sign in."""
    judgement = judgement_of(joint_review, inspectorate)
    url = reverse("admin:recommendations_inspection_change", args=[joint_review.pk])
    client = browser_as(cast, who)
    page = token_for(client, url)
    new_level = level(judgement.recommendation.inspectorate, NEW_LEVEL[inspectorate])
    before = snapshot()

    if who not in JUDGES:
        response = client.post(url, {"csrfmiddlewaretoken": page, "judgements-0-id": str(judgement.pk)})
        assert sent_to_sign_in(response)
        assert snapshot() == before
        return

    data = form_data(page, "inspection_form")
    rows = int(data["judgements-TOTAL_FORMS"])
    row = next((i for i in range(rows) if data[f"judgements-{i}-id"] == str(judgement.pk)), None)
    if JUDGES[who] == inspectorate:
        assert row is not None
        data[f"judgements-{row}-level"] = str(new_level.pk)
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        judgement.refresh_from_db()
        assert judgement.level == new_level
        assert judgement.history.latest().history_user == cast[who]
        return

    # Another inspectorate's judgement is not among the user's rows: smuggle it in as one.
    assert row is None
    data.update(
        {
            f"judgements-{rows}-id": str(judgement.pk),
            f"judgements-{rows}-review": str(joint_review.pk),
            f"judgements-{rows}-recommendation": str(judgement.recommendation_id),
            f"judgements-{rows}-level": str(new_level.pk),
            f"judgements-{rows}-position": "1",
            "judgements-TOTAL_FORMS": str(rows + 1),
            "judgements-INITIAL_FORMS": str(rows + 1),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Please correct the error" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("who", ["hmi_inspector", "ofsted_inspector"])
def test_following_up_another_inspectorates_recommendation_is_refused(cast, joint_review, who):
    """A new row naming another inspectorate's recommendation is refused, and nothing is written."""
    other = "ofsted" if JUDGES[who] == "hmi-prisons" else "hmi-prisons"
    theirs = judgement_of(joint_review, other)
    recommendation = theirs.recommendation
    client = browser_as(cast, who)
    url = reverse("admin:recommendations_inspection_change", args=[joint_review.pk])
    data = form_data(client.get(url).content.decode(), "inspection_form")
    # Free the recommendation first, as if the other inspectorate had not judged it yet.
    evidence = list(theirs.evidence.all())
    for paragraph in evidence:
        paragraph.delete()
    theirs.delete()
    before = snapshot()
    rows = int(data["judgements-TOTAL_FORMS"])
    data.update(
        {
            f"judgements-{rows}-review": str(joint_review.pk),
            f"judgements-{rows}-recommendation": str(recommendation.pk),
            f"judgements-{rows}-level": str(level(recommendation.inspectorate, NEW_LEVEL[other]).pk),
            f"judgements-{rows}-position": "5",
            "judgements-TOTAL_FORMS": str(rows + 1),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Choose a recommendation of your inspectorate" in response.content.decode()
    assert snapshot() == before


# --- Publish -----------------------------------------------------------------------------------


@pytest.mark.parametrize("inspectorate", INSPECTORATES)
@pytest.mark.parametrize("who", USERS)
def test_publish_a_review(cast, make_review, belmarsh, who, inspectorate):
    """Only an inspector whose inspectorate judged the review publishes it, by its Publish form."""
    review = make_review(belmarsh, [(inspectorate, NEW_LEVEL[inspectorate])], status="draft")
    change_url = reverse("admin:recommendations_inspection_change", args=[review.pk])
    publish_url = reverse("admin:recommendations_inspection_publish", args=[review.pk])
    client = browser_as(cast, who)
    page = token_for(client, change_url)
    may_publish = who in JUDGES and JUDGES[who] == inspectorate
    if who in JUDGES:
        assert (f'action="{publish_url}"' in page) == may_publish
    token = csrf_token(page) if "csrfmiddlewaretoken" in page else page
    before = snapshot()

    response = client.post(publish_url, {"csrfmiddlewaretoken": token})

    review.refresh_from_db()
    if may_publish:
        assert response.status_code == 302 and response["Location"] == change_url
        assert review.status == PublicationStatus.PUBLISHED and review.published_by == cast[who]
    else:
        assert forbidden(response) if who in JUDGES else sent_to_sign_in(response)
        assert review.status == PublicationStatus.DRAFT
        assert snapshot() == before


@pytest.mark.parametrize("inspectorate", INSPECTORATES)
@pytest.mark.parametrize("who", USERS)
def test_publish_by_the_admin_action(cast, make_review, belmarsh, who, inspectorate):
    """The "Publish the selected reviews" action obeys the same rule."""
    review = make_review(belmarsh, [(inspectorate, NEW_LEVEL[inspectorate])], status="draft")
    url = reverse("admin:recommendations_inspection_changelist")
    client = browser_as(cast, who)
    page = token_for(client, url)
    token = csrf_token(page) if "csrfmiddlewaretoken" in page else page
    response = client.post(
        url, {"csrfmiddlewaretoken": token, "action": "publish_selected", "_selected_action": [str(review.pk)]}
    )
    review.refresh_from_db()
    if who in JUDGES:
        assert response.status_code == 302
        assert (review.status == PublicationStatus.PUBLISHED) == (JUDGES[who] == inspectorate)
    else:
        assert sent_to_sign_in(response)
        assert review.status == PublicationStatus.DRAFT


# --- Delete, CSRF, and leaders -----------------------------------------------------------------


@pytest.mark.parametrize("inspectorate", INSPECTORATES)
@pytest.mark.parametrize("who", ["hmi_inspector", "ofsted_inspector"])
def test_deleting_another_inspectorates_evidence_is_refused(cast, joint_review, who, inspectorate):
    """An inspector deletes only their own inspectorate's evidence paragraphs (draft review)."""
    paragraph = judgement_of(joint_review, inspectorate).evidence.get()
    url = reverse("admin:findings_paragraph_delete", args=[paragraph.pk])
    client = browser_as(cast, who)
    page = token_for(client, url)
    token = csrf_token(page) if "csrfmiddlewaretoken" in page else page
    response = client.post(url, {"csrfmiddlewaretoken": token, "post": "yes"})
    if JUDGES[who] == inspectorate:
        assert response.status_code == 302
        assert not Paragraph.objects.filter(pk=paragraph.pk).exists()
        assert Paragraph.history.filter(id=paragraph.pk, history_type="-").get().history_user == cast[who]
    else:
        assert forbidden(response)
        assert Paragraph.objects.filter(pk=paragraph.pk).exists()


def test_a_form_posted_without_its_csrf_token_is_refused(cast, joint_review):
    """A form posted from another site (no CSRF token) changes nothing."""
    judgement = judgement_of(joint_review, "hmi-prisons")
    client = browser_as(cast, "hmi_inspector")
    before = snapshot()
    response = client.post(
        reverse("admin:findings_judgement_change", args=[judgement.pk]),
        {"level": str(level(judgement.recommendation.inspectorate, "good-progress").pk), **_empty_evidence()},
    )
    assert response.status_code == 403 and b"security check failed" in response.content
    assert snapshot() == before


def test_publishing_is_post_only(cast, joint_review):
    """Following a link to the publish address publishes nothing."""
    client = browser_as(cast, "hmi_inspector")
    response = client.get(reverse("admin:recommendations_inspection_publish", args=[joint_review.pk]))
    assert response.status_code == 405
    joint_review.refresh_from_db()
    assert joint_review.status == PublicationStatus.DRAFT


@pytest.mark.parametrize("who", ["belmarsh_leader", "other_leader"])
@pytest.mark.parametrize(
    "url_name", ["admin:index", "admin:findings_judgement_changelist", "admin:recommendations_inspection_changelist"]
)
def test_leaders_never_reach_the_inspectors_workspace(cast, who, url_name):
    """Prison leaders are not staff: every admin page sends them to sign in as staff."""
    response = browser_as(cast, who).get(reverse(url_name))
    assert sent_to_sign_in(response)


def test_each_judgement_page_offers_its_own_scale_whatever_was_opened_before(make_review, belmarsh, hmi_inspector):
    """Opening an Ofsted judgement never changes the levels an HMI Prisons judgement's page offers."""
    from django.contrib import admin
    from django.test import RequestFactory

    review = make_review(belmarsh, [("hmi-prisons", "good-progress"), ("ofsted", "insufficient-progress")])
    hmi, ofsted = review.judgements.order_by("position")
    model_admin = admin.site._registry[Judgement]
    request = RequestFactory().get("/")
    request.user = hmi_inspector
    hmi_form = model_admin.get_form(request, hmi, change=True)
    model_admin.get_form(request, ofsted, change=True)
    offered = {lvl.inspectorate.slug for lvl in hmi_form.base_fields["level"].queryset}
    assert offered == {"hmi-prisons"}
