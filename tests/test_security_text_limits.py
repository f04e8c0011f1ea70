"""Free text a person types has a sensible maximum length, enforced by the form (with a GOV.UK
error message) and by the database (issue 13, finding 8)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from recommendations.models import TEXT_LIMITS, Action, ProgressNote, Response
from tests.leaders_data import TODAY, make_action


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def recommendation(make_review, belmarsh):
    return make_review(belmarsh, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation


def url(name, **kwargs):
    return reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", **kwargs})


def test_a_500000_character_action_is_refused_with_a_message(client, belmarsh_leader, recommendation):
    client.force_login(belmarsh_leader)
    response = client.post(url("action-add", pk=recommendation.pk), {"description": "x" * 500_000})
    assert response.status_code == 400
    assert "What will be done must be 2,000 characters or fewer." in response.content.decode()
    assert not Action.objects.exists()


def test_a_1mb_progress_note_is_refused_with_a_message(client, belmarsh_leader, recommendation):
    action = make_action(recommendation, "Review CCTV")
    client.force_login(belmarsh_leader)
    response = client.post(url("action-note", pk=action.pk), {"text": "x" * 1_000_000})
    assert response.status_code == 400
    assert "The progress note must be 5,000 characters or fewer." in response.content.decode()
    assert not ProgressNote.objects.exists()


def test_a_response_reason_over_the_limit_is_refused(client, belmarsh_leader, recommendation):
    client.force_login(belmarsh_leader)
    data = {"decision": "not_accepted", "reason": "x" * (TEXT_LIMITS["response_reason"] + 1)}
    response = client.post(url("response", pk=recommendation.pk), data)
    assert response.status_code == 400
    assert "The reason must be 5,000 characters or fewer." in response.content.decode()
    assert not Response.objects.exists()


def test_text_at_the_limit_is_accepted(client, belmarsh_leader, recommendation):
    client.force_login(belmarsh_leader)
    response = client.post(url("action-add", pk=recommendation.pk), {"description": "x" * 2_000})
    assert response.status_code == 302
    assert Action.objects.get().description == "x" * 2_000


@pytest.mark.parametrize(
    ("field", "limit"),
    [("description", "action_description"), ("owner", "owner"), ("dropped_reason", "reason")],
)
def test_the_model_and_the_database_refuse_an_over_long_action(recommendation, field, limit):
    action = make_action(recommendation, "Review CCTV")
    setattr(action, field, "x" * (TEXT_LIMITS[limit] + 1))
    with pytest.raises(ValidationError) as error:
        action.clean()
    assert field in error.value.message_dict
    if field == "owner":
        return  # a CharField: PostgreSQL refuses by its type; SQLite by the named constraint too
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(**{field: "x" * (TEXT_LIMITS[limit] + 1)})


def test_the_database_refuses_an_over_long_progress_note(recommendation):
    action = make_action(recommendation, "Review CCTV")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressNote.objects.create(action=action, text="x" * (TEXT_LIMITS["progress_note"] + 1))
