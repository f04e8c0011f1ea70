"""Every write to an action goes through recommendations.actions, the workspace included: a
superuser's change is a new version, a moved date keeps its history, a stale form is refused
(issue 9)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from recommendations.models import Action, TargetDateChange
from tests.adminforms import form_data
from tests.leaders_data import make_action


@pytest.fixture
def action(make_review, belmarsh):
    recommendation = make_review(belmarsh, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation
    return make_action(recommendation, "Review CCTV", target=datetime.date(2022, 9, 1))


@pytest.fixture
def root(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    client.force_login(user)
    return user


def change(action):
    return reverse("admin:recommendations_action_change", args=[action.pk])


def test_moving_a_date_in_the_workspace_needs_a_reason_and_is_recorded(client, root, action):
    data = form_data(client.get(change(action)).content.decode(), "action_form")
    data["target_date"] = "2022-10-01"
    page = client.post(change(action), data)
    assert page.status_code == 200 and "Say why the target date is changing." in page.content.decode()
    assert not TargetDateChange.objects.exists()

    data["date_change_reason"] = "Contractor delayed."
    assert client.post(change(action), data).status_code == 302
    action.refresh_from_db()
    assert action.target_date == datetime.date(2022, 10, 1) and action.version == 2
    moved = TargetDateChange.objects.get()
    assert (moved.old_date, moved.reason, moved.changed_by) == (datetime.date(2022, 9, 1), "Contractor delayed.", root)


def test_a_workspace_form_opened_before_a_leaders_change_is_refused(client, root, action):
    data = form_data(client.get(change(action)).content.decode(), "action_form")
    Action.objects.filter(pk=action.pk).update(version=5, description="Changed by a leader")
    data["description"] = "Overwrite"
    page = client.post(change(action), data)
    assert "Someone else changed this action" in page.content.decode()
    action.refresh_from_db()
    assert action.description == "Changed by a leader"


def test_actions_and_notes_are_never_deleted_in_the_workspace(client, root, action):
    assert (
        client.post(reverse("admin:recommendations_action_delete", args=[action.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Action.objects.filter(pk=action.pk).exists()
