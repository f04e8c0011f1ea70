"""The prison's response and actions: validated forms, dates that keep their history, actions
that are dropped but never disappear, every change with who and when, and publication."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from recommendations import actions as domain
from recommendations.models import Action, ActionPlan, ActionStatus, Response, ResponseDecision, TargetDateChange
from tests.leaders_data import TODAY, date_parts, make_action, with_date_parts


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def recommendation(make_review, belmarsh):
    return make_review(belmarsh, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation


@pytest.fixture
def signed_in(client, belmarsh_leader):
    client.force_login(belmarsh_leader)
    return client


def url(name, **kwargs):
    return reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", **kwargs})


# --- Response -----------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", [ResponseDecision.PARTLY_ACCEPTED, ResponseDecision.NOT_ACCEPTED])
def test_response_not_fully_accepted_needs_a_reason(signed_in, recommendation, decision):
    """Partly or not accepted without a reason: the form says so, nothing is saved."""
    response = signed_in.post(url("response", pk=recommendation.pk), {"decision": decision, "reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Give a reason when the recommendation is not fully accepted." in html
    assert 'href="#id_reason"' in html
    assert not Response.objects.exists()


def test_response_without_a_decision_is_refused(signed_in, recommendation):
    """No choice made: a clear error linked to the first radio."""
    response = signed_in.post(url("response", pk=recommendation.pk), {"reason": "Hmm"})
    assert response.status_code == 400
    assert 'href="#id_decision_0"' in response.content.decode()


def test_response_is_recorded_and_changed_with_history(signed_in, recommendation, belmarsh_leader):
    """Accepted needs no reason; a change later is kept in history with who made it."""
    response = signed_in.post(url("response", pk=recommendation.pk), {"decision": "accepted", "reason": ""})
    assert response.status_code == 302
    signed_in.post(url("response", pk=recommendation.pk), {"decision": "partly_accepted", "reason": "No budget"})
    saved = Response.objects.get()
    assert (saved.decision, saved.reason, saved.updated_by) == ("partly_accepted", "No budget", belmarsh_leader)
    assert [h.decision for h in saved.history.order_by("history_date")] == ["accepted", "partly_accepted"]
    assert {h.history_user for h in saved.history.all()} == {belmarsh_leader}


# --- Actions ------------------------------------------------------------------------------------


def test_new_action_with_a_past_target_date_is_saved_with_a_warning(signed_in, recommendation):
    """A past target date does not block: the action is saved and the leader is told it is overdue."""
    response = signed_in.post(
        url("action-add", pk=recommendation.pk),
        {"description": "Review CCTV", "owner": "Head of security", **date_parts("2022-05-01")},
        follow=True,
    )
    html = response.content.decode()
    assert "The action is added." in html
    assert "The target date, 1 May 2022, is in the past, so the action already counts as overdue." in html
    action = Action.objects.get()
    assert action.target_date == datetime.date(2022, 5, 1) and action.status == ActionStatus.NOT_STARTED


def test_new_action_with_a_future_date_has_no_warning(signed_in, recommendation, belmarsh_leader):
    """A future date: no warning; the action records who created it."""
    response = signed_in.post(
        url("action-add", pk=recommendation.pk), {"description": "Review CCTV", **date_parts("2022-09-30")}
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["The action is added."]
    action = Action.objects.get()
    assert action.created_by == belmarsh_leader and action.history.get().history_user == belmarsh_leader


@pytest.mark.parametrize(
    "data, message",
    [
        ({"description": "", **date_parts("")}, "Describe what will be done."),
        ({"description": "Review", **date_parts("2022-02-30")}, "Target date must be a real date"),
    ],
)
def test_invalid_new_action_is_refused_with_a_message(signed_in, recommendation, data, message):
    """An empty description or an impossible date: 400, a message, nothing saved."""
    response = signed_in.post(url("action-add", pk=recommendation.pk), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_done_needs_a_note_on_what_changed(signed_in, recommendation):
    """Marking done without a note is refused; with one, the note is kept as a progress note."""
    action = make_action(recommendation, "Train staff")
    response = signed_in.post(url("action-done", pk=action.pk), {"note": "", "version": action.version})
    assert response.status_code == 400
    assert "Say what changed now that the action is done." in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS

    signed_in.post(
        url("action-done", pk=action.pk), {"note": "All staff trained by 30 May.", "version": action.version}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert [n.text for n in action.notes.all()] == ["All staff trained by 30 May."]
    assert action.notes.get().noted_on == TODAY


def test_dropping_keeps_the_action_with_its_reason(signed_in, recommendation):
    """A dropped action needs a reason and stays on the recommendation's page and the list."""
    action = make_action(recommendation, "Buy body cameras")
    assert (
        signed_in.post(url("action-drop", pk=action.pk), {"reason": "", "version": action.version}).status_code == 400
    )
    signed_in.post(
        url("action-drop", pk=action.pk), {"reason": "HMPPS supplies them nationally.", "version": action.version}
    )
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == (ActionStatus.DROPPED, "HMPPS supplies them nationally.")
    page = signed_in.get(url("recommendation-detail", pk=recommendation.pk)).content.decode()
    assert "Buy body cameras" in page and "Dropped: HMPPS supplies them nationally." in page
    assert "Buy body cameras" in signed_in.get(url("action-list")).content.decode()


