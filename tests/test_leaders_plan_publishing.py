"""A plan published complete or knowingly, withdrawn by an inspector with a reason; progress
notes dated in the past, corrected or deleted by their author for a day, made once however often
the form is sent; month names in dates; slippage on the public page; evidence for leaders."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from recommendations import actions as domain
from recommendations.models import (
    ActionPlan,
    ActionPlanWithdrawal,
    AuditAction,
    AuditEvent,
    ProgressNote,
    ResponseDecision,
)
from tests.leaders_data import TODAY, at, date_parts, make_action


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def review(make_review, belmarsh):
    return make_review(belmarsh, [("hmi-prisons", "insufficient-progress"), ("hmi-prisons", "reasonable-progress")])


@pytest.fixture
def recs(review):
    return [j.recommendation for j in review.judgements.select_related("recommendation").order_by("position")]


@pytest.fixture
def signed_in(client, belmarsh_leader):
    client.force_login(belmarsh_leader)
    return client


def url(name, **kwargs):
    return reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", **kwargs})


# --- Publishing complete, or knowingly -----------------------------------------------------------


def test_publishing_lists_the_gaps_and_asks_for_confirmation(signed_in, recs, belmarsh_leader):
    """One of two recommendations unanswered and an action without owner or date: the page
    names them; publishing without ticking the box is refused and publishes nothing."""
    domain.record_response(recs[0], decision=ResponseDecision.ACCEPTED, by=belmarsh_leader)
    make_action(recs[0], "Train staff", owner="", target=None)
    make_action(recs[0], "Review footage", owner="Head of safety", target=datetime.date(2022, 9, 1))
    publish = url("publish", inspection=recs[0].inspection.slug)
    page = signed_in.get(publish).content.decode()
    assert "1 recommendation without a response" in page and "Area 2 (1.2)" in page
    assert "1 action without an owner or a target date" in page
    assert "Train staff" in page and "no owner and no target date" in page and "Review footage" not in page

    refused = signed_in.post(publish, {})
    assert refused.status_code == 400
    assert "Tick the box to publish the plan with the gaps listed" in refused.content.decode()
    assert not ActionPlan.objects.filter(published_at__isnull=False).exists()

    signed_in.post(publish, {"knowingly": "on"})
    plan = ActionPlan.objects.get()
    assert plan.published_by == belmarsh_leader
    event = AuditEvent.objects.get(action=AuditAction.PLAN_PUBLISHED)
    assert (
        "published knowing: 1 recommendation has no response. 1 action has no owner or no target date." in event.summary
    )


def test_a_complete_plan_is_published_without_the_question(signed_in, recs, belmarsh_leader):
    for recommendation in recs:
        domain.record_response(recommendation, decision=ResponseDecision.ACCEPTED, by=belmarsh_leader)
    page = signed_in.get(url("publish", inspection=recs[0].inspection.slug)).content.decode()
    assert "The plan is not complete" not in page and "knowingly" not in page
    signed_in.post(url("publish", inspection=recs[0].inspection.slug), {})
    assert ActionPlan.objects.get().published_at is not None


def test_the_domain_refuses_a_plan_with_gaps_unless_knowingly(recs, belmarsh_leader):
    with pytest.raises(domain.PlanIncomplete) as refused:
        domain.publish_action_plan(recs[0].inspection, by=belmarsh_leader)
    assert [r.name for r in refused.value.gaps.unanswered] == ["Area 1 (1.1)", "Area 2 (1.2)"]
    assert not ActionPlan.objects.filter(published_at__isnull=False).exists()


@pytest.fixture
def published(recs, belmarsh_leader):
    domain.record_response(recs[0], decision=ResponseDecision.PARTLY_ACCEPTED, reason="Budget", by=belmarsh_leader)
    return domain.publish_action_plan(recs[0].inspection, by=belmarsh_leader, knowingly=True)


def test_an_inspector_withdraws_a_published_plan_with_a_reason(client, published, recs, hmi_inspector):
    """Withdrawn: gone from the public page, the API and the feed at once, the reason kept and
    audited; the leaders see why and may publish again."""
    public = reverse("public:recommendation", kwargs={"pk": recs[0].pk})
    assert "Partly accepted" in client.get(public).content.decode()
    client.force_login(hmi_inspector)
    withdraw = reverse("admin:recommendations_actionplan_withdraw", args=[published.pk])
    form = client.get(withdraw)
    assert form.status_code == 200
    assert f"Withdraw the action plan for {recs[0].inspection}" in form.content.decode()
    refused = client.post(withdraw, {"reason": "  "})
    assert refused.status_code == 400 and "Give a reason for withdrawing the action plan." in refused.content.decode()
    assert ActionPlan.objects.get().published_at is not None

    client.post(withdraw, {"reason": "The response names a prisoner."})
    plan = ActionPlan.objects.get()
    assert plan.published_at is None
    assert ActionPlan.objects.published(TODAY).count() == 0
    withdrawal = ActionPlanWithdrawal.objects.get()
    assert (withdrawal.reason, withdrawal.by) == ("The response names a prisoner.", hmi_inspector)
    event = AuditEvent.objects.get(action=AuditAction.PLAN_WITHDRAWN)
    assert event.reason == "The response names a prisoner." and event.user == hmi_inspector
    client.logout()
    page = client.get(public).content.decode()
    assert "Partly accepted" not in page and "has not published its response and actions yet" in page
    inspection = recs[0].inspection
    assert client.get(reverse("api:inspection-action-plan", kwargs={"pk": inspection.pk})).status_code == 404


def test_leaders_see_why_their_plan_was_withdrawn(signed_in, published, recs, hmi_inspector):
    domain.withdraw_action_plan(published, reason="Names a prisoner.", by=hmi_inspector)
    page = signed_in.get(url("publish", inspection=recs[0].inspection.slug)).content.decode()
    assert "An inspector withdrew this plan" in page and "The inspector’s reason: Names a prisoner." in page
    dashboard = signed_in.get(url("home")).content.decode()
    assert "An inspector withdrew it from the public site on 1 June 2022" in dashboard


def test_only_an_inspector_of_the_plans_inspectorates_may_withdraw(
    client, published, ofsted_inspector, belmarsh_leader
):
    """An Ofsted inspector (no recommendation of theirs in it) and a leader are refused."""
    client.force_login(ofsted_inspector)
    withdraw = reverse("admin:recommendations_actionplan_withdraw", args=[published.pk])
    assert client.post(withdraw, {"reason": "No"}).status_code == 403
    with pytest.raises(PermissionDenied):
        domain.withdraw_action_plan(published, reason="No", by=belmarsh_leader)
    assert ActionPlan.objects.get().published_at is not None


# --- Progress notes ------------------------------------------------------------------------------------


@pytest.fixture
def action(recs):
    return make_action(recs[0], "Train staff")


def note_data(text, iso="", submission=None):
    return {"text": text, **date_parts(iso, "noted_on"), "submission": str(submission or uuid.uuid4())}


def test_a_note_may_be_dated_in_the_past_but_not_the_future(signed_in, action):
    signed_in.post(url("action-note", pk=action.pk), note_data("Trained half", "2022-05-20"))
    assert ProgressNote.objects.get().noted_on == datetime.date(2022, 5, 20)
    future = signed_in.post(url("action-note", pk=action.pk), note_data("Will train", "2022-06-02"))
    assert future.status_code == 400
    assert "Date of the note must be today or in the past" in future.content.decode()
    assert ProgressNote.objects.count() == 1
    signed_in.post(url("action-note", pk=action.pk), note_data("Today", ""))
    assert ProgressNote.objects.get(text="Today").noted_on == TODAY


def test_the_note_date_accepts_a_month_name(signed_in, action):
    data = note_data("Named month")
    data.update({"noted_on-day": "3", "noted_on-month": "Mar", "noted_on-year": "2022"})
    signed_in.post(url("action-note", pk=action.pk), data)
    assert ProgressNote.objects.get().noted_on == datetime.date(2022, 3, 3)


def test_a_double_submit_makes_one_note(signed_in, action):
    """The same form sent twice (a double click, a browser resend) keeps one note."""
    data = note_data("Trained half the officers")
    first = signed_in.post(url("action-note", pk=action.pk), data)
    second = signed_in.post(url("action-note", pk=action.pk), data, follow=True)
    assert first.status_code == 302
    assert "The progress note was already added: it is kept once." in second.content.decode()
    assert ProgressNote.objects.count() == 1
    action.refresh_from_db()
    assert action.version == 2  # one change to the action, not two
    # Each new form has a new key: a second note written on purpose is kept.
    signed_in.post(url("action-note", pk=action.pk), note_data("Trained the rest"))
    assert ProgressNote.objects.count() == 2


def test_the_form_carries_a_one_time_key(signed_in, action):
    html = signed_in.get(url("action", pk=action.pk)).content.decode()
    assert 'name="submission"' in html and 'name="noted_on-day"' in html


@pytest.fixture
def note(action, belmarsh_leader):
    note, _ = domain.add_progress_note(action, "Trained hlaf", by=belmarsh_leader)
    return note


def test_the_author_corrects_a_note_within_a_day_with_history(signed_in, note, action, belmarsh_leader):
    page = signed_in.get(url("action", pk=action.pk)).content.decode()
    assert url("note-edit", action_pk=action.pk, pk=note.pk) in page
    response = signed_in.post(
        url("note-edit", action_pk=action.pk, pk=note.pk), note_data("Trained half", "2022-05-31")
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.noted_on) == ("Trained half", datetime.date(2022, 5, 31))
    assert [h.text for h in note.history.order_by("history_date")] == ["Trained hlaf", "Trained half"]
    history = signed_in.get(url("action-history", pk=action.pk)).content.decode()
    assert "Progress note corrected" in history and "Trained hlaf" in history


def test_the_author_deletes_a_note_within_a_day_and_history_keeps_it(signed_in, note, action):
    assert signed_in.get(url("note-delete", action_pk=action.pk, pk=note.pk)).status_code == 200
    signed_in.post(url("note-delete", action_pk=action.pk, pk=note.pk))
    assert not ProgressNote.objects.exists()
    history = signed_in.get(url("action-history", pk=action.pk)).content.decode()
    assert "Progress note deleted" in history and "Trained hlaf" in history


def test_after_a_day_or_for_someone_else_the_note_is_locked(client, signed_in, note, action, belmarsh):
    from recommendations.roles import Role, grant_role

    colleague = grant_role("belmarsh.deputy", Role.LEADER, establishments=[belmarsh])[0]
    client.force_login(colleague)
    assert client.post(url("note-edit", action_pk=action.pk, pk=note.pk), note_data("Mine now")).status_code == 403
    assert client.post(url("note-delete", action_pk=action.pk, pk=note.pk)).status_code == 403
    ProgressNote.objects.filter(pk=note.pk).update(created_at=at(TODAY) - datetime.timedelta(hours=25))
    locked = signed_in.post(url("note-edit", action_pk=action.pk, pk=note.pk), note_data("Late fix"))
    assert locked.status_code == 403 and "for 24 hours after writing it" in locked.content.decode()
    assert (
        url("note-edit", action_pk=action.pk, pk=note.pk)
        not in signed_in.get(url("action", pk=action.pk)).content.decode()
    )
    assert ProgressNote.objects.get().text == "Trained hlaf"


# --- Dates typed with month names ---------------------------------------------------------------


@pytest.mark.parametrize("month", ["March", "march", "Mar", "MAR", "3", "03"])
def test_the_target_date_accepts_month_names_and_abbreviations(signed_in, recs, month):
    data = {
        "description": "Review CCTV",
        "target_date-day": "31",
        "target_date-month": month,
        "target_date-year": "2023",
    }
    assert signed_in.post(url("action-add", pk=recs[0].pk), data).status_code == 302
    assert recs[0].actions.get().target_date == datetime.date(2023, 3, 31)


MONTH_NAMES = [
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May", "May"),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sep"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
]


@pytest.mark.parametrize("number, names", list(enumerate(MONTH_NAMES, start=1)))
def test_every_month_is_read_by_its_name_or_abbreviation_in_any_case(number, names):
    """Each month's name and three-letter abbreviation, as typed in lower, title or upper case,
    or with a full stop after the abbreviation, gives the month's date."""
    from leaders.forms import GovukDateField

    field = GovukDateField(label="Target date")
    for name in names:
        for typed in (name, name.lower(), name.upper(), f"{name[:3]}."):
            assert field.clean(("1", typed, "2027")) == datetime.date(2027, number, 1), typed
    assert field.clean(("30", "Sept", "2027")) == datetime.date(2027, 9, 30)


