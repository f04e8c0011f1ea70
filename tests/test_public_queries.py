"""Every public page runs a fixed number of SQL queries, however much data there is: measured
on a small review, then again after adding reviews of Belmarsh's size and more."""

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Action, ActionPlan, Establishment, ProgressNote, Response, ResponseDecision

BELMARSH_SIZE = [("hmi-prisons", "reasonable-progress")] * 8 + [
    ("hmi-prisons", "good-progress"),
    ("hmi-prisons", "no-meaningful-progress"),
    ("ofsted", "reasonable-progress"),
    ("ofsted", "reasonable-progress"),
    ("ofsted", "insufficient-progress"),
]

# page: (budget, what the queries are)
BUDGETS = {
    "home": (2, "latest reviews; levels with their published counts"),
    "establishments": (1, "establishments with their review counts"),
    "establishment": (4, "establishment; inspections; healthy prison scores; open recommendations"),
    "review": (
        9,
        "review; paragraphs; judgements with recommendations; key-finding counts; scales; team; "
        "the report file as published; earlier full inspections with their healthy prison scores; glossary",
    ),
    # The filter options and the list's layout (its count per inspection, and their order)
    # are cached while the public data stays the same; these are the counts with a cold cache.
    "list": (8, "five filter option lists; the layout's counts and order; the page's rows"),
    "list-filtered": (8, "the same, filtered and searched"),
    "list-phrase": (8, "the same, searching a phrase in the one stored document"),
    "list-sorted": (9, "the same, sorted worst first (the layout also reads the scales' levels)"),
    # The download streams a few inspections at a time: one query per 50 inspections listed.
    "csv": (9, "five filter option lists; the layout's counts and order; published reviews; the rows"),
    "recommendation": (
        8,
        "recommendation with plan and response; judgements; evidence; scale; actions; notes; target date changes; "
        "the establishment's repeat links (one more, for the chain's rows, only when it repeats or is repeated)",
    ),
    "preview": (
        14,
        "session; user; inspector group; the review page's nine; whether the establishment is public "
        "(the breadcrumb links it only then); the leader link",
    ),
}


def url_for(page, review):
    recommendation = review.judgements.order_by("position").first().recommendation
    return {
        "home": reverse("public:home"),
        "establishments": reverse("public:establishment-list"),
        "establishment": review.establishment.get_absolute_url(),
        "review": review.get_absolute_url(),
        "list": reverse("public:recommendation-list"),
        "list-filtered": reverse("public:recommendation-list")
        + "?q=Recommendation&judgement=reasonable-progress&inspectorate=hmi-prisons&year=2021&page=2",
        "list-phrase": reverse("public:recommendation-list") + '?q="Recommendation 1"',
        "list-sorted": reverse("public:recommendation-list") + "?sort=judgement&page=2",
        "csv": reverse("public:recommendation-csv") + "?judgement=reasonable-progress",
        "recommendation": recommendation.get_absolute_url(),
        "preview": reverse("public:review-preview", kwargs={"pk": review.pk}),
    }[page]


def publish_action_plan(review, actions):
    """The prison's published plan for the first recommendation, with ``actions`` each with a note."""
    recommendation = review.judgements.order_by("position").first().recommendation
    ActionPlan.objects.create(inspection=review.follows_up, published_at=timezone.now())
    Response.objects.create(recommendation=recommendation, decision=ResponseDecision.ACCEPTED)
    for number in range(actions):
        action = Action.objects.create(recommendation=recommendation, description=f"Action {number}")
        ProgressNote.objects.create(action=action, text=f"Note on action {number}")


@pytest.mark.parametrize("page_name", BUDGETS)
def test_page_query_count_does_not_grow_with_the_data(
    client, make_review, belmarsh, hmi_inspector, django_assert_num_queries, page_name
):
    budget, _ = BUDGETS[page_name]
    if page_name == "preview":
        client.force_login(hmi_inspector)
    small = make_review(belmarsh, [("hmi-prisons", "reasonable-progress"), ("ofsted", "insufficient-progress")])
    publish_action_plan(small, actions=1)
    url = url_for(page_name, small)
    with django_assert_num_queries(budget) as small_run:
        response = client.get(url)
        assert response.status_code == 200
        response.getvalue()  # a download is read as it streams

    for number in range(4):
        establishment = Establishment.objects.create(name=f"HMP Large {number}", slug=f"large-{number}")
        large = make_review(establishment, BELMARSH_SIZE * 3)
    publish_action_plan(large, actions=5)
    url = url_for(page_name, large)
    with django_assert_num_queries(budget) as large_run:
        response = client.get(url)
        assert response.status_code == 200
        response.getvalue()
    assert len(large_run) == len(small_run)
