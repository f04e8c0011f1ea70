"""Repeated concerns: a recommendation that repeats one made at an earlier inspection shows the
chain on its public page, and an inspector sets the link in the workspace, where only an
earlier inspection of the same establishment is accepted."""

import pytest
from django.urls import reverse

from findings.publishing import public_data_changed
from recommendations.models import Inspection, PublicationStatus
from tests.adminforms import form_data


@pytest.fixture
def chain(make_review, belmarsh):
    """Belmarsh: 2016, 2019 and 2022 reviews, each recommendation repeating the one before."""
    reviews = [
        make_review(belmarsh, [("hmi-prisons", level)], year=year)
        for year, level in [(2016, "no-meaningful-progress"), (2019, "insufficient-progress"), (2022, "good-progress")]
    ]
    recommendations = [review.judgements.get().recommendation for review in reviews]
    for earlier, later in zip(recommendations, recommendations[1:], strict=False):
        later.repeats = earlier
        later.save()
    return recommendations


def test_recommendation_page_shows_the_chain_earliest_first(client, chain):
    page = client.get(chain[1].get_absolute_url()).content.decode()
    section = page.split('id="repeated-concern"')[1].split("</section>")[0]
    assert section.index("2015") < section.index("This recommendation") < section.index("2021")
    assert chain[0].get_absolute_url() in section and chain[2].get_absolute_url() in section
    assert "No meaningful progress" in section and "Good progress" in section


def test_the_chain_costs_one_query_more_than_no_chain(client, chain, make_review, belmarsh, django_assert_num_queries):
    """The establishment's repeat links are read as two numbers a row; the chain's rows, with their
    judgements, only when there is a chain: one more query, however long the chain."""
    alone = make_review(belmarsh, [("hmi-prisons", "good-progress")], year=2024).judgements.get().recommendation
    # the recommendation; its judgements; their evidence; the scale; the repeat links
    with django_assert_num_queries(5) as without_chain:
        assert "A repeated concern" not in client.get(alone.get_absolute_url()).content.decode()
    with django_assert_num_queries(len(without_chain) + 1):
        assert "A repeated concern" in client.get(chain[0].get_absolute_url()).content.decode()


def test_no_chain_without_repeats(client, make_review, belmarsh):
    recommendation = make_review(belmarsh, [("hmi-prisons", "good-progress")]).judgements.get().recommendation
    assert "A repeated concern" not in client.get(recommendation.get_absolute_url()).content.decode()


def test_chain_leaves_out_a_draft(client, make_review, belmarsh, chain):
    """A later recommendation made at a draft inspection is not in the public chain."""
    draft = make_review(belmarsh, [("hmi-prisons", "good-progress")], year=2025, status=PublicationStatus.DRAFT)
    later = draft.judgements.get().recommendation
    later.repeats = chain[2]
    later.save()
    page = client.get(chain[2].get_absolute_url()).content.decode()
    assert later.get_absolute_url() not in page
    assert "2024" not in page.split('id="repeated-concern"')[1].split("</section>")[0]


def test_comparison_counts_repeats(client, chain):
    page = client.get(reverse("public:compare") + "?year=2022").content.decode()
    row = page.split("Area 1</a></th>")[1].split("</tr>")[0]
    cells = row.split("<td")
    # the repeats column, then (counted apart) what the review did not follow up
    assert cells[-2].rstrip().endswith('data-label="Repeated concerns">1</td>')
    assert cells[-1].rstrip().endswith('data-label="Not followed up">0</td>')


def area_rows(client):
    """The area page's rows: {the recommendation's address: whether its row says "Repeated concern"}."""
    page = client.get(reverse("public:compare-area", kwargs={"slug": "area-1"})).content.decode()
    rows = page.split('<tbody class="govuk-table__body">')[-1].split("</tbody>")[0].split("<tr")[1:]
    return {row.split('<a class="govuk-link" href="')[2].split('"')[0]: "Repeated concern" in row for row in rows}


def test_area_page_tags_a_repeat_only_while_the_recommendation_it_repeats_is_public(client, chain):
    """The area's table marks each recommendation that repeats one made at a public inspection;
    once that inspection is withdrawn, the tag goes (it would point at nothing the public sees)."""
    first, second, third = (recommendation.get_absolute_url() for recommendation in chain)
    assert area_rows(client) == {first: False, second: True, third: True}
    Inspection.objects.filter(pk=chain[0].inspection_id).update(status=PublicationStatus.DRAFT)
    public_data_changed()
    assert area_rows(client) == {first: False, second: False, third: True}


# --- The workspace --------------------------------------------------------------------------


def change_form(client, recommendation):
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    return url, form_data(client.get(url).content.decode(), "recommendation_form")


def test_inspector_sets_the_link_with_autocomplete(client, hmi_inspector, chain):
    """`repeats` is an autocomplete field on the recommendation's page; saving it links the two."""
    later = chain[2]
    later.repeats = None
    later.save()
    client.force_login(hmi_inspector)
    url, data = change_form(client, later)
    assert 'data-field-name="repeats"' in client.get(url).content.decode()
    data["repeats"] = str(chain[1].pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    later.refresh_from_db()
    assert later.repeats == chain[1]


@pytest.mark.parametrize("which", ["later", "same", "other-prison"])
def test_only_an_earlier_inspection_of_the_same_establishment(
    client, hmi_inspector, chain, make_review, wandsworth, which
):
    """The workspace refuses a later inspection's, the same inspection's, or another prison's."""
    recommendation = chain[1]
    if which == "later":
        target = chain[2]
    elif which == "same":
        target = recommendation
    else:
        target = make_review(wandsworth, [("hmi-prisons", "good-progress")], year=2016).judgements.get().recommendation
    client.force_login(hmi_inspector)
    url, data = change_form(client, recommendation)
    data["repeats"] = str(target.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode() or "earlier inspection" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.repeats == chain[0]


def test_model_says_why_a_repeat_is_refused(chain, make_review, wandsworth):
    from django.core.exceptions import ValidationError

    other = make_review(wandsworth, [("hmi-prisons", "good-progress")], year=2016).judgements.get().recommendation
    recommendation = chain[1]
    recommendation.repeats = other
    with pytest.raises(ValidationError, match="earlier inspection of the same establishment"):
        recommendation.clean()
    recommendation.repeats = chain[2]
    with pytest.raises(ValidationError, match="that inspection came later"):
        recommendation.clean()
