"""The API refuses what it does not understand, the same way on every endpoint: a 400 with one
error body (``detail``, and ``errors`` naming each parameter) for an unknown parameter, a bad
value and a bad cursor; every list says how many results it has; areas are slugs."""

import base64

import pytest
from django.urls import reverse

from recommendations.models import Inspection
from tests import api_data
from tests.conftest import build_review, rolled_back_afterwards

REFUSED = "The request's parameters were refused: see errors."


@pytest.fixture(scope="module")
def review_rows(django_db_setup, django_db_blocker):
    """The reviews, built once for the module (every test here reads them) in a transaction
    rolled back after its last test; each test runs in a savepoint of its own."""
    with rolled_back_afterwards(django_db_blocker):
        with django_db_blocker.unblock():
            built = api_data.build(build_review)
        yield [review.pk for review in built]


@pytest.fixture
def reviews(review_rows, db):
    return [Inspection.objects.get(pk=pk) for pk in review_rows]


def refused(response, *parameters):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] == REFUSED
    assert sorted(body["errors"]) == sorted(parameters)
    for messages in body["errors"].values():
        assert messages and all(isinstance(message, str) and message for message in messages)
    return body


LISTS = [
    "api:establishment-list",
    "api:inspection-list",
    "api:recommendation-list",
    "api:judgement-list",
    "api:paragraph-list",
    "api:notable-practice-list",
    "api:scale-list",
]


def detail_urls(reviews):
    public = reviews[0]
    judgement = public.judgements.first()
    recommendation = judgement.recommendation
    return [
        reverse("api:root"),
        reverse("api:establishment-detail", kwargs={"slug": "belmarsh"}),
        reverse("api:inspection-detail", kwargs={"pk": public.pk}),
        reverse("api:inspection-action-plan", kwargs={"pk": public.pk}),
        reverse("api:recommendation-detail", kwargs={"pk": recommendation.pk}),
        reverse("api:judgement-detail", kwargs={"pk": judgement.pk}),
        reverse("api:scale-detail", kwargs={"slug": "hmi-prisons"}),
    ]


# --- Unknown parameters -----------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_an_unknown_parameter_is_refused_on_every_list(client, reviews, name):
    """``?is_open=true`` (a field of the response, not a filter) no longer returns everything."""
    body = refused(client.get(reverse(name), {"is_open": "true"}), "is_open")
    assert "It takes:" in body["errors"]["is_open"][0] and "page_size" in body["errors"]["is_open"][0]


def test_an_unknown_parameter_is_refused_on_every_single_resource(client, reviews):
    for url in detail_urls(reviews):
        body = refused(client.get(url, {"format": "csv"}), "format")
        assert body["errors"]["format"] == ["This endpoint has no parameter of that name. It takes: none."]


def test_the_schema_refuses_an_unknown_parameter_too(client, reviews):
    """The one error body, as JSON, though the schema itself is YAML by default."""
    body = refused(client.get("/api/v1/schema/", {"x": "1"}), "x")
    assert body["errors"]["x"] == ["This endpoint has no parameter of that name. It takes: format, lang."]
    assert client.get("/api/v1/schema/", {"lang": "en"}).status_code == 200


def test_each_unknown_parameter_is_named_and_known_ones_are_not(client, reviews):
    refused(
        client.get(reverse("api:recommendation-list"), {"is_open": "true", "sort": "id", "establishment": "belmarsh"}),
        "is_open",
        "sort",
    )


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("api:recommendation-list", "judgement=good-progress&judgement=no-meaningful-progress"),
        ("api:judgement-list", "level=good-progress&level=good-progress"),
        ("api:recommendation-list", "page_size=5&page_size=6"),
        ("api:establishment-list", "type=prison&type=yoi"),
    ],
)
def test_a_parameter_given_twice_is_refused(client, reviews, name, query):
    """One value each: ``?judgement=a&judgement=b`` is not "a or b", and must not quietly mean one of them."""
    parameter = query.split("=")[0]
    body = refused(client.get(f"{reverse(name)}?{query}"), parameter)
    assert body["errors"][parameter] == ["Give this parameter once: each takes one value."]


# --- Bad values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("api:judgement-list", {"level": "bogus"}),
        ("api:judgement-list", {"inspectorate": "nobody"}),
        ("api:judgement-list", {"area": "nowhere"}),
        ("api:judgement-list", {"review": "abc"}),
        ("api:recommendation-list", {"judgement": "bogus"}),
        ("api:recommendation-list", {"area": "nowhere"}),
        ("api:recommendation-list", {"year": "1066"}),
        ("api:recommendation-list", {"q": "x" * 201}),
        ("api:inspection-list", {"kind": "audit"}),
        ("api:inspection-list", {"year": "twenty"}),
        ("api:establishment-list", {"type": "castle"}),
        ("api:paragraph-list", {"part": "nonsense"}),
        ("api:paragraph-list", {"inspection": "99999999999999999999999"}),
        ("api:notable-practice-list", {"review": "-1"}),
    ],
)
def test_a_bad_value_is_refused_with_the_same_body(client, reviews, name, query):
    """``/api/v1/judgements/?level=bogus`` answered 200 and an empty list; now as recommendations."""
    refused(client.get(reverse(name), query), *query)


