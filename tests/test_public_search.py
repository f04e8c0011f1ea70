"""The public search as a reader uses it, on SQLite (FTS5) and PostgreSQL alike: stemmed words,
phrases in quotes, "or" and "-word"; one stored document per recommendation holding its
published evidence, so embargoed or draft evidence never finds anything; and the list's order,
which the establishment page, the leaders' dashboard and the comparison share."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from findings.models import RECOMMENDATION_SEARCH, Judgement, Paragraph, ParagraphPart, level_order
from findings.publishing import public_data_changed, unpublish_review
from recommendations.models import Inspection, InspectionKind, PublicationStatus, Recommendation
from recommendations.search import ensure_fulltext_tables, fts_query
from tests.views_helpers import rows_of

LIST = reverse("public:recommendation-list")
EMBARGO_ENDS = datetime.date(2030, 6, 1)


def areas(client, words, **more):
    response = client.get(LIST, {"q": words, **more})
    assert response.status_code == 200
    return [row["area"] for row in rows_of(response)]


@pytest.fixture
def use_of_force(make_review, belmarsh, settings):
    """Belmarsh's use-of-force recommendation, judged in public in 2022 with evidence about
    body-worn cameras; its other recommendation is about reading."""
    settings.TRACKER_TODAY = datetime.date(2030, 1, 1)
    review = make_review(belmarsh, [("hmi-prisons", "no-meaningful-progress"), ("hmi-prisons", "good-progress")])
    force, reading = (j.recommendation for j in review.judgements.order_by("position"))
    Recommendation.objects.filter(pk=force.pk).update(
        area="Use of force", text="Use of force should be proportionate.", concern="Force was used too often."
    )
    Recommendation.objects.filter(pk=reading.pk).update(
        area="Reading", text="Leaders should teach reading.", concern="Few prisoners could read well."
    )
    evidence = Paragraph.objects.get(inspection=review, number="3.1")
    evidence.text = "Officers now switched on their body-worn cameras during incidents."
    evidence.save()
    # Evidence of a published review changed: what the workspace does after such an edit.
    public_data_changed(reviews=[review])
    return review


def second_review(first, recommendation, words, *, status=PublicationStatus.PUBLISHED, published_on=EMBARGO_ENDS):
    """A later review of the same inspection judging ``recommendation`` with evidence ``words``."""
    review = Inspection.objects.create(
        establishment=first.establishment,
        kind=InspectionKind.IRP,
        slug="irp-2029",
        follows_up=first.follows_up,
        visit_start=datetime.date(2029, 3, 1),
        published_on=published_on,
        status=status,
    )
    judgement = Judgement.objects.create(
        review=review, recommendation=recommendation, level=first.judgements.get(position=2).level, position=1
    )
    Paragraph.objects.create(
        inspection=review, number="3.1", part=ParagraphPart.EVIDENCE, judgement=judgement, text=words
    )
    public_data_changed(reviews=[review])
    return review


# --- Words, stems, phrases ------------------------------------------------------------------


@pytest.mark.parametrize(
    "words, expected",
    [
        ("forced", ["Use of force"]),  # stemmed: "forced" finds "force"
        ("proportionately", ["Use of force"]),
        ("camera", ["Use of force"]),  # in the published evidence, stemmed
        ("Body-Worn", ["Use of force"]),
        ('"body-worn cameras"', ["Use of force"]),  # a phrase, as the home page's hint says
        ('"cameras body-worn"', []),  # the words, but not side by side
        ('"switched on their body-worn cameras"', ["Use of force"]),
        ("read", ["Reading"]),
        ("reading or force", ["Use of force", "Reading"]),
        ("force -cameras", []),
        ("teach -cameras", ["Reading"]),
        ("giraffes", []),
        ('"', []),  # nothing to search for finds nothing, never an error
        ("-reading", []),
    ],
)
def test_search_reads_stems_phrases_and_operators(client, use_of_force, words, expected):
    assert sorted(areas(client, words)) == sorted(expected)


def test_a_search_is_one_query_over_one_stored_document(client, use_of_force, django_assert_num_queries):
    """A first search, once the filter form and the list's order are cached: the matches
    counted per inspection (one index lookup), then the page's rows."""
    client.get(LIST, {"q": "force"})  # the filter options and the inspections' order, now cached
    with django_assert_num_queries(2):
        assert areas(client, "proportionate and cameras") == ["Use of force"]


