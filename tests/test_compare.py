"""The national picture at /compare/: counts by area, establishment type and year derived from
published judgements only, filters as links, a CSV of every table, a page per area worst first,
and a fixed number of queries whatever the data size."""

import csv
import io

import pytest
from django.urls import reverse

from recommendations.models import Establishment, EstablishmentType, PublicationStatus
from tests import api_data


@pytest.fixture
def national(make_review, belmarsh):
    """Belmarsh (prison): reviews in 2019 and 2022; Feltham (YOI): 2022; a draft and an embargoed review."""
    make_review(belmarsh, [("hmi-prisons", "good-progress")], year=2019)
    make_review(belmarsh, [("hmi-prisons", "no-meaningful-progress"), ("ofsted", "insufficient-progress")])
    feltham = Establishment.objects.create(name="HMYOI Feltham", slug="feltham", type=EstablishmentType.YOI)
    make_review(feltham, [("hmi-prisons", "reasonable-progress")])
    wandsworth = Establishment.objects.create(name="HMP Wandsworth", slug="wandsworth")
    make_review(wandsworth, [("hmi-prisons", "no-meaningful-progress")] * 3, status=PublicationStatus.DRAFT)
    pentonville = Establishment.objects.create(name="HMP Pentonville", slug="pentonville")
    make_review(pentonville, [("hmi-prisons", "no-meaningful-progress")] * 3, published_on=api_data.tomorrow())


