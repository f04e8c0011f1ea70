"""The open-data API at /api/v1/: what it shows (published reviews only, in every endpoint,
count and filter), its links, and how it behaves over HTTP (cursor pages, ETags, CORS, throttling)."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from findings.models import Judgement, NotablePractice, Paragraph
from recommendations.actions import publish_action_plan
from recommendations.models import Action, ActionPlan, Inspection, Recommendation, Response
from tests import api_data

LISTS = [
    "api:establishment-list",
    "api:inspection-list",
    "api:recommendation-list",
    "api:judgement-list",
    "api:paragraph-list",
    "api:notable-practice-list",
]


@pytest.fixture
def reviews(make_review):
    return api_data.build(make_review)


def everything(client, name, **query):
    """Every result of a list, following the cursor's next links."""
    results, url = [], reverse(name)
    response = client.get(url, query)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        results.extend(body["results"])
        if not body["next"]:
            return results
        response = client.get(body["next"])


@pytest.mark.parametrize("name", LISTS)
def test_lists_show_nothing_of_a_draft_or_embargoed_review(client, reviews, name):
    """No list mentions the draft or the embargoed review's establishment, anywhere in its JSON."""
    text = json.dumps(everything(client, name))
    assert api_data.PUBLIC in text or name in ("api:paragraph-list", "api:notable-practice-list", "api:judgement-list")
    for hidden in api_data.HIDDEN:
        assert hidden not in text
    assert "wandsworth" not in text and "pentonville" not in text


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("api:recommendation-list", {"q": "Wandsworth"}),
        ("api:recommendation-list", {"judgement": "no-meaningful-progress"}),
        ("api:judgement-list", {"level": "no-meaningful-progress"}),
        ("api:inspection-list", {"kind": "irp"}),
    ],
)
def test_filters_and_search_find_nothing_hidden(client, reviews, name, query):
    results = everything(client, name, **query)
    assert all("wandsworth" not in json.dumps(r) and "pentonville" not in json.dumps(r) for r in results)
    if name == "api:recommendation-list" or query.get("level"):
        assert results == []


@pytest.mark.parametrize(
    ("name", "hidden"),
    [
        ("api:recommendation-list", "wandsworth"),
        ("api:judgement-list", "pentonville"),
        ("api:inspection-list", "wandsworth"),
        ("api:notable-practice-list", "pentonville"),
    ],
)
def test_hidden_establishment_is_not_a_filter_option(client, reviews, name, hidden):
    """As on /recommendations/, an establishment only a draft or an embargoed review names is an
    unknown choice on every endpoint: 400, exactly as for one that does not exist."""
    for slug in (hidden, "nowhere"):
        response = client.get(reverse(name), {"establishment": slug})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["establishment"]


