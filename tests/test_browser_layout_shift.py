"""In Chromium at a phone's width, on the Belmarsh data: nothing on a page moves once it is drawn.
GOV.UK's bar for cumulative layout shift is under 0.1; the service navigation used to be drawn
open and then folded away by GOV.UK Frontend's script, moving every page's content up (0.116 in
Lighthouse). Each layout shift the browser reports is summed, as Lighthouse does."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from recommendations.models import Recommendation

pytestmark = pytest.mark.browser

RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  }
}).observe({type: 'layout-shift', buffered: true});
"""


@pytest.fixture
def belmarsh_urls(transactional_db):
    call_command("loaddata", "belmarsh", verbosity=0)
    recommendation = Recommendation.objects.get(reference="6.19")
    return [
        reverse("public:home"),
        reverse("public:recommendation-list"),
        recommendation.get_absolute_url(),
        recommendation.inspection.establishment.get_absolute_url(),
        reverse("public:compare"),
    ]


def test_no_public_page_moves_once_drawn_on_a_phone(live_server, new_page, belmarsh_urls):
    page = new_page(viewport={"width": 320, "height": 640})
    page.add_init_script(RECORD_SHIFTS)
    shifts = {}
    for url in belmarsh_urls:
        page.goto(live_server.url + url, wait_until="networkidle")
        # The navigation has been set up by GOV.UK Frontend: collapsed behind its Menu button.
        assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "false"
        page.wait_for_timeout(200)
        shifts[url] = round(sum(page.evaluate("window.__shifts")), 3)
    assert {url: shift for url, shift in shifts.items() if shift >= 0.01} == {}