def test_a_month_name_that_is_not_a_month_is_refused(signed_in, recs):
    data = {
        "description": "Review",
        "target_date-day": "31",
        "target_date-month": "Marchember",
        "target_date-year": "2023",
    }
    response = signed_in.post(url("action-add", pk=recs[0].pk), data)
    assert response.status_code == 400 and "Target date must be a real date" in response.content.decode()


# --- The public sees slippage ---------------------------------------------------------------------


def test_the_public_page_shows_how_far_a_target_date_slipped_and_why(client, published, recs, belmarsh_leader):
    action = make_action(recs[0], "Issue body-worn cameras", target=datetime.date(2023, 3, 31))
    domain.move_target_date(action, datetime.date(2023, 5, 31), "Supplier late", by=belmarsh_leader)
    domain.move_target_date(action, datetime.date(2023, 6, 30), "Training first", by=belmarsh_leader)
    page = client.get(reverse("public:recommendation", kwargs={"pk": recs[0].pk})).content.decode()
    assert "Target date: 30 June 2023 (first set for 31 March 2023; moved twice)" in page
    assert "Why the target date moved" in page and "Supplier late" in page and "Training first" in page


def test_an_action_that_never_moved_shows_only_its_date(client, published, recs):
    make_action(recs[0], "Issue cameras", target=datetime.date(2023, 3, 31))
    page = client.get(reverse("public:recommendation", kwargs={"pk": recs[0].pk})).content.decode()
    assert "Target date: 31 March 2023" in page and "first set for" not in page