def test_hidden_resources_are_404(client, reviews):
    public, draft, embargoed = reviews
    urls = []
    for review in (draft, embargoed):
        judgement = review.judgements.get()
        paragraph = Paragraph.objects.filter(inspection=review).first()
        urls += [
            reverse("api:inspection-detail", kwargs={"pk": review.pk}),
            reverse("api:inspection-detail", kwargs={"pk": review.follows_up_id}),
            reverse("api:judgement-detail", kwargs={"pk": judgement.pk}),
            reverse("api:recommendation-detail", kwargs={"pk": judgement.recommendation_id}),
            reverse("api:paragraph-detail", kwargs={"pk": paragraph.pk}),
            reverse("api:establishment-detail", kwargs={"slug": review.establishment.slug}),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"


def test_a_review_links_to_its_judgements_evidence_and_scale(client, reviews):
    public, _, _ = reviews
    review = client.get(reverse("api:inspection-detail", kwargs={"pk": public.pk})).json()
    assert review["kind"] == "irp" and review["establishment_name"] == "HMP Belmarsh"
    assert review["web_url"].endswith("/establishments/belmarsh/irp-2022/")
    assert review["follows_up"].endswith(reverse("api:inspection-detail", kwargs={"pk": public.follows_up_id}))
    assert [(k["inspectorate"], k["total"]) for k in review["key_findings"]] == [("hmi-prisons", 1), ("ofsted", 1)]
    assert review["action_plan"] is None
    judgements = client.get(review["judgements"]).json()["results"]
    hmi = next(j for j in judgements if j["inspectorate"] == "hmi-prisons")
    assert hmi["level"]["label"] == "Good progress" and hmi["top_rank"] == 4 and hmi["standing"] == "top"
    assert [p["number"] for p in hmi["evidence"]] == ["3.1"]
    scale = client.get(hmi["scale"]).json()
    assert [level["label"] for level in scale["levels"]][-1] == "Good progress"
    assert all(level["definition"] for level in scale["levels"])
    recommendation = client.get(hmi["recommendation"]).json()
    assert recommendation["latest_judgement"]["label"] == "Good progress"
    assert recommendation["is_open"] is False


def test_notable_practice(client, reviews):
    results = everything(client, "api:notable-practice-list")
    assert [(r["title"], r["number"], r["text"]) for r in results] == [
        ("Conflict resolution team", "2.6", "A good team.")
    ]


def test_embargoed_judgement_is_not_the_latest_of_a_public_recommendation(client, make_review, belmarsh):
    """A recommendation made at a published inspection shows, but not yet its embargoed judgement."""
    review = make_review(belmarsh, [("hmi-prisons", "no-meaningful-progress")], published_on=api_data.tomorrow())
    inspection = review.follows_up
    inspection.published_on = None
    inspection.save()
    recommendation = client.get(reverse("api:recommendation-list")).json()["results"]
    assert [(r["text"], r["latest_judgement"]) for r in recommendation] == [
        ("Recommendation 1 for HMP Belmarsh.", None)
    ]
    assert everything(client, "api:judgement-list") == []


def test_action_plan_only_once_published(client, reviews, belmarsh_leader):
    public, _, _ = reviews
    inspection = public.follows_up
    recommendation = Recommendation.objects.filter(inspection=inspection).first()
    Response.objects.create(recommendation=recommendation, decision="accepted")
    Action.objects.create(recommendation=recommendation, description="Train every officer", owner="Head of safety")
    url = reverse("api:inspection-action-plan", kwargs={"pk": public.pk})
    assert client.get(url).status_code == 404
    ActionPlan.objects.create(inspection=inspection)  # a draft plan is still not public
    assert client.get(url).status_code == 404
    publish_action_plan(inspection, by=belmarsh_leader, knowingly=True)
    plan = client.get(url).json()
    first = plan["recommendations"][0]
    assert first["response"]["decision"] == "accepted"
    assert [a["description"] for a in first["actions"]] == ["Train every officer"]
    review = client.get(reverse("api:inspection-detail", kwargs={"pk": public.pk})).json()
    assert review["action_plan"].endswith(url)


def test_action_plan_of_a_draft_review_is_hidden(client, reviews, belmarsh_leader):
    _, draft, _ = reviews
    ActionPlan.objects.create(inspection=draft.follows_up, published_at="2022-05-01T12:00:00Z")
    assert client.get(reverse("api:inspection-action-plan", kwargs={"pk": draft.pk})).status_code == 404


def test_repeats_link_to_the_earlier_public_recommendation(client, make_review, belmarsh):
    earlier = make_review(belmarsh, [("hmi-prisons", "no-meaningful-progress")], year=2019)
    later = make_review(belmarsh, [("hmi-prisons", "insufficient-progress")], year=2022)
    old = earlier.judgements.get().recommendation
    new = later.judgements.get().recommendation
    new.repeats = old
    new.save()
    body = client.get(reverse("api:recommendation-detail", kwargs={"pk": new.pk})).json()
    assert body["repeats"].endswith(reverse("api:recommendation-detail", kwargs={"pk": old.pk}))
    body = client.get(reverse("api:recommendation-detail", kwargs={"pk": old.pk})).json()
    assert body["repeated_by"][0].endswith(reverse("api:recommendation-detail", kwargs={"pk": new.pk}))


# --- HTTP -------------------------------------------------------------------------------------


def test_cursor_pages_walk_every_result_once(client, reviews):
    first = client.get(reverse("api:judgement-list"), {"page_size": 1}).json()
    assert len(first["results"]) == 1 and first["next"] and first["previous"] is None
    ids = [r["id"] for r in everything(client, "api:judgement-list", page_size=1)]
    assert ids == sorted(set(ids)) and len(ids) == 2


def test_etag_and_conditional_get(client, reviews):
    url = reverse("api:establishment-list")
    response = client.get(url)
    etag = response["ETag"]
    assert etag
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_cors_on_reads_only(client, reviews):
    response = client.get(reverse("api:root"), HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        reverse("api:root"), HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 204 and "GET" in preflight["Access-Control-Allow-Methods"]
    refused = client.options(
        reverse("api:root"), HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert not refused.has_header("Access-Control-Allow-Origin")
    assert client.post(reverse("api:root")).status_code == 405
    assert not client.get(reverse("public:home")).has_header("Access-Control-Allow-Origin")


def test_anonymous_rate_limit_says_how_long_to_wait(client, reviews, settings):
    settings.API_RATE_LIMIT = "3/minute"
    cache.clear()
    try:
        for _ in range(3):
            assert client.get(reverse("api:scale-list")).status_code == 200
        response = client.get(reverse("api:scale-list"))
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        detail = response.json()["detail"]
        assert detail.startswith("Too many requests: anonymous clients may make 3 requests a minute from one address.")
        assert "Try again in" in detail
    finally:
        cache.clear()


@pytest.mark.parametrize(
    ("rate", "words"),
    [("120/minute", "120 requests a minute"), ("5000/hour", "5000 requests an hour"), ("10/s", "10 requests a second")],
)
def test_rate_in_words(rate, words):
    from public.api.errors import rate_in_words

    assert rate_in_words(rate) == words


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/prisons/")
    assert response.status_code == 404 and response.json()["detail"].startswith("Not found")


# --- Queries ----------------------------------------------------------------------------------


def grow(make_review, count, start=0):
    from recommendations.models import Establishment

    for n in range(start, start + count):
        establishment = Establishment.objects.create(name=f"HMP Number {n}", slug=f"number-{n}")
        review = make_review(establishment, [("hmi-prisons", "good-progress"), ("ofsted", "insufficient-progress")])
        paragraph = Paragraph.objects.create(inspection=review, number="2.1", part="notable_practice", text="Good.")
        NotablePractice.objects.create(paragraph=paragraph, title=f"Practice {n}")


# Queries per list page: the page itself, plus what its view prefetches or offers as filter
# options, and the list's total. Options and totals are computed once and then read from the cache
# while the public data stays the same; these budgets are a cold cache's (each grow() publishes).
BUDGETS = {
    "api:establishment-list": 2,  # establishments; the total
    "api:inspection-list": 3,  # inspections with their establishment and plan/follow-up flags; the
    # establishments offered; the total
    # recommendations; the filter's options: establishments, inspectorates, areas, years, levels;
    # the list's layout (its counts per inspection, and their order), as /recommendations/
    "api:recommendation-list": 8,
    # judgements with level, recommendation, review; their evidence; the options: establishments,
    # inspectorates, levels, areas; the total
    "api:judgement-list": 7,
    "api:paragraph-list": 2,  # paragraphs with their inspection; the total
    "api:notable-practice-list": 3,  # practice with its paragraph and review; establishments; the total
    "api:scale-list": 3,  # inspectorates; their levels; the total
}


@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_list_queries_do_not_grow_with_the_data(client, make_review, django_assert_num_queries, name):
    grow(make_review, 2)
    with django_assert_num_queries(BUDGETS[name]):
        small = client.get(reverse(name))
    grow(make_review, 8, start=2)
    with django_assert_num_queries(BUDGETS[name]):
        large = client.get(reverse(name))
    assert small.status_code == large.status_code == 200
    if name != "api:scale-list":
        assert len(large.json()["results"]) > len(small.json()["results"])


def test_counts_never_include_hidden_judgements(client, reviews):
    """Key findings of the public review count its own judgements; the scales count nothing hidden."""
    assert Judgement.objects.count() == 4
    public = reviews[0]
    review = client.get(reverse("api:inspection-detail", kwargs={"pk": public.pk})).json()
    assert sum(k["total"] for k in review["key_findings"]) == 2
    assert Inspection.objects.count() == 6
    assert len(everything(client, "api:inspection-list")) == 2