def test_there_is_no_way_to_delete_an_action(signed_in, recommendation):
    """No page deletes an action: the action page offers change, done and drop only."""
    action = make_action(recommendation, "Train staff")
    html = signed_in.get(url("action", pk=action.pk)).content.decode()
    assert "Drop the action" in html and "Delete" not in html
    assert signed_in.delete(url("action-edit", pk=action.pk)).status_code == 405
    assert Action.objects.filter(pk=action.pk).exists()


def test_progress_notes_are_dated_and_empty_ones_refused(signed_in, recommendation, belmarsh_leader):
    """A note is dated today, by its author, and makes the action 'updated'."""
    action = make_action(recommendation, "Train staff", updated=datetime.date(2022, 1, 1))
    assert signed_in.post(url("action-note", pk=action.pk), {"text": " "}).status_code == 400
    signed_in.post(url("action-note", pk=action.pk), {"text": "Half the wings trained."})
    note = action.notes.get()
    assert (note.noted_on, note.author, note.text) == (TODAY, belmarsh_leader, "Half the wings trained.")
    action.refresh_from_db()
    assert action.updated_at.date() == TODAY
    assert "Half the wings trained." in signed_in.get(url("action", pk=action.pk)).content.decode()


# --- Target dates -------------------------------------------------------------------------------


def edit(client, action, **changes):
    """Posts the change form as a leader who opened it at ``action.version``."""
    data = {
        "description": action.description,
        "owner": action.owner,
        "status": "in_progress",
        "version": action.version,
    }
    data["target_date"] = action.target_date.isoformat() if action.target_date else ""
    data.update(changes)
    return client.post(url("action-edit", pk=action.pk), with_date_parts(data))


def test_moving_a_target_date_needs_a_reason_and_keeps_the_original(signed_in, recommendation, belmarsh_leader):
    """Without a reason the move is refused; with one the original date is kept and shown."""
    action = make_action(recommendation, "Train staff", target=datetime.date(2022, 7, 1))
    response = edit(signed_in, action, target_date="2022-10-01")
    assert response.status_code == 400
    assert "Say why the target date is changing." in response.content.decode()
    action.refresh_from_db()
    assert action.target_date == datetime.date(2022, 7, 1) and not TargetDateChange.objects.exists()

    edit(signed_in, action, target_date="2022-10-01", date_change_reason="Trainer off sick")
    action.refresh_from_db()
    assert action.target_date == datetime.date(2022, 10, 1)
    change = TargetDateChange.objects.get()
    assert (change.old_date, change.new_date, change.reason, change.changed_by) == (
        datetime.date(2022, 7, 1),
        datetime.date(2022, 10, 1),
        "Trainer off sick",
        belmarsh_leader,
    )
    page = signed_in.get(url("action", pk=action.pk)).content.decode()
    assert "First set for 1 July 2022; moved once" in page and "Trainer off sick" in page


def test_setting_a_first_target_date_needs_no_reason(signed_in, recommendation):
    """Giving a date-less action its first date is not a move: no reason asked."""
    action = make_action(recommendation, "Train staff", target=None)
    assert edit(signed_in, action, target_date="2022-10-01").status_code == 302
    action.refresh_from_db()
    assert action.target_date == datetime.date(2022, 10, 1) and not TargetDateChange.objects.exists()


def test_move_target_date_keeps_each_original(recommendation, belmarsh_leader):
    """The domain function records each move in order."""
    action = make_action(recommendation, "Train staff", target=datetime.date(2022, 7, 1))
    domain.move_target_date(action, datetime.date(2022, 8, 1), "Late supplier", by=belmarsh_leader)
    domain.move_target_date(action, datetime.date(2022, 9, 1), "Staff shortage", by=belmarsh_leader)
    assert [(c.old_date.month, c.new_date.month) for c in action.date_changes.all()] == [(7, 8), (8, 9)]
    with pytest.raises(ValidationError):
        domain.move_target_date(action, None, "", by=belmarsh_leader)


def test_update_action_cannot_mark_done_without_a_note(recommendation):
    """Done and dropped go through their own functions, which ask why."""
    action = make_action(recommendation, "Train staff")
    with pytest.raises(ValidationError):
        domain.update_action(
            action, description="x", owner="", target_date=None, status=ActionStatus.DONE, date_change_reason=""
        )
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


# --- History ------------------------------------------------------------------------------------