# --- Leaders see the evidence ----------------------------------------------------------------------


def test_the_leaders_recommendation_page_shows_the_judgement_and_its_evidence(signed_in, recs):
    page = signed_in.get(url("recommendation-detail", pk=recs[0].pk)).content.decode()
    assert "What the inspectors found" in page
    assert "Insufficient progress" in page and "Evidence 1 at HMP Belmarsh." in page
    assert 'id="paragraph-3-1"' in page


def test_the_leaders_page_leaves_out_a_draft_reviews_evidence(signed_in, recs, belmarsh, hmi_prisons):
    """A later review still in draft: its judgement and evidence are not shown before it is published."""
    from findings.models import Judgement, Paragraph, ParagraphPart, ProgressLevel
    from recommendations.models import Inspection, InspectionKind

    draft = Inspection.objects.create(
        establishment=belmarsh,
        kind=InspectionKind.IRP,
        slug="irp-2023",
        follows_up=recs[0].inspection,
        visit_start=datetime.date(2023, 3, 1),
    )
    judgement = Judgement.objects.create(
        review=draft,
        recommendation=recs[0],
        position=1,
        level=ProgressLevel.objects.get(inspectorate=hmi_prisons, slug="good-progress"),
    )
    Paragraph.objects.create(
        inspection=draft, number="3.1", part=ParagraphPart.EVIDENCE, judgement=judgement, text="Draft evidence."
    )
    page = signed_in.get(url("recommendation-detail", pk=recs[0].pk)).content.decode()
    assert "Evidence 1 at HMP Belmarsh." in page and "Draft evidence." not in page
