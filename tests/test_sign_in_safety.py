"""Sign-in safety: repeated failed sign-ins are throttled on both sign-in pages."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.mark.parametrize("url_name", ["admin:login", "login"])
def test_repeated_failed_sign_ins_are_locked_out(client, hmi_inspector, url_name):
    """After the allowed failures, even the right password is refused with the lockout page."""
    url = reverse(url_name)
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = client.post(url, {"username": "hmi.inspector", "password": f"wrong-{attempt}"})
        assert response.status_code == 200, attempt  # the form again, with its error
    response = client.post(url, {"username": "hmi.inspector", "password": "wrong-again"})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()

    response = client.post(url, {"username": "hmi.inspector", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_before_the_limit_resets_the_count(client, hmi_inspector):
    url = reverse("admin:login")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "hmi.inspector", "password": f"wrong-{attempt}"})
    response = client.post(url, {"username": "hmi.inspector", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(hmi_inspector.pk)


def test_another_users_lockout_does_not_lock_out_an_inspector(client, hmi_inspector, ofsted_inspector):
    """The lockout is per username and address: a guessed name does not shut colleagues out."""
    url = reverse("admin:login")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "ofsted.inspector", "password": f"wrong-{attempt}"})
    response = client.post(url, {"username": "hmi.inspector", "password": PASSWORD})
    assert response.status_code == 302