def test_action_history_lists_who_when_and_what_changed(signed_in, recommendation, belmarsh_leader):
    """The history page shows each change with the person, the time and the values before and after."""
    signed_in.post(url("action-add", pk=recommendation.pk), {"description": "Train staff", **date_parts("2022-07-01")})
    action = Action.objects.get()
    edit(signed_in, action, owner="Head of safety", target_date="2022-08-01", date_change_reason="Trainer off sick")
    action.refresh_from_db()
    signed_in.post(url("action-done", pk=action.pk), {"note": "Everyone trained.", "version": action.version})
    response = signed_in.get(url("action-history", pk=action.pk))
    events = response.context["events"]
    assert [e["what"] for e in events][0] == "Action added"
    assert {e["who"] for e in events} == {belmarsh_leader}
    html = response.content.decode()
    assert "Owner: <del>(none)</del> → Head of safety" in html
    assert "Target date: <del>1 July 2022</del> → 1 August 2022" in html
    assert "Target date moved: Trainer off sick" in html
    assert "Status: <del>In progress</del> → Done" in html
    assert "Everyone trained." in html and "belmarsh.leader" in html


# --- Publishing ---------------------------------------------------------------------------------


def test_publishing_the_action_plan_records_who_and_when(signed_in, recommendation, belmarsh_leader):
    """Draft until a leader publishes; publishing again is refused with a message."""
    inspection = recommendation.inspection
    publish_url = url("publish", inspection=inspection.slug)
    page = signed_in.get(url("home")).content.decode()
    assert "Draft" in page and publish_url in page
    assert signed_in.get(publish_url).status_code == 200
    assert not ActionPlan.objects.exists()  # looking does not publish

    response = signed_in.post(publish_url, {"knowingly": "on"}, follow=True)
    assert "The action plan is published" in response.content.decode()
    plan = ActionPlan.objects.get(inspection=inspection)
    assert plan.published_by == belmarsh_leader and plan.published_at.date() == TODAY
    assert plan.history.last().history_user == belmarsh_leader

    again = signed_in.post(publish_url, {"knowingly": "on"}, follow=True).content.decode()
    assert "This action plan is already published." in again
    assert ActionPlan.objects.get().published_at == plan.published_at


# --- The target date: GOV.UK's date input -------------------------------------------------------


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("31", "", "2022", "Target date must include a month"),
        ("", "", "2022", "Target date must include a day and month"),
        ("31", "9", "", "Target date must include a year"),
        ("31", "2", "2023", "Target date must be a real date"),
        ("1", "13", "2023", "Target date must be a real date"),
        ("first", "9", "2023", "Target date must be a real date"),
        ("1", "9", "23", "Year must include 4 numbers"),
    ],
)
def test_a_wrong_target_date_gets_govuk_messages_and_keeps_what_was_typed(
    signed_in, recommendation, day, month, year, message
):
    """Each mistake is named as GOV.UK names it; the boxes keep what the leader typed; nothing saved."""
    response = signed_in.post(
        url("action-add", pk=recommendation.pk),
        {"description": "Review CCTV", "target_date-day": day, "target_date-month": month, "target_date-year": year},
    )
    assert response.status_code == 400
    html = response.content.decode()
    # In the error summary, linked to the first box with the mistake.
    first_wrong = {"Target date must include a month": "-month", "Target date must include a year": "-year"}
    first_wrong["Year must include 4 numbers"] = "-year"
    if (day, month) == ("1", "13"):
        first_wrong[message] = "-month"
    assert f'<a href="#id_target_date{first_wrong.get(message, "")}">{message}</a>' in html
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in html
    for part, typed in (("day", day), ("year", year)):
        assert f'name="target_date-{part}" type="text" inputmode="numeric" value="{typed}"' in html
    # The month may be a word ("March"): no number pad on a phone for it.
    assert f'name="target_date-month" type="text" value="{month}"' in html
    assert "govuk-input--error" in html
    assert not Action.objects.exists()


def test_the_target_date_is_typed_as_day_month_and_year(signed_in, recommendation):
    """No browser date picker: three labelled boxes in a fieldset, as GOV.UK's pattern has them."""
    html = signed_in.get(url("action-add", pk=recommendation.pk)).content.decode()
    assert 'type="date"' not in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Target date</legend>' in html
    boxes = (("id_target_date", "Day"), ("id_target_date-month", "Month"), ("id_target_date-year", "Year"))
    for input_id, label in boxes:
        assert f'govuk-date-input__label" for="{input_id}">{label}' in html
    response = signed_in.post(
        url("action-add", pk=recommendation.pk),
        {"description": "Review CCTV", "target_date-day": "31", "target_date-month": "3", "target_date-year": "2027"},
    )
    assert response.status_code == 302 and Action.objects.get().target_date == datetime.date(2027, 3, 31)
