"""The site's HTTP protections (issue 13, findings 3, 4, 9 and 10): security headers, no caching
of signed-in pages, the site's own CSRF and 503 pages, and `check --deploy` without a key."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.test_settings import PRODUCTION_ENV, manage


def directives(response):
    return {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split("; ")}


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_without_unsafe_inline(client):
    response = client.get(reverse("public:home"))
    policy = directives(response)
    assert policy["script-src"][0] == "'self'" and policy["style-src"][0] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    # The page itself has no inline script for the policy to block.
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_a_public_page_seen_signed_out_may_be_cached(client):
    response = client.get(reverse("public:home"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_signed_in_pages_and_downloads_are_never_stored(client, make_review, belmarsh, belmarsh_leader, hmi_inspector):
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")], status="draft")
    client.force_login(belmarsh_leader)
    for url in (
        reverse("leaders:home", args=["belmarsh"]),
        reverse("leaders:action-plan-csv", args=["belmarsh"]),
        reverse("public:home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}, url
    client.force_login(hmi_inspector)
    for url in (
        reverse("admin:index"),
        reverse("admin:recommendations_inspection_change", args=[review.pk]),
        reverse("public:review-preview", args=[review.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}, url


def test_a_failed_csrf_check_shows_the_sites_403_page(hmi_inspector, make_review, belmarsh):
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")], status="draft")
    client = Client(enforce_csrf_checks=True)
    client.force_login(hmi_inspector)
    response = client.post(reverse("admin:recommendations_inspection_publish", args=[review.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be sent because its security check failed" in html
    assert "govuk-template" in html  # the site's layout, not Django's bare page
    review.refresh_from_db()
    assert review.status == "draft"


@pytest.mark.django_db
def test_an_unavailable_database_is_a_503_in_the_sites_design_and_the_next_request_recovers():
    client = Client(raise_request_exception=False)
    # Every query fails, as while PostgreSQL restarts: the 503 page itself must need none.
    down = OperationalError("server closed the connection unexpectedly")
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper._cursor", side_effect=down):
        response = client.get(reverse("public:home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Sorry, the service is unavailable" in html and "govuk-template" in html
    assert client.get(reverse("public:home")).status_code == 200


@pytest.mark.django_db
def test_any_other_error_is_the_sites_500_page():
    client = Client(raise_request_exception=False)
    with mock.patch("public.pages.home_page", side_effect=RuntimeError("bug")):
        response = client.get(reverse("public:home"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_a_nul_character_is_a_bad_request_not_a_database_error(client, hmi_inspector):
    client.force_login(hmi_inspector)
    url = reverse("admin:autocomplete")
    query = {"app_label": "recommendations", "model_name": "inspection", "field_name": "follows_up", "term": "\x00"}
    assert client.get(url, query).status_code == 400


def test_a_non_numeric_history_version_is_not_found(client, hmi_inspector, make_review, belmarsh):
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    client.force_login(hmi_inspector)
    assert client.get(f"/admin/recommendations/inspection/{review.pk}/history/abc/").status_code == 404
    assert client.get("/admin/recommendations/inspection/abc/history/").status_code == 404


def test_check_deploy_fails_with_an_error_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", "--deploy", env=env)  # the default fail level: errors only
    assert result.returncode != 0
    assert "belmarsh_irp.E001" in result.stderr + result.stdout
