"""A reader in Chromium on the national comparison: filters by following links, opens an area's
page, downloads a table, and axe-core finds no WCAG 2.2 A/AA violation on either page."""

import csv
import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from recommendations.models import Establishment, EstablishmentType

pytestmark = pytest.mark.browser


@pytest.fixture
def national(make_review, belmarsh):
    review = make_review(belmarsh, [("hmi-prisons", "no-meaningful-progress"), ("ofsted", "insufficient-progress")])
    use_of_force = review.judgements.get(position=1).recommendation
    use_of_force.area = "Use of force"
    use_of_force.save()
    feltham = Establishment.objects.create(name="HMYOI Feltham", slug="feltham", type=EstablishmentType.YOI)
    other = make_review(feltham, [("hmi-prisons", "good-progress")], year=2023)
    recommendation = other.judgements.get().recommendation
    recommendation.area = "Use of force"
    recommendation.save()


@pytest.mark.parametrize("width", [1280, 320])
def test_comparison_pages_pass_axe(live_server, page, axe, national, width):
    page.set_viewport_size({"width": width, "height": 900})
    for url in (
        reverse("public:compare"),
        reverse("public:compare") + "?type=yoi",
        reverse("public:compare") + "?year=castle",
        reverse("public:compare-area", kwargs={"slug": "use-of-force"}),
    ):
        page.goto(live_server.url + url)
        assert axe(page) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{url} is wider than {width}px"
        if width == 1280 and url == reverse("public:compare"):
            # Every column, "Not followed up" the last, shows without scrolling the table sideways.
            scrolled = page.evaluate(
                "[...document.querySelectorAll('.app-table-region')]"
                ".filter(r => r.scrollWidth > r.clientWidth + 1).map(r => r.getAttribute('aria-labelledby'))"
            )
            assert scrolled == [], f"{scrolled} scroll sideways at 1280px"
            assert page.get_by_role("columnheader", name="Not followed up").first.is_visible()


def test_reader_filters_opens_an_area_and_downloads(live_server, page, national):
    page.goto(live_server.url + reverse("public:home"))
    page.get_by_role("link", name="Compare").click()
    expect(page.locator("h1")).to_have_text("Progress across establishments")
    page.get_by_role("link", name="Young offender institution").click()
    expect(page).to_have_url(re.compile("type=yoi"))
    assert page.get_by_role("link", name="Young offender institution").get_attribute("aria-current") == "true"
    assert "HMI Prisons: 1 judgement" in page.locator("section[aria-labelledby=overall]").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV download of progress by area").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert {(r["area"], r["level"]) for r in rows if r["judgements"] != "0"} == {("Use of force", "Good progress")}

    page.get_by_role("link", name="All").nth(1).click()  # every establishment type again
    expect(page).not_to_have_url(re.compile("type=yoi"))  # the next click is on the new page
    page.get_by_role("link", name="Use of force").first.click()
    expect(page.locator("h1")).to_have_text("Use of force")
    names = page.locator("tbody th[scope=row] a").all_inner_texts()
    assert names == ["HMP Belmarsh", "HMYOI Feltham"]  # worst first