def table_csv(client, table, **query):
    response = client.get(reverse("public:compare-csv", kwargs={"table": table}), query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def counts(rows, key):
    return {(row[key], row["level"]): int(row["judgements"]) for row in rows if int(row["judgements"])}


def test_by_area_counts_latest_reviews_only_and_nothing_hidden(client, national):
    assert counts(table_csv(client, "areas"), "area") == {
        ("Area 1", "No meaningful progress"): 1,  # Belmarsh 2022, not 2019; not the draft or embargoed
        ("Area 1", "Reasonable progress"): 1,  # Feltham
        ("Area 2", "Insufficient progress"): 1,  # Belmarsh's Ofsted theme
    }


def test_by_type(client, national):
    assert counts(table_csv(client, "types"), "establishment_type") == {
        ("Prison", "No meaningful progress"): 1,
        ("Prison", "Insufficient progress"): 1,
        ("Young offender institution", "Reasonable progress"): 1,
    }


def test_by_year_counts_every_published_review(client, national):
    assert counts(table_csv(client, "years"), "year_of_review") == {
        ("2022", "No meaningful progress"): 1,
        ("2022", "Insufficient progress"): 1,
        ("2022", "Reasonable progress"): 1,
        ("2019", "Good progress"): 1,
    }


def test_filters_are_links_and_narrow_every_table(client, national):
    page = client.get(reverse("public:compare")).content.decode()
    assert 'href="?type=yoi"' in page and 'href="?inspectorate=ofsted"' in page and 'href="?year=2019"' in page
    assert "HMP Wandsworth" not in page and "?year=2026" not in page
    assert counts(table_csv(client, "areas", type="yoi"), "area") == {("Area 1", "Reasonable progress"): 1}
    assert counts(table_csv(client, "areas", year="2019"), "area") == {("Area 1", "Good progress"): 1}
    assert set(row["inspectorate"] for row in table_csv(client, "areas", inspectorate="ofsted")) == {"Ofsted"}
    chosen = client.get(reverse("public:compare"), {"type": "yoi"}).content.decode()
    assert 'href="?type=yoi" aria-current="true"' in chosen


def test_page_shows_the_chart_and_tables(client, national):
    page = client.get(reverse("public:compare")).content.decode()
    assert 'class="app-chart"' in page and "HMI Prisons: 2 judgements" in page
    assert 'id="area-hmi-prisons"' in page and 'id="type-hmi-prisons"' in page and 'id="year-hmi-prisons"' in page
    assert reverse("public:compare-area", kwargs={"slug": "area-1"}) in page


@pytest.mark.parametrize(
    "query", [{"type": "castle"}, {"year": "1999"}, {"inspectorate": "nobody"}, {"year": "x" * 300}]
)
def test_unknown_filter_value_is_a_400_with_a_sentence(client, national, query):
    response = client.get(reverse("public:compare"), query)
    assert response.status_code == 400
    assert "There is a problem with the filters" in response.content.decode("utf-8-sig")
    download = client.get(reverse("public:compare-csv", kwargs={"table": "areas"}), query)
    assert download.status_code == 400 and download.content.startswith(b"The download could not be made")


def test_unknown_table_is_404(client, national):
    assert client.get("/compare/castles.csv").status_code == 404


def test_area_page_lists_establishments_worst_first(client, national):
    page = client.get(reverse("public:compare-area", kwargs={"slug": "area-1"})).content.decode()
    assert page.index("HMP Belmarsh") < page.index("HMYOI Feltham")
    assert "HMP Wandsworth" not in page and "HMP Pentonville" not in page
    rows = list(csv.DictReader(io.StringIO(client.get("/compare/areas/area-1.csv").content.decode("utf-8-sig"))))
    assert [(r["establishment"], r["judgement"]) for r in rows] == [
        ("HMP Belmarsh", "No meaningful progress"),  # 1 of 4
        ("HMYOI Feltham", "Reasonable progress"),  # 3 of 4
        ("HMP Belmarsh", "Good progress"),  # the 2018 inspection's recommendation, judged in 2019
    ]
    only_yoi = client.get("/compare/areas/area-1.csv", {"type": "yoi"}).content.decode()
    assert "HMYOI Feltham" in only_yoi and "HMP Belmarsh" not in only_yoi


def test_area_page_of_an_area_only_a_draft_has_is_404(client, make_review, wandsworth):
    review = make_review(wandsworth, [("hmi-prisons", "good-progress")], status=PublicationStatus.DRAFT)
    recommendation = review.judgements.get().recommendation
    recommendation.area = "Secret area"
    recommendation.save()
    assert client.get(reverse("public:compare-area", kwargs={"slug": "secret-area"})).status_code == 404


def test_area_page_bad_type_is_400(client, national):
    response = client.get(reverse("public:compare-area", kwargs={"slug": "area-1"}), {"type": "castle"})
    assert response.status_code == 400 and "castle is not one" in response.content.decode("utf-8-sig")


def grow(make_review, count, start=0):
    for n in range(start, start + count):
        establishment = Establishment.objects.create(
            name=f"HMP Number {n}", slug=f"number-{n}", type=[EstablishmentType.PRISON, EstablishmentType.YOI][n % 2]
        )
        make_review(
            establishment,
            [
                ("hmi-prisons", "good-progress"),
                ("hmi-prisons", "insufficient-progress"),
                ("ofsted", "reasonable-progress"),
            ],
            year=2020 + n % 4,
        )


PAGES = {
    # the filter's options (inspectorates; types and years with data); the scales; counts by area,
    # by type and by year; and for each of those three, the recommendations the reviews did not
    # follow up (counted apart)
    "compare": (reverse("public:compare"), 9),
    "compare filtered": (reverse("public:compare") + "?type=prison&inspectorate=hmi-prisons", 9),
    "areas csv": (reverse("public:compare-csv", kwargs={"table": "areas"}), 9),
    # the areas; the recommendations with their latest judgement; their reviews; repeated ones'
    # inspections (only when some repeat); the scales; the types with data to offer (two, cached
    # while the public data stays the same)
    "area": (reverse("public:compare-area", kwargs={"slug": "area-1"}), 6),
    "area csv": (reverse("public:compare-area-csv", kwargs={"slug": "area-1"}), 4),
}


@pytest.mark.parametrize("name", PAGES)
def test_queries_do_not_grow_with_the_data(client, make_review, django_assert_num_queries, name):
    url, budget = PAGES[name]
    grow(make_review, 2)
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
    grow(make_review, 10, start=2)
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
