"""Downloads that open cleanly: each public table as XLSX beside its CSV (the same columns),
opened here with openpyxl as a spreadsheet would, cell by cell; the CSV with a byte-order mark;
file names that say what they hold; and the data dictionary that explains every column."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from common import clock
from public import dictionary
from recommendations.models import Inspection, Recommendation

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture
def data(make_review, belmarsh, wandsworth, settings):
    settings.TRACKER_TODAY = TODAY
    review = make_review(
        belmarsh,
        [
            ("hmi-prisons", "no-meaningful-progress"),
            ("hmi-prisons", "good-progress"),
            ("ofsted", "reasonable-progress"),
        ],
    )
    first = Recommendation.objects.get(inspection=review.follows_up, position=1)
    first.reference = "1.40"  # a spreadsheet would read it as the number 1.4
    first.text = '=HYPERLINK("http://evil.example", "Click")'
    first.concern = "The prison’s “new” approach."
    first.area = "Use of force"
    first.save()
    month_only = make_review(wandsworth, [("hmi-prisons", "insufficient-progress")], year=2023)
    Inspection.objects.filter(pk=month_only.pk).update(
        published_on=datetime.date(2023, 5, 1), published_month_only=True
    )
    return review


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return sheet


def rows_by(sheet, column):
    header = [cell.value for cell in sheet[1]]
    return header, {row[header.index(column)].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2)}


def filename(response):
    return response["Content-Disposition"].split("filename=")[1].strip('"')


def test_the_recommendations_xlsx_has_typed_cells(client, data):
    sheet = workbook(client.get(reverse("public:recommendation-xlsx")))
    header, by_area = rows_by(sheet, "area")
    assert header == dictionary.names(dictionary.RECOMMENDATIONS)  # the CSV's columns, in its order
    # The header is bold and frozen; every column has its width; a filter on the header.
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["G"].width == 70 and sheet.column_dimensions["F"].width == 11
    assert sheet.auto_filter.ref == f"A1:P{sheet.max_row}"  # 16 columns: the 13 of v1, priority, followed_up, follow_up
    force = by_area["Use of force"]
    # A reference is text: 1.40 stays 1.40.
    assert force["reference"].value == "1.40" and force["reference"].data_type == "s"
    # Formula-looking text is a text cell holding exactly the report's words, kept text when edited.
    assert force["recommendation"].value == '=HYPERLINK("http://evil.example", "Click")'
    assert force["recommendation"].data_type == "s" and force["recommendation"].quotePrefix
    assert force["concern"].value == "The prison’s “new” approach."
    # Real dates and numbers.
    assert force["review_published_on"].is_date
    assert force["review_published_on"].value.date() == datetime.date(2022, 4, 26)
    assert force["review_published_on"].number_format == "yyyy-mm-dd"
    assert force["inspected"].value == 2021 and force["inspected"].data_type == "n"
    assert force["judgement"].value == "No meaningful progress"
    assert force["url"].value.startswith("http://testserver/recommendations/")
    theme = by_area["Area 3"]
    assert theme["theme_number"].value == 1 and theme["theme_number"].data_type == "n"
    assert theme["reference"].value is None
    # A date the report gives to the month only: a real date, shown as the month.
    wandsworth = next(row for row in sheet.iter_rows(2) if row[0].value == "HMP Wandsworth")
    published = wandsworth[header.index("review_published_on")]
    assert published.is_date and published.value.date() == datetime.date(2023, 5, 1)
    assert published.number_format == "yyyy-mm"


def test_the_csv_has_the_same_rows_with_a_byte_order_mark(client, data):
    response = client.get(reverse("public:recommendation-csv"))
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    sheet = workbook(client.get(reverse("public:recommendation-xlsx")))
    assert len(rows) == sheet.max_row - 1
    force = next(row for row in rows if row["area"] == "Use of force")
    assert force["reference"] == "1.40"
    assert force["recommendation"].startswith("'=HYPERLINK")  # the CSV's own guard
    assert force["review_published_on"] == "2022-04-26" and force["inspected"] == "2021"
    assert next(row for row in rows if row["establishment"] == "HMP Wandsworth")["review_published_on"] == "2023-05"


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_file_names_say_what_they_hold(client, data, extension):
    url = reverse(f"public:recommendation-{extension}")
    assert clock.today() == TODAY
    assert filename(client.get(url)) == f"recommendations-2026-12-04.{extension}"
    query = {"establishment": "belmarsh", "judgement": "no-meaningful-progress"}
    assert filename(client.get(url, query)) == f"recommendations-belmarsh-no-meaningful-progress-2026-12-04.{extension}"
    query = {"area": "Use of force", "q": "phone calls", "year": "2021"}
    assert filename(client.get(url, query)) == f"recommendations-use-of-force-2021-phone-calls-2026-12-04.{extension}"
    # A yes-or-no filter says what it keeps, not "yes" or "no".
    query = {"establishment": "belmarsh", "followed_up": "no"}
    assert filename(client.get(url, query)) == f"recommendations-belmarsh-not-followed-up-2026-12-04.{extension}"
    assert filename(client.get(url, {"followed_up": "yes"})) == f"recommendations-followed-up-2026-12-04.{extension}"
    compare = reverse(f"public:compare-{extension}", kwargs={"table": "types"})
    assert filename(client.get(compare, {"inspectorate": "hmi-prisons"})) == (
        f"progress-by-type-hmi-prisons-2026-12-04.{extension}"
    )
    area = reverse(f"public:compare-area-{extension}", kwargs={"slug": "use-of-force"})
    assert filename(client.get(area, {"type": "prison"})) == f"progress-use-of-force-prison-2026-12-04.{extension}"


def test_a_refused_filter_is_a_400_for_the_xlsx_too(client, data):
    response = client.get(reverse("public:recommendation-xlsx"), {"judgement": "excellent"})
    assert response.status_code == 400 and "could not be made" in response.content.decode()


@pytest.mark.parametrize("table", ["areas", "types", "years"])
def test_the_comparison_xlsx_counts_are_numbers(client, data, table):
    sheet = workbook(client.get(reverse("public:compare-xlsx", kwargs={"table": table}), {"year": "2022"}))
    header = [cell.value for cell in sheet[1]]
    assert header == dictionary.names(dictionary.COMPARE[table])
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("public:compare-csv", kwargs={"table": table}), {"year": "2022"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(csv_rows) == sheet.max_row and sheet.max_row > 1
    for row in sheet.iter_rows(2):
        cells = dict(zip(header, row, strict=True))
        for column in ("rank", "judgements", "repeated_concerns"):
            assert cells[column].data_type == "n" and isinstance(cells[column].value, int), column
        assert cells["inspectorate"].data_type == "s"
    if table == "years":
        assert {row[0].value for row in sheet.iter_rows(2)} == {2022}


def test_the_area_xlsx(client, data):
    sheet = workbook(client.get(reverse("public:compare-area-xlsx", kwargs={"slug": "use-of-force"})))
    header, by_reference = rows_by(sheet, "reference")
    assert header == dictionary.names(dictionary.AREA)
    row = by_reference["1.40"]
    assert row["reference"].data_type == "s"
    assert row["rank"].value == 1 and row["top_rank"].value == 4
    assert sheet.title == "Use of force"


def test_a_cell_a_spreadsheet_cannot_hold_is_shown_not_dropped(client, data):
    Recommendation.objects.filter(area="Use of force").update(text="Bell\x07 here")
    sheet = workbook(client.get(reverse("public:recommendation-xlsx")))
    _, by_area = rows_by(sheet, "area")
    assert by_area["Use of force"]["recommendation"].value == "Bell\ufffd here"


def test_the_data_dictionary_names_every_column_beside_its_api_field(client, data):
    page = client.get(reverse("public:data-dictionary")).content.decode()
    for fields in (dictionary.RECOMMENDATIONS, dictionary.AREA, *dictionary.COMPARE.values()):
        for field in fields:
            assert f"<code>{field.name}</code>" in page
    # The names that differ, side by side.
    assert 'id="recommendations-recommendation"' in page
    recommendation_row = page.split('id="recommendations-recommendation"')[1].split("</tr>")[0]
    assert "<code>text</code>" in recommendation_row
    inspected_row = page.split('id="recommendations-inspected"')[1].split("</tr>")[0]
    assert "<code>year</code>" in inspected_row
    # The comparison's first row stands for three files' first columns: each with its API field.
    first_row = page.split('id="progress-by-area-area"')[1].split("</tr>")[0]
    for field in (dictionary.COMPARE["types"][0], dictionary.COMPARE["years"][0]):
        assert f"<code>{field.name}</code>: <code>{field.api}</code>" in first_row
    # The values: each scale's levels with their slugs, inspectorates, types, areas by slug.
    for text in ("no-meaningful-progress", "significant-progress", "hmi-prisons", "HMI Prisons", "yoi", "use-of-force"):
        assert text in page


def test_every_download_links_the_dictionary_and_so_do_the_api_docs(client, data):
    dictionary_url = reverse("public:data-dictionary")
    for url in (
        reverse("public:recommendation-list"),
        reverse("public:compare"),
        reverse("public:compare-area", kwargs={"slug": "use-of-force"}),
    ):
        page = client.get(url).content.decode()
        assert f'href="{dictionary_url}#' in page, url
        assert ".xlsx" in page and ".csv" in page, url
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert "(/data-dictionary/)" in schema["info"]["description"]


def resolve(client, item, path):
    """Follows an API field path (``a.b`` inside an object, ``a → b`` through a link) in ``item``:
    the value, or raises KeyError naming the step that is not there."""
    value = item
    for step in path.replace(" → ", ".").split("."):
        if isinstance(value, str) and value.startswith("http://testserver/api/"):
            response = client.get(value)
            assert response.status_code == 200, value
            value = response.json()
        if not isinstance(value, dict) or step not in value:
            raise KeyError(f"{path}: no {step!r} in {sorted(value) if isinstance(value, dict) else value!r}")
        value = value[step]
    return value


def test_each_api_field_the_dictionary_names_is_in_the_api(client, data):
    """The dictionary's API column is true: each field it names is there, in an item of the API
    resource it names for that download (the comparison's counts are made of judgements)."""
    resources = {
        "recommendations": (dictionary.RECOMMENDATIONS, reverse("api:recommendation-list")),
        "compare": ([field for table in dictionary.COMPARE.values() for field in table], reverse("api:judgement-list")),
        "area": (dictionary.AREA, reverse("api:recommendation-list") + "?area=use-of-force"),
    }
    missing = []
    for name, (fields, url) in resources.items():
        items = client.get(url).json()["results"]
        assert items, name
        for field in fields:
            if not field.api:
                continue
            found = []
            for item in items:
                try:
                    found.append(resolve(client, item, field.api))
                except KeyError:
                    pass
            if not found:
                missing.append((name, field.name, field.api))
    assert missing == []
    # One name everywhere for what is new: the CSV's followed_up is the API's followed_up.
    for recommendation in client.get(reverse("api:recommendation-list")).json()["results"]:
        assert recommendation["followed_up"] is (recommendation["follow_up"] == "followed_up")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("public:recommendation", {}),
        ("public:compare", {"table": "areas"}),
        ("public:compare", {"table": "types"}),
        ("public:compare", {"table": "years"}),
        ("public:compare-area", {"slug": "use-of-force"}),
    ],
)
def test_every_csv_starts_with_a_byte_order_mark_and_has_its_xlsx_beside_it(client, data, name, kwargs):
    """Every public CSV (Excel garbled curly apostrophes without the mark) and an XLSX of the same rows."""
    response = client.get(reverse(f"{name}-csv", kwargs=kwargs))
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith(b"\xef\xbb\xbf"), name
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    sheet = workbook(client.get(reverse(f"{name}-xlsx", kwargs=kwargs)))
    assert [cell.value for cell in sheet[1]] == rows[0] and sheet.max_row == len(rows) > 1, name
