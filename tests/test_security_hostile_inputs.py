"""Issue 21, findings 9, 11, 12 and 14: hostile inputs get a 4xx with a sentence, never a 500.

- a date in the audit trail's date links that no calendar has (``?at__year=9999…``);
- a 256-character username at sign-in (django-axes keeps 255);
- two leaders giving the first response to a recommendation at once, and a response saved over
  one given since the form was opened (the same 409 page as actions);
- publication dates outside the years a report can have (0001-01-01, 9999-12-31).
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from findings.publishing import PublicationError, change_publication_date
from recommendations import actions as domain
from recommendations.models import AuditEvent, Response
from recommendations.roles import Role, grant_role
from tests.conftest import PASSWORD

# --- Finding 9: admin date filters ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "at__year=99999999999999999999",
        "at__year=2022&at__month=99999999999999999999",
        "at__year=2022&at__month=4&at__day=99999999999999999999",
        "at__year=-1",
        "at__year=0",
        "at__year=abc",
        "at__year=2022&at__month=13",
    ],
)
def test_an_impossible_date_in_the_audit_trails_date_links_is_a_400(admin_client, query):
    response = admin_client.get(reverse("admin:recommendations_auditevent_changelist") + "?" + query)
    assert response.status_code == 400
    assert "is not a" in response.content.decode() and "choose a date from the list’s date links" in (
        response.content.decode()
    )


def test_a_real_date_in_the_date_links_still_filters(admin_client, hmi_prisons):
    grant_role("someone", Role.INSPECTOR, inspectorate=hmi_prisons)
    event = AuditEvent.objects.get()
    url = reverse("admin:recommendations_auditevent_changelist")
    assert admin_client.get(url + f"?at__year={event.at.year}&at__month={event.at.month}").status_code == 200


# --- Finding 11: over-long usernames ----------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_a_256_character_username_is_refused_with_a_sentence(client, db, url_name):
    response = client.post(reverse(url_name), {"username": "a" * 256, "password": "whatever-it-is"})
    assert response.status_code == 200  # the form again, with its message
    assert "Enter a username of 150 characters or fewer." in response.content.decode()


def test_a_long_username_is_never_recorded_beyond_axes_column(client, db):
    from axes.models import AccessAttempt

    for _ in range(3):
        client.post(reverse("login"), {"username": "b" * 256, "password": "whatever-it-is"})
    assert all(len(attempt.username or "") <= 255 for attempt in AccessAttempt.objects.all())


# --- Finding 12: responses, raced and stale -----------------------------------------------------


@pytest.fixture
def recommendation(make_review, belmarsh):
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")])
    return review.judgements.get().recommendation


def response_url(recommendation):
    return reverse("leaders:response", kwargs={"slug": "belmarsh", "pk": recommendation.pk})


def seen_of(page):
    import re

    tag = re.search(r'<input[^>]*name="seen"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def test_a_response_saved_over_one_given_since_the_form_opened_is_a_409(client, belmarsh_leader, recommendation):
    client.force_login(belmarsh_leader)
    opened = client.get(response_url(recommendation)).content.decode()
    other = grant_role("deputy.governor", Role.LEADER, establishments=[recommendation.inspection.establishment])[0]
    domain.record_response(recommendation, decision="not_accepted", reason="No budget this year.", by=other)
    response = client.post(
        response_url(recommendation), {"decision": "accepted", "reason": "", "seen": seen_of(opened)}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this response since you opened it." in page
    assert "No budget this year." in page  # what the other person saved, shown beside the form
    assert Response.objects.get(recommendation=recommendation).decision == "not_accepted"
    # Sent again, knowing both: saved.
    again = client.post(response_url(recommendation), {"decision": "accepted", "reason": "", "seen": seen_of(page)})
    assert again.status_code == 302
    assert Response.objects.get(recommendation=recommendation).decision == "accepted"


def test_a_first_response_given_by_someone_else_meanwhile_is_a_409(client, belmarsh_leader, recommendation):
    client.force_login(belmarsh_leader)
    opened = client.get(response_url(recommendation)).content.decode()
    assert seen_of(opened) == ""  # no response yet
    domain.record_response(recommendation, decision="accepted", by=belmarsh_leader)
    response = client.post(
        response_url(recommendation), {"decision": "not_accepted", "reason": "Too costly.", "seen": ""}
    )
    assert response.status_code == 409
    assert Response.objects.get(recommendation=recommendation).decision == "accepted"


def test_a_first_response_racing_another_into_the_database_is_refused_not_a_500(recommendation, monkeypatch):
    """The other person's first response lands after this one found none: ResponseChanged (the
    409 page), never a database error."""
    real_clean = Response.full_clean

    def theirs_lands_first(self, *args, **kwargs):
        if self.pk is None and not Response.objects.filter(recommendation=self.recommendation).exists():
            Response.objects.create(recommendation=self.recommendation, decision="accepted")
        return real_clean(self, *args, **kwargs)

    monkeypatch.setattr(Response, "full_clean", theirs_lands_first)
    with pytest.raises(domain.ResponseChanged) as refused:
        domain.record_response(recommendation, decision="not_accepted", reason="No.", seen="")
    # (Theirs, made here inside this one's transaction, is rolled back with it; in life it is
    # committed by the other person's request: tests/…::test_two_leaders_giving_the_first_response_at_once.)
    assert refused.value.response.decision == "accepted"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs a database that runs two at once")
@pytest.mark.django_db(transaction=True)
def test_two_leaders_giving_the_first_response_at_once(make_review, belmarsh):
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")])
    recommendation = review.judgements.get().recommendation
    clients = []
    for name in ("governor", "deputy"):
        leader = grant_role(name, Role.LEADER, establishments=[belmarsh], password=PASSWORD)[0]
        client = Client()
        client.force_login(leader)
        clients.append(client)
    statuses = []
    barrier = threading.Barrier(2)

    def respond(client, decision):
        barrier.wait()
        data = {"decision": decision, "reason": "" if decision == "accepted" else "Reason.", "seen": ""}
        statuses.append(client.post(response_url(recommendation), data).status_code)
        connection.close()

    threads = [
        threading.Thread(target=respond, args=(clients[0], "accepted")),
        threading.Thread(target=respond, args=(clients[1], "not_accepted")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409], statuses
    assert Response.objects.filter(recommendation=recommendation).count() == 1


# --- Finding 14: publication dates within a sane range ------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_a_publication_date_outside_the_years_a_report_can_have_is_refused(
    client, make_review, belmarsh, hmi_inspector, day
):
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")])
    client.force_login(hmi_inspector)
    url = reverse("admin:recommendations_inspection_change_date", args=[review.pk])
    response = client.post(url, {"publication-published_on": day, "publication-reason": "Testing."}, follow=True)
    assert response.status_code == 200
    assert "Enter a publication date between 1 January 1900 and 31 December 2200." in response.content.decode()
    review.refresh_from_db()
    assert str(review.published_on) == "2022-04-26"


def test_the_publishing_function_refuses_them_too(make_review, belmarsh, hmi_inspector):
    import datetime

    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")])
    with pytest.raises(PublicationError, match="between 1 January 1900 and 31 December 2200"):
        change_publication_date(review, hmi_inspector, datetime.date(9999, 12, 31), "Testing.")
