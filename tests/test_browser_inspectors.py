"""In Chromium: an inspector signs in, records a judgement with evidence, previews, publishes,
and the public review page then shows it."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from findings.models import Judgement
from recommendations.models import PublicationStatus, Recommendation
from tests.conftest import PASSWORD, shoot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_inspector_records_a_judgement_with_evidence_and_publishes_it(
    live_server, page, make_review, belmarsh, hmi_prisons, hmi_inspector
):
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], status="draft")
    review.published_on = datetime.date.today()
    review.save()
    Recommendation.objects.create(
        inspection=review.follows_up,
        inspectorate=hmi_prisons,
        area="Use of force",
        text="Every use of force should be reviewed within 72 hours.",
        reference="1.39",
        position=2,
    )

    # Sign in at /admin/.
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("hmi.inspector")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Inspections", exact=True).click()
    page.get_by_role("link", name=str(review)).click()

    # Follow up the recommendation and judge it, on the review page.
    expect(page.get_by_text("What each level means")).to_be_visible()
    shoot(page, "inspectors-review")
    page.get_by_text(re.compile("Add another judgement you record", re.IGNORECASE)).click()
    row = page.locator("#judgements-group tr.dynamic-judgements").last
    row.locator("select[name$='-recommendation']").select_option(
        label="Use of force (1.39): Every use of force should be reviewed within 72 hours."
    )
    row.locator("select[name$='-level']").select_option(label="Good progress")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    judgement = Judgement.objects.get(review=review, recommendation__reference="1.39")
    assert judgement.level.label == "Good progress"

    # Publishing now is refused, naming what is missing.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Use of force (1.39) has no evidence paragraph: add at least one.")).to_be_visible()
    shoot(page, "inspectors-refused")

    # Add its evidence on the judgement's page, and correct the level on second thoughts.
    page.locator("#judgements-group").get_by_role("link", name="Add evidence").click()
    page.get_by_label("Level").select_option(label="Reasonable progress")
    page.locator("input[name='evidence-0-number']").fill("3.20")
    page.locator("textarea[name='evidence-0-text']").fill("Every use of force was now reviewed within 72 hours.")
    shoot(page, "inspectors-judgement")
    page.get_by_role("button", name="Save", exact=True).click()
    assert judgement.evidence.get().number == "3.20"
    judgement.refresh_from_db()
    assert judgement.level.label == "Reasonable progress"

    # Back to the review: the key findings count it, and it can be previewed.
    page.goto(live_server.url + reverse("admin:recommendations_inspection_change", args=[review.pk]))
    expect(page.get_by_text("reasonable progress: 2, good progress: 0")).to_be_visible()
    preview = page.get_by_role("link", name="Preview as the public will see it")
    assert preview.get_attribute("href") == reverse("public:review-preview", kwargs={"pk": review.pk})
    with page.context.expect_page() as opened:
        preview.click()
    preview_page = opened.value
    preview_page.wait_for_load_state()
    expect(preview_page.get_by_text("Every use of force was now reviewed within 72 hours.")).to_be_visible()
    preview_page.close()

    # Publish.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published and the public can see it now")).to_be_visible()
    shoot(page, "inspectors-published")
    review.refresh_from_db()
    assert review.status == PublicationStatus.PUBLISHED and review.published_by == hmi_inspector

    # The history shows who changed the level, before and after.
    page.goto(live_server.url + reverse("admin:findings_judgement_history", args=[judgement.pk]))
    expect(page.get_by_text("hmi.inspector").first).to_be_visible()
    expect(page.locator("#change-history")).to_contain_text(
        re.compile(r"Level:\s*Good progress \(HMI Prisons\)\s*→\s*Reasonable progress \(HMI Prisons\)")
    )
    shoot(page, "inspectors-history")
    # On a phone the history scrolls sideways in its own region, its words whole (Django's
    # responsive.css broke them letter by letter), and the page itself stays 320 px wide.
    page.set_viewport_size({"width": 320, "height": 800})
    widths = page.evaluate(
        """() => { const region = document.querySelector('#change-history').closest('.app-table-region');
        const cell = document.querySelector('#change-history tbody td');
        return [document.documentElement.scrollWidth, region.scrollWidth > region.clientWidth,
                getComputedStyle(cell).wordBreak]; }"""
    )
    assert widths == [320, True, "normal"], widths
    shoot(page, "inspectors-history-320")
    page.set_viewport_size({"width": 1280, "height": 800})

    # The public review page shows it.
    public_url = reverse("public:review", kwargs={"slug": belmarsh.slug, "review": review.slug})
    page.goto(live_server.url + public_url)
    expect(page.get_by_text("Every use of force was now reviewed within 72 hours.")).to_be_visible()
    expect(page.get_by_text("Reasonable progress").first).to_be_visible()
