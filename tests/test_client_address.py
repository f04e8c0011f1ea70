"""Limits per network address read the visitor's address through the proxies the site is told
of (``DJANGO_TRUSTED_PROXIES``), never through a header a visitor could forge."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from alerts.subscribing import MAX_REQUESTS_FROM_ONE_PLACE_PER_HOUR
from common.client import client_address
from tests.conftest import PASSWORD

PROXY = "10.0.0.2"  # the load balancer: every request reaches the site from it
VISITOR, NEIGHBOUR = "203.0.113.5", "198.51.100.7"


def through_proxy(visitor, forged=""):
    """What the site receives: the proxy appended the address it was reached from."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {visitor}" if forged else visitor}


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.5", PROXY),  # no proxy declared: the header is anyone's to write, ignored
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the forged entry on the left is never read
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),  # two proxies: the second from the right
        (2, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the left-most there is
        (1, "", PROXY),
    ],
)
def test_the_visitors_address_is_read_through_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def sign_in(client, username, password, visitor, forged=""):
    return client.post(reverse("login"), {"username": username, "password": password}, **through_proxy(visitor, forged))


def test_behind_a_proxy_a_lockout_is_one_visitors_not_everyones(client, settings, hmi_inspector):
    settings.TRUSTED_PROXIES = 1
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(client, "hmi.inspector", f"wrong-{attempt}", VISITOR)
    assert sign_in(client, "hmi.inspector", PASSWORD, VISITOR).status_code == 429
    # Forging another address to the left of the proxy's entry does not lift it.
    assert sign_in(client, "hmi.inspector", PASSWORD, VISITOR, forged=NEIGHBOUR).status_code == 429
    # The inspector at another address, through the same proxy, signs in.
    assert sign_in(client, "hmi.inspector", PASSWORD, NEIGHBOUR).status_code == 302


def test_without_a_declared_proxy_the_header_cannot_dodge_the_lockout(client, settings, hmi_inspector):
    settings.TRUSTED_PROXIES = 0
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(client, "hmi.inspector", f"wrong-{attempt}", f"203.0.113.{attempt}")
    assert sign_in(client, "hmi.inspector", PASSWORD, NEIGHBOUR).status_code == 429


def test_password_resets_are_counted_per_visitor_behind_a_proxy(client, settings, belmarsh_leader):
    settings.TRUSTED_PROXIES = 1
    belmarsh_leader.email = "governor@belmarsh.example"
    belmarsh_leader.save()
    for n in range(20):  # one visitor trying twenty addresses: the most one address may in an hour
        client.post(reverse("password_reset"), {"email": f"guess{n}@example.org"}, **through_proxy(VISITOR))
    client.post(reverse("password_reset"), {"email": "governor@belmarsh.example"}, **through_proxy(VISITOR))
    assert mail.outbox == []  # that visitor is throttled (the same answer, nothing sent)
    client.post(reverse("password_reset"), {"email": "governor@belmarsh.example"}, **through_proxy(NEIGHBOUR))
    assert len(mail.outbox) == 1  # the governor, elsewhere behind the same proxy, is not


def test_one_place_cannot_send_alert_confirmations_to_address_after_address(client, settings, make_review, belmarsh):
    settings.TRUSTED_PROXIES = 1
    make_review(belmarsh, [("hmi-prisons", "good-progress")], year=2020)
    url = reverse("alerts:follow-everything")
    for n in range(MAX_REQUESTS_FROM_ONE_PLACE_PER_HOUR + 3):
        response = client.post(
            url, {"email": f"stranger{n}@example.org", "frequency": "daily"}, **through_proxy(VISITOR)
        )
        assert response.status_code == 302  # the same answer every time
    assert len(mail.outbox) == MAX_REQUESTS_FROM_ONE_PLACE_PER_HOUR
    client.post(url, {"email": "reader@example.org", "frequency": "daily"}, **through_proxy(NEIGHBOUR))
    assert mail.outbox[-1].to == ["reader@example.org"]