# --- What the public must not see yet -------------------------------------------------------


def test_a_word_only_in_embargoed_evidence_finds_nothing_until_its_date(client, use_of_force, settings):
    """The recommendation is public (its 2022 judgement is), and a later review of it is
    embargoed: its evidence is searched from its publication date, with nobody acting."""
    force = use_of_force.judgements.get(position=1).recommendation
    second_review(use_of_force, force, "Staff were trained by kangaroos in the gymnasium.")
    assert "kangaroos" in Recommendation.objects.get(pk=force.pk).evidence_text  # stored, embargoed
    assert areas(client, "kangaroos") == []
    assert areas(client, '"trained by kangaroos"') == []
    assert areas(client, "force kangaroos") == []
    # Its own words and its public evidence still find it while the embargo lasts.
    assert areas(client, "proportionate") == ["Use of force"]
    assert areas(client, "cameras") == ["Use of force"]
    settings.TRACKER_TODAY = EMBARGO_ENDS
    assert areas(client, "kangaroos") == ["Use of force"]
    assert areas(client, '"trained by kangaroos"') == ["Use of force"]


def test_draft_evidence_is_never_in_the_search_document(client, use_of_force):
    force = use_of_force.judgements.get(position=1).recommendation
    second_review(
        use_of_force, force, "Secret findings about wombats.", status=PublicationStatus.DRAFT, published_on=None
    )
    assert "wombats" not in Recommendation.objects.get(pk=force.pk).evidence_text
    assert areas(client, "wombats") == []


def test_unpublishing_takes_the_evidence_out_of_the_search(client, use_of_force, hmi_inspector):
    assert areas(client, "cameras") == ["Use of force"]
    unpublish_review(use_of_force, by=hmi_inspector, reason="Published by mistake.")
    assert Recommendation.objects.filter(evidence_text__contains="cameras").count() == 0
    assert areas(client, "cameras") == []


def test_evidence_edited_in_the_workspace_is_searched(client, use_of_force, hmi_inspector):
    """The inspectors' paragraph screen ends in public_data_changed, as every screen does."""
    from django.test import Client

    from tests.adminforms import form_data

    paragraph = Paragraph.objects.get(inspection=use_of_force, number="3.1")
    inspector = Client()
    inspector.force_login(hmi_inspector)
    url = reverse("admin:findings_paragraph_change", args=[paragraph.pk])
    data = form_data(inspector.get(url).content.decode(), "paragraph_form")
    data["text"] = "Officers kept incident logs with timestamps."
    assert inspector.post(url, data).status_code == 302
    assert areas(client, "timestamps") == ["Use of force"]
    assert areas(client, "cameras") == []


# --- SQLite's index -------------------------------------------------------------------------


def test_sqlite_index_is_rebuilt_when_a_migration_loses_its_triggers(client, use_of_force):
    """A migration that remakes the table on SQLite drops its triggers: migrate puts them back."""
    if connection.vendor != "sqlite":
        assert ensure_fulltext_tables(connection, [RECOMMENDATION_SEARCH]) == []  # PostgreSQL: GIN, no FTS5
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER recommendation_search_au")
    Recommendation.objects.filter(area="Reading").update(text="Leaders should teach literacy.")
    assert ensure_fulltext_tables(connection, [RECOMMENDATION_SEARCH]) == ["recommendation_search"]
    assert areas(client, "literacy") == ["Reading"]
    assert ensure_fulltext_tables(connection, [RECOMMENDATION_SEARCH]) == []  # nothing missing now


@pytest.mark.parametrize(
    "words, query",
    [
        ("violence", '("violence")'),
        ("Body-Worn cameras", '("Body Worn" AND "cameras")'),
        ('"use of force" staff', '("use of force" AND "staff")'),
        ("drugs or drones", '("drugs") OR ("drones")'),
        ("force -cameras", '(("force")) NOT ("cameras")'),
        ('NEAR "NOT AND" nearby', '("NEAR" AND "NOT AND" AND "nearby")'),  # FTS5's operators are words
        ("cameras and the force", '("cameras" AND "force")'),  # stop words left out, as PostgreSQL does
        ("-only", None),
        ("* ( ) :", None),
        ('"unclosed phrase', '("unclosed phrase")'),
    ],
)
def test_what_a_person_types_becomes_a_safe_fts5_query(words, query):
    assert fts_query(words) == query


# --- Order ----------------------------------------------------------------------------------

