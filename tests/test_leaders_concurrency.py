"""Two leaders changing the same action: the later save based on an older version is refused
with the other person's values shown, instead of silently overwriting them."""

import datetime
import re
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from recommendations import actions as domain
from recommendations.models import Action, ActionStatus, ProgressNote, TargetDateChange
from recommendations.roles import Role, grant_role
from tests.conftest import PASSWORD
from tests.leaders_data import TODAY, make_action, with_date_parts

MESSAGE = "Someone else changed this action since you opened it. Their changes are shown below; make yours again."


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def action(make_review, belmarsh):
    recommendation = make_review(belmarsh, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation
    return make_action(recommendation, "Train staff", owner="Head of safety", target=datetime.date(2022, 7, 1))


@pytest.fixture
def governor(belmarsh_leader):
    client = Client()
    client.force_login(belmarsh_leader)
    return client


@pytest.fixture
def deputy(belmarsh):
    user = grant_role("belmarsh.deputy", Role.LEADER, establishments=[belmarsh], password=PASSWORD)[0]
    client = Client()
    client.force_login(user)
    return client


def url(name, action):
    return reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", "pk": action.pk})


def opened_version(client, name, action):
    """Opens the form page and reads the version its hidden input carries."""
    html = client.get(url(name, action)).content.decode()
    return re.search(r'<input type="hidden" name="version" value="(\d+)"', html).group(1)


def edit_data(version, **changes):
    data = {"description": "Train staff", "owner": "Head of safety", "target_date": "2022-07-01"}
    return with_date_parts({**data, "status": "in_progress", "version": version, **changes})


def test_a_single_edit_saves_and_counts_as_a_new_version(governor, action, belmarsh_leader):
    """One leader alone: the change is saved, the version goes up by one, history records who."""
    version = opened_version(governor, "action-edit", action)
    assert version == "1"
    response = governor.post(url("action-edit", action), edit_data(version, owner="Deputy governor"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.version) == ("Deputy governor", 2)
    latest = action.history.latest("history_date")
    assert (latest.owner, latest.history_user) == ("Deputy governor", belmarsh_leader)


def test_the_second_of_two_edits_from_the_same_version_is_refused(governor, deputy, action, belmarsh_leader):
    """Both open the form; the first save wins, the second is refused with the first's values shown."""
    governor_version = opened_version(governor, "action-edit", action)
    deputy_version = opened_version(deputy, "action-edit", action)
    history_before = action.history.count()

    first = governor.post(
        url("action-edit", action),
        edit_data(governor_version, description="Train all staff in de-escalation", owner="Head of training"),
    )
    assert first.status_code == 302
    second = deputy.post(
        url("action-edit", action),
        edit_data(
            deputy_version, description="Stop training", target_date="2022-12-01", date_change_reason="No trainer"
        ),
    )

    assert second.status_code == 409
    html = second.content.decode()
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html and MESSAGE in html
    # The deputy's own typed values stay in the form, beside what the governor saved.
    form = html[html.index("Your changes") :]
    assert "Stop training</textarea>" in form and 'value="Head of safety"' in form
    assert 'name="target_date-day" type="text" inputmode="numeric" value="1"' in form
    assert "No trainer</textarea>" in form
    saved = html[html.index("What the other person saved") : html.index("Your changes")]
    assert "Train all staff in de-escalation" in saved and "Head of training" in saved and "1 July 2022" in saved
    assert '<input type="hidden" name="version" value="2"' in html
    action.refresh_from_db()
    assert (action.description, action.owner, action.target_date) == (
        "Train all staff in de-escalation",
        "Head of training",
        datetime.date(2022, 7, 1),
    )
    assert not TargetDateChange.objects.exists()
    assert action.history.count() == history_before + 1
    assert action.history.latest("history_date").history_user == belmarsh_leader


def test_after_a_refusal_the_change_made_again_is_saved(governor, deputy, action):
    """The refused page carries the new version, so making the change again from it works."""
    deputy_version = opened_version(deputy, "action-edit", action)
    governor.post(url("action-edit", action), edit_data(opened_version(governor, "action-edit", action), owner="Gov"))
    refused = deputy.post(url("action-edit", action), edit_data(deputy_version, owner="Deputy"))
    new_version = re.search(r'name="version" value="(\d+)"', refused.content.decode()).group(1)

    again = deputy.post(url("action-edit", action), edit_data(new_version, owner="Deputy"))
    assert again.status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.version) == ("Deputy", 3)


@pytest.mark.parametrize("data", [{}, {"version": ""}, {"version": "abc"}, {"version": "-1"}, {"version": "9" * 40}])
def test_an_edit_without_a_readable_version_is_refused_and_writes_nothing(governor, action, data):
    """A post that cannot say which version it was opened at is treated as out of date, never a 500."""
    posted = {k: v for k, v in edit_data("1", owner="Nobody").items() if k != "version"}
    response = governor.post(url("action-edit", action), {**posted, **data})
    assert response.status_code == 409 and MESSAGE in response.content.decode()
    action.refresh_from_db()
    assert (action.owner, action.version, action.history.count()) == ("Head of safety", 1, 1)


@pytest.mark.parametrize(
    "name, field, text",
    [("action-done", "note", "All staff trained."), ("action-drop", "reason", "HMPPS trains nationally.")],
)
def test_done_or_drop_after_someone_elses_change_is_refused(governor, deputy, action, name, field, text):
    """Marking done or dropping from a page opened before another change: refused, text kept, nothing written."""
    deputy_version = opened_version(deputy, name, action)
    governor.post(url("action-edit", action), edit_data(opened_version(governor, "action-edit", action), owner="Gov"))

    response = deputy.post(url(name, action), {field: text, "version": deputy_version})
    assert response.status_code == 409
    html = response.content.decode()
    assert MESSAGE in html and f"{text}</textarea>" in html
    action.refresh_from_db()
    assert (action.status, action.owner, action.version) == (ActionStatus.IN_PROGRESS, "Gov", 2)
    assert not ProgressNote.objects.exists()


def test_a_progress_note_is_never_refused_but_makes_open_forms_out_of_date(governor, deputy, action):
    """A note only adds, so it is kept whoever changed the action; it is a new version all the same."""
    deputy_version = opened_version(deputy, "action-edit", action)
    governor.post(url("action-edit", action), edit_data(opened_version(governor, "action-edit", action), owner="Gov"))
    assert deputy.post(url("action-note", action), {"text": "Half the wings trained."}).status_code == 302
    action.refresh_from_db()
    assert action.version == 3 and action.notes.get().text == "Half the wings trained."
    assert deputy.post(url("action-edit", action), edit_data(deputy_version)).status_code == 409


@pytest.mark.parametrize(
    "change",
    [
        lambda a, by: domain.update_action(
            a, description="New", owner="", target_date=a.target_date, status=ActionStatus.IN_PROGRESS, by=by
        ),
        lambda a, by: domain.mark_done(a, "Trained.", by=by),
        lambda a, by: domain.drop_action(a, "Not needed.", by=by),
        lambda a, by: domain.move_target_date(a, datetime.date(2022, 9, 1), "Trainer ill", by=by),
        lambda a, by: domain.add_progress_note(a, "Half done.", by=by),
    ],
    ids=["update", "done", "drop", "move-date", "note"],
)
def test_every_change_is_one_new_version_and_one_history_row(action, belmarsh_leader, change):
    """Each domain change adds one to the version and one history row with who made it."""
    change(action, belmarsh_leader)
    action.refresh_from_db()
    assert action.version == 2
    assert [h.version for h in action.history.order_by("history_date", "history_id")] == [1, 2]
    assert action.history.latest("history_date").history_user == belmarsh_leader


def test_a_domain_change_from_an_old_version_raises_and_writes_nothing(action, belmarsh_leader):
    """``seen_version`` older than the row: ActionChanged carries the current action; nothing is saved."""
    domain.move_target_date(action, datetime.date(2022, 8, 1), "Late supplier", by=belmarsh_leader)
    stale = Action.objects.get(pk=action.pk)
    stale.version = 1
    with pytest.raises(domain.ActionChanged) as refused:
        domain.drop_action(stale, "Not needed.", by=belmarsh_leader, seen_version=1)
    assert refused.value.action.target_date == datetime.date(2022, 8, 1) and refused.value.action.version == 2
    action.refresh_from_db()
    assert (action.status, action.version, action.history.count()) == (ActionStatus.IN_PROGRESS, 2, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_wait_for_the_row_lock(action, belmarsh_leader):
    """While one save holds the action's row, the other waits, then sees the new version and is refused."""
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                domain.update_action(
                    Action.objects.get(pk=action.pk),
                    description="First",
                    owner="",
                    target_date=action.target_date,
                    status=ActionStatus.IN_PROGRESS,
                    by=belmarsh_leader,
                    seen_version=1,
                )
                holding.set()
                release.wait(5)
        finally:
            connection.close()

    def second():
        try:
            domain.update_action(
                Action.objects.get(pk=action.pk),
                description="Second",
                owner="",
                target_date=action.target_date,
                status=ActionStatus.IN_PROGRESS,
                by=belmarsh_leader,
                seen_version=1,
            )
            outcome["second"] = "saved"
        except domain.ActionChanged:
            outcome["second"] = "refused"
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert holding.wait(5)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second save should wait for the first's row lock"
    release.set()
    one.join(5)
    two.join(5)
    assert outcome == {"second": "refused"}
    action.refresh_from_db()
    assert (action.description, action.version) == ("First", 2)
