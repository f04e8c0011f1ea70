"""The inspectors' workspace runs a fixed number of queries per page, however much data there is."""

import pytest
from django.urls import reverse

from tests.conftest import level

# Each page's budget after the session, the user and their permissions are loaded.
CHANGELISTS = {
    # session, user, 2 permission queries, inspectorate filter, level filter, establishment
    # filter, count, filtered count, the page of judgements with their evidence counts
    "admin:findings_judgement_changelist": 10,
    # session, user, 2 permissions, establishment filter, count, filtered count, the page, and
    # the action's permission check (the user's inspectorates)
    "admin:recommendations_inspection_changelist": 9,
    "admin:recommendations_recommendation_changelist": 9,
    "admin:findings_paragraph_changelist": 8,
    "admin:recommendations_unpublication_changelist": 8,
}


def small_and_large(make_review, belmarsh, wandsworth, hmi_prisons, size):
    """One review with ``size`` judgements of each inspectorate, and as many history rows."""
    judgements = [("hmi-prisons", "good-progress")] * size + [("ofsted", "insufficient-progress")] * size
    review = make_review(belmarsh, judgements, status="draft")
    make_review(wandsworth, judgements, status="published")
    judgement = review.judgements.filter(recommendation__inspectorate=hmi_prisons).first()
    for step in range(size):
        judgement.level = level(hmi_prisons, ["reasonable-progress", "good-progress"][step % 2])
        judgement.save()
        paragraph = judgement.evidence.get()
        paragraph.text += " More."
        paragraph.save()
    return review, judgement


def warm(client, url):
    client.get(url)  # content types and the like are cached after the first request
    return url


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize("url_name", list(CHANGELISTS))
def test_changelists_have_a_fixed_query_budget(
    client, django_assert_num_queries, make_review, belmarsh, wandsworth, hmi_prisons, hmi_inspector, url_name, size
):
    small_and_large(make_review, belmarsh, wandsworth, hmi_prisons, size)
    client.force_login(hmi_inspector)
    url = warm(client, reverse(url_name))
    with django_assert_num_queries(CHANGELISTS[url_name]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_the_review_page_has_a_fixed_query_budget(
    client, django_assert_num_queries, make_review, belmarsh, wandsworth, hmi_prisons, hmi_inspector, size
):
    """The review page: its judgements, their evidence, choices, scales and key findings."""
    review, _ = small_and_large(make_review, belmarsh, wandsworth, hmi_prisons, size)
    client.force_login(hmi_inspector)
    url = warm(client, reverse("admin:recommendations_inspection_change", args=[review.pk]))
    # session, user, review (once a request, with its establishment, lead inspectorate and
    # publisher), inspectorates, 2 permissions, may-publish, scales; your judgements +
    # evidence; other judgements + evidence; team; healthy prison scores; recommendation and
    # level choices; establishment and follows-up widgets (3); key findings (2 + inspectorates)
    with django_assert_num_queries(22):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_the_judgement_page_and_its_history_have_fixed_budgets(
    client, django_assert_num_queries, make_review, belmarsh, wandsworth, hmi_prisons, hmi_inspector, size
):
    _, judgement = small_and_large(make_review, belmarsh, wandsworth, hmi_prisons, size)
    client.force_login(hmi_inspector)
    change = warm(client, reverse("admin:findings_judgement_change", args=[judgement.pk]))
    history = warm(client, reverse("admin:findings_judgement_history", args=[judgement.pk]))
    with django_assert_num_queries(16):
        assert client.get(change).status_code == 200
    # session, user, judgement, 2 permissions, count, the page of history with its levels, …
    with django_assert_num_queries(9):
        response = client.get(history)
    assert response.status_code == 200
    assert response.content.decode().count("Earlier version") == size