WORST_FIRST = ["HMI no meaningful", "HMI insufficient", "Ofsted reasonable", "HMI reasonable", "Not judged"]


@pytest.fixture
def four_levels(make_review, belmarsh, settings):
    """One recommendation at each of four levels of two scales, and one never judged, all in
    the area "Use of force"; judged in an order unlike the worst-first order."""
    settings.TRACKER_TODAY = datetime.date(2030, 1, 1)
    review = make_review(
        belmarsh,
        [
            ("hmi-prisons", "reasonable-progress"),
            ("ofsted", "reasonable-progress"),
            ("hmi-prisons", "insufficient-progress"),
            ("hmi-prisons", "no-meaningful-progress"),
        ],
    )
    names = ["HMI reasonable", "Ofsted reasonable", "HMI insufficient", "HMI no meaningful"]
    for judgement, name in zip(review.judgements.order_by("position"), names, strict=True):
        Recommendation.objects.filter(pk=judgement.recommendation_id).update(text=f"{name}.", area="Use of force")
    Recommendation.objects.create(
        inspection=review.follows_up,
        inspectorate=review.judgements.first().recommendation.inspectorate,
        area="Use of force",
        text="Not judged.",
        reference="1.9",
        position=9,
    )
    return review


def in_order(page, names):
    """``names`` (recommendations' texts, without the full stop) in the order the page first
    links to each (every page links a recommendation by its id)."""
    found = []
    for name in names:
        pk = Recommendation.objects.get(text=f"{name}.").pk
        where = page.find(f"/recommendations/{pk}/")
        if where >= 0:
            found.append((where, name))
    return [name for _, name in sorted(found)]


def test_the_establishment_page_dashboard_and_comparison_agree_worst_first(client, four_levels, belmarsh_leader):
    """One rule, (rank − 1) / (top − 1), never judged last: the same order on all three pages."""
    establishment = client.get(four_levels.establishment.get_absolute_url()).content.decode()
    assert in_order(establishment, WORST_FIRST) == WORST_FIRST
    area = client.get(reverse("public:compare-area", kwargs={"slug": "use-of-force"})).content.decode()
    assert in_order(area, WORST_FIRST) == WORST_FIRST[:-1]  # the comparison lists judged ones
    client.force_login(belmarsh_leader)
    dashboard = client.get(reverse("leaders:home", kwargs={"slug": "belmarsh"})).content.decode()
    assert in_order(dashboard, WORST_FIRST) == WORST_FIRST


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("judgement", WORST_FIRST),
        ("", ["HMI reasonable", "Ofsted reasonable", "HMI insufficient", "HMI no meaningful", "Not judged"]),
    ],
)
def test_the_list_sorts_worst_first_on_request(client, four_levels, sort, expected):
    response = client.get(LIST, {"sort": sort} if sort else {})
    page = response.content.decode()
    assert in_order(page, expected) == expected
    assert '<option value="judgement"' in page


def test_the_list_sorts_newest_inspection_first(client, make_review, belmarsh, wandsworth):
    make_review(belmarsh, [("hmi-prisons", "good-progress")], year=2020)
    make_review(wandsworth, [("hmi-prisons", "good-progress")], year=2024)
    by_name = [row["url"] for row in rows_of(client.get(LIST))]
    newest = [row["url"] for row in rows_of(client.get(LIST, {"sort": "date"}))]
    assert newest == list(reversed(by_name))
    assert "HMP Wandsworth" in client.get(LIST, {"sort": "date"}).content.decode().split('class="app-result"')[1]


def test_an_unknown_order_is_a_400_that_says_so(client, four_levels):
    response = client.get(LIST, {"sort": "shoe-size"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem with the filters" in page
    assert "Sort by: Select a valid choice. shoe-size is not one of the available choices." in page


def test_the_level_order_matches_the_databases(db):
    """Python's worst-first keys (for the list's layout) give the order the SQL gives."""
    from findings.models import ProgressLevel

    levels = list(ProgressLevel.objects.all())
    keys = level_order(levels)
    ordered = [level.label for level in sorted(levels, key=lambda level: keys[level.pk])]
    assert ordered[:2] == ["No meaningful progress", "Insufficient progress"]  # both at the bottom
    assert ordered[-2:] == ["Significant progress", "Good progress"] or ordered[-2:] == [
        "Good progress",
        "Significant progress",
    ]
    assert keys[None] > max(keys[level.pk] for level in levels)  # never judged: last
