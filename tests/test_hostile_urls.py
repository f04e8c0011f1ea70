"""Every URL the project defines, fetched signed out and as each role, with hostile path and query
values (non-numeric and huge ids, NUL bytes, 10,000-character values): never a 500 (issue 13).

The URLs are read from the resolver, so a URL added later is probed without editing this test.
Bounded: one request per URL, value and role (a few thousand, about a minute on SQLite), one test
per role so that the workers share them. Run it on PostgreSQL too (DATABASE_URL=...), where a NUL
byte reaching the database used to be a 500.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.leaders_data import build_plan

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")
LONG = "x" * 10_000
HOSTILE_QUERY = {
    "q": "\x00",
    "term": "a\x00b",
    "page": "99999999999999999999",
    "p": "abc",
    "o": "-1.x",
    "year": LONG,
    "status": "\x00",
    "app_label": "recommendations",
    "model_name": "inspection",
    "field_name": "follows_up",
    "inspectorate": "abc",
    "_changelist_filters": LONG,
    "next": "//evil.example",
}


def _routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + _text(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _text(pattern):
    text = str(pattern)
    if hasattr(pattern, "_regex"):  # a RegexPattern: keep the first alternative of each group
        text = text.lstrip("^").rstrip("$").replace("\\Z", "")
        text = REGEX_GROUP.sub(lambda m: m["body"].split("|")[0] if "|" in m["body"] else "<" + m["name"] + ">", text)
        text = text.replace("\\.", ".")
    return text


def every_route():
    return sorted(set(_routes(get_resolver().url_patterns)))


def fill(route, value, real):
    def one(match):
        name = match["name"]
        return real.get(name, value) if value is None else value

    return "/" + PARAMETER.sub(one, route)


def real_values(review):
    action = review.follows_up.recommendations.first().actions.first()
    return {
        "slug": review.establishment.slug,
        "review": review.slug,
        "inspection": review.follows_up.slug,
        "pk": str(action.pk),
        "object_id": str(review.pk),
        "version_id": "1",
        "app_label": "recommendations",
        "content_type_id": "1",
        "url": "",
    }


ROLES = ["anonymous", "hmi_inspector", "ofsted_inspector", "belmarsh_leader", "other_leader", "superuser"]
VALUES = [None, "abc", "99999999999999999999999", "%00", LONG]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_url_gives_a_500_to_anyone_whatever_its_values(
    role, make_review, belmarsh, hmi_inspector, ofsted_inspector, belmarsh_leader, other_leader
):
    review = build_plan(make_review, belmarsh)
    real = real_values(review)
    users = {
        "anonymous": None,
        "hmi_inspector": hmi_inspector,
        "ofsted_inspector": ofsted_inspector,
        "belmarsh_leader": belmarsh_leader,
        "other_leader": other_leader,
        "superuser": get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20),
    }
    routes = every_route()
    assert len(routes) > 100  # the admin's, the public's and the leaders' pages are all here
    failures = []
    client = Client(raise_request_exception=False)
    if users[role] is not None:
        client.force_login(users[role])
    for route in routes:
        for value in VALUES if PARAMETER.search(route) else [None]:
            path = fill(route, value, real)
            response = client.get(path, HOSTILE_QUERY if value is None else {})
            if response.status_code >= 500:
                failures.append(f"{role} GET {path[:120]} → {response.status_code}")
    assert not failures, f"{len(failures)} responses of 500:\n" + "\n".join(failures)
