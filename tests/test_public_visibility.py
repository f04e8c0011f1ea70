"""Only published reviews exist for the public: a draft, or a review before its publication
date, shows in no page, count, search result, chart, filter option or CSV."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import PublicationStatus

HIDDEN = "HMP Wandsworth"


@pytest.fixture(params=["draft", "embargoed"])
def hidden_review(request, make_review, belmarsh, wandsworth):
    """Belmarsh's review is public; Wandsworth's is a draft, or published but embargoed until tomorrow."""
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    if request.param == "draft":
        return make_review(wandsworth, [("hmi-prisons", "no-meaningful-progress")], status=PublicationStatus.DRAFT)
    review = make_review(wandsworth, [("hmi-prisons", "no-meaningful-progress")], published_on=tomorrow())
    inspection = review.follows_up  # its report, too, is embargoed here
    inspection.published_on = tomorrow()
    inspection.save()
    return review


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "url",
    [
        reverse("public:home"),
        reverse("public:establishment-list"),
        reverse("public:recommendation-list"),
        reverse("public:recommendation-list") + "?q=Wandsworth",
        reverse("public:recommendation-list") + "?judgement=no-meaningful-progress",
        reverse("public:recommendation-csv"),
        reverse("public:recommendation-csv") + "?q=Wandsworth",
        reverse("public:establishment", kwargs={"slug": "belmarsh"}),
    ],
)
def test_hidden_review_is_in_no_list_count_option_or_download(client, hidden_review, url):
    response = client.get(url)
    assert response.status_code == 200
    assert HIDDEN not in response.getvalue().decode()
    assert "No meaningful progress 1" not in response.getvalue().decode()  # the home chart counts none


def test_hidden_review_is_not_a_filter_option(client, hidden_review):
    page = client.get(reverse("public:recommendation-list")).getvalue().decode()
    assert 'value="wandsworth"' not in page and 'value="2021"' in page


def test_hidden_reviews_pages_are_404(client, hidden_review):
    recommendation = hidden_review.judgements.get().recommendation
    for url in (
        hidden_review.get_absolute_url(),
        hidden_review.establishment.get_absolute_url(),
        recommendation.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url


def test_home_totals_count_only_public_judgements(client, hidden_review):
    page = client.get(reverse("public:home")).getvalue().decode()
    assert "HMI Prisons: 1 judgement" in page


def test_published_inspections_recommendations_show_without_the_embargoed_judgement(client, make_review, wandsworth):
    """Before the review's date its recommendations, public since the inspection, show as not yet judged."""
    review = make_review(wandsworth, [("hmi-prisons", "no-meaningful-progress")], published_on=tomorrow())
    recommendation = review.judgements.get().recommendation
    page = client.get(recommendation.get_absolute_url()).getvalue().decode()
    assert "Recommendation 1 for HMP Wandsworth." in page
    assert "No meaningful progress" not in page.split("How HMI Prisons judges progress")[0]
    assert "To be followed up" in page  # no review of its inspection is public yet
    listed = client.get(reverse("public:recommendation-list"), {"judgement": "no-meaningful-progress"})
    assert "Recommendation 1 for HMP Wandsworth." not in listed.getvalue().decode()
    assert client.get(review.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.PUBLISHED])
@pytest.mark.parametrize("days", [None, -1, 0, 1])
def test_every_models_published_asks_the_one_rule(make_review, wandsworth, status, days):
    """A review, its judgements, its paragraphs and its recommendations are public on exactly the
    days ``public_since`` says, whichever model is asked: drafts never, published ones from their
    date (always without one)."""
    from findings.models import Judgement, Paragraph, published_recommendations
    from findings.publishing import public_data_changed
    from recommendations.models import Inspection, public_since

    today = timezone.localdate()
    review = make_review(wandsworth, [("hmi-prisons", "no-meaningful-progress")], status=status)
    for inspection in (review, review.follows_up):  # as publish_review leaves them: the same date
        inspection.published_on = None if days is None else today + datetime.timedelta(days=days)
        inspection.save()
    public_data_changed(reviews=[review])
    since = public_since(review.status, review.published_on)
    for day in (today - datetime.timedelta(days=1), today, today + datetime.timedelta(days=1)):
        public = since is not None and since <= day
        assert Inspection.objects.published(day).filter(pk=review.pk).exists() == public
        assert Judgement.objects.published(day).filter(review=review).exists() == public
        assert Paragraph.objects.published(day).filter(inspection=review).exists() == public
        assert published_recommendations(day).filter(judgements__review=review).exists() == public


@pytest.mark.parametrize(
    "url",
    [
        reverse("public:recommendation-xlsx"),
        reverse("public:recommendation-xlsx") + "?q=Wandsworth",
        reverse("public:compare-xlsx", kwargs={"table": "areas"}),
        reverse("public:compare-csv", kwargs={"table": "years"}),
        reverse("public:compare-area-xlsx", kwargs={"slug": "area-1"}),
    ],
)
def test_hidden_review_is_in_no_spreadsheet(client, hidden_review, url):
    """The XLSX downloads and the comparison's files obey the same rule as the CSV: nothing of a
    draft or embargoed review, read cell by cell as a spreadsheet would."""
    import csv
    import io

    import openpyxl

    response = client.get(url)
    assert response.status_code == 200
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if url.split("?")[0].endswith(".xlsx"):
        values = [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(raw)).active.iter_rows()]
    else:
        values = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, rows = values[0], [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    assert header and not any(HIDDEN in str(v) or "wandsworth" in str(v) for row in values for v in row)
    if "judgements" in header:
        # The comparison counts Belmarsh's one public judgement only (the hidden review's, none).
        assert sum(int(row["judgements"]) for row in rows) == 1