@pytest.mark.parametrize("size", ["abc", "0", "201", "-5", "1.5", "", "²"])
@pytest.mark.parametrize("name", ["api:recommendation-list", "api:judgement-list", "api:scale-list"])
def test_a_bad_page_size_is_refused(client, reviews, name, size):
    body = refused(client.get(reverse(name), {"page_size": size}), "page_size")
    assert body["errors"]["page_size"] == ["Give a whole number from 1 to 200."]


def cursor(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "value",
    [
        "not-a-cursor",
        "cD1hYmM=",  # "p=abc": a position that is not an id (security finding 8: it was a 500)
        cursor("p=1 OR 1=1"),
        cursor("p=" + "9" * 30),
        cursor("o=-1"),
        cursor("o=100000"),
        cursor("r=x"),
        "%%%",
        "cD0x!",
    ],
)
@pytest.mark.parametrize("name", LISTS)
def test_a_bad_cursor_is_refused_on_every_list(client, reviews, name, value):
    body = refused(client.get(reverse(name), {"cursor": value}), "cursor")
    assert "next" in body["errors"]["cursor"][0]


def test_the_tampered_cursor_of_the_security_finding_in_its_url_form(client, reviews):
    refused(client.get(reverse("api:judgement-list") + "?cursor=cD1hYmM%3D"), "cursor")


def test_an_empty_cursor_is_the_first_page_as_any_empty_filter(client, reviews):
    assert client.get(reverse("api:judgement-list"), {"cursor": ""}).json()["previous"] is None


def test_a_real_cursor_still_walks_the_pages(client, reviews):
    first = client.get(reverse("api:judgement-list"), {"page_size": 1}).json()
    second = client.get(first["next"])
    assert second.status_code == 200
    assert second.json()["results"][0]["id"] != first["results"][0]["id"]


# --- Totals and slugs -------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_every_list_has_a_total_on_every_page(client, reviews, name):
    first = client.get(reverse(name), {"page_size": 1}).json()
    total, seen, page = first["total"], 0, first
    while True:
        assert page["total"] == total
        seen += len(page["results"])
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert seen == total


def test_totals_follow_the_filters(client, reviews):
    everything = client.get(reverse("api:recommendation-list")).json()["total"]
    judged_badly = client.get(reverse("api:recommendation-list"), {"judgement": "good-progress"}).json()
    assert judged_badly["total"] == len(judged_badly["results"]) < everything
    assert client.get(reverse("api:judgement-list"), {"level": "good-progress"}).json()["total"] == 1


def test_areas_are_slugs_and_the_old_label_still_works(client, reviews):
    by_slug = client.get(reverse("api:recommendation-list"), {"area": "area-1"}).json()
    by_label = client.get(reverse("api:recommendation-list"), {"area": "Area 1"}).json()
    assert by_slug["total"] == by_label["total"] >= 1
    assert {r["area"] for r in by_slug["results"]} == {"Area 1"}
    judged = client.get(reverse("api:judgement-list"), {"area": "area-1"}).json()
    assert judged["total"] >= 1
    # The site's list takes the same slug.
    page = client.get(reverse("public:recommendation-list"), {"area": "area-1"})
    assert page.status_code == 200 and "Area: Area 1" in page.content.decode()


def test_the_schema_offers_choices_and_examples(client, reviews):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operations = {
        (path, method): operation for path, item in document["paths"].items() for method, operation in item.items()
    }
    parameters = {p["name"]: p for p in operations[("/api/v1/recommendations/", "get")]["parameters"]}
    assert "no-meaningful-progress" in parameters["judgement"]["schema"]["enum"]
    assert parameters["inspectorate"]["schema"]["enum"] == ["hmi-prisons", "ofsted"]
    assert "area-1" in parameters["area"]["schema"]["enum"]
    assert parameters["establishment"]["schema"]["enum"] == ["belmarsh"]
    judgements = {p["name"]: p for p in operations[("/api/v1/judgements/", "get")]["parameters"]}
    assert "reasonable-progress" in judgements["level"]["schema"]["enum"]
    establishments = {p["name"]: p for p in operations[("/api/v1/establishments/", "get")]["parameters"]}
    assert establishments["type"]["schema"]["enum"] == ["prison", "yoi", "irc", "stc", "other"]
    for (path, _), operation in operations.items():
        if path == "/api/v1/schema/":
            continue
        assert "**Example request:** `GET /api/v1/" in operation["description"], path
        example = operation["responses"]["200"]["content"]["application/json"]["examples"]["belmarsh"]["value"]
        assert example and "example.org/accounts" not in str(example), path
        assert "400" in operation["responses"]
    assert "/data-dictionary/" in document["info"]["description"]
