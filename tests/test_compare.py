"""The national picture at /compare/: counts by area, establishment type and year derived from
published judgements only, filters as links, a CSV of every table, a page per area worst first,
and a fixed number of queries whatever the data size."""

import csv
import io

import pytest
from django.urls import reverse

from findings.publishing import public_data_changed
from recommendations.models import Establishment, EstablishmentType, PublicationStatus, Recommendation
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


@pytest.fixture
def big_area(make_review, belmarsh):
    """70 judged recommendations in "Area 1" at Belmarsh (a prison), worst first in 2022's review,
    and 60 at Feltham (a YOI): more than two pages."""
    levels = ["no-meaningful-progress", "insufficient-progress", "reasonable-progress", "good-progress"]
    feltham = Establishment.objects.create(name="HMYOI Feltham", slug="feltham", type=EstablishmentType.YOI)
    for establishment, count in ((belmarsh, 70), (feltham, 60)):
        review = make_review(establishment, [("hmi-prisons", levels[n % 4]) for n in range(count)])
        Recommendation.objects.filter(inspection=review.follows_up).update(area="Area 1")
    public_data_changed()


def area_rows(response):
    """The area table's rows as (establishment, judgement), in the page's order."""
    page = response.content.decode()
    page = page[page.index('id="area-table-caption"') :]  # after the charts
    table = page[page.index("<tbody") : page.index("</tbody>")]
    rows = []
    for row in table.split("<tr")[1:]:
        establishment = "HMYOI Feltham" if "HMYOI Feltham" in row else "HMP Belmarsh"
        label = next(level for level in LEVEL_LABELS if f">{level}<" in row)
        rows.append((establishment, label))
    return rows


LEVEL_LABELS = ["No meaningful progress", "Insufficient progress", "Reasonable progress", "Good progress"]


def test_area_page_has_pages_worst_first_and_its_download_is_whole(client, big_area):
    url = reverse("public:compare-area", kwargs={"slug": "area-1"})
    pages = [client.get(url, {"page": number}) for number in (1, 2, 3)]
    assert [len(area_rows(page)) for page in pages] == [50, 50, 30]
    shown = [row for page in pages for row in area_rows(page)]
    download = list(
        csv.DictReader(io.StringIO(client.get("/compare/areas/area-1.csv", {"page": 2}).content.decode("utf-8-sig")))
    )
    assert shown == [(row["establishment"], row["judgement"]) for row in download]  # every row, in the pages' order
    assert [label for _, label in shown] == sorted((label for _, label in shown), key=LEVEL_LABELS.index)
    first = pages[0].content.decode()
    assert "1 to 50 of 130" in first and 'href="?page=2"' in first and 'href="?page=3"' in first
    assert area_rows(client.get(url, {"page": 999})) == area_rows(pages[2])  # past the end: the last page
    assert area_rows(client.get(url, {"page": "nonsense"})) == area_rows(pages[0])
    for page in pages:  # the charts count every page's rows (130 over four levels), whichever page is shown
        chart = page.content.decode().split('id="area-table-caption"')[0]
        assert [chart.count(f'numeric">{n}<') for n in (33, 32)] == [2, 2]
    assert 'href="/compare/areas/area-1.csv"' in pages[1].content.decode()  # the download link: no page number


def test_area_page_filter_holds_across_pages(client, big_area):
    url = reverse("public:compare-area", kwargs={"slug": "area-1"})
    first = client.get(url, {"type": "yoi"})
    assert 'href="?type=yoi&amp;page=2"' in first.content.decode()
    second = client.get(url, {"type": "yoi", "page": 2})
    assert [establishment for establishment, _ in area_rows(first) + area_rows(second)] == ["HMYOI Feltham"] * 60
    assert "51 to 60 of 60" in second.content.decode()
    assert 'href="/compare/areas/area-1.csv?type=yoi"' in second.content.decode()


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
    # the areas; the counts by level (the charts and the number of pages: one more query since
    # the page has pages); the page's recommendations with their latest judgement; their
    # reviews; repeated ones' inspections (only when some repeat); the scales; the types with
    # data to offer (two, cached while the public data stays the same)
    "area": (reverse("public:compare-area", kwargs={"slug": "area-1"}), 7),
    "area, a deep page": (reverse("public:compare-area", kwargs={"slug": "area-1"}) + "?page=999", 7),
    # the download is every row, counted from the rows themselves: no query for the counts
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


def test_an_area_page_seen_again_reads_its_counts_and_areas_from_the_cache(
    client, make_review, django_assert_num_queries
):
    """Nothing public changed: the second visit (page cache off, as for a signed-in reader) reads
    the area's counts by level, the areas and the types from the cache: the page's
    recommendations, their reviews and the scales are its only queries. A change counts again."""
    url = reverse("public:compare-area", kwargs={"slug": "area-1"})
    grow(make_review, 2)
    first = client.get(url)
    with django_assert_num_queries(3):
        again = client.get(url)
    assert again.content == first.content
    grow(make_review, 3, start=2)
    with django_assert_num_queries(7):
        after_a_change = client.get(url)
    assert after_a_change.content != first.content
