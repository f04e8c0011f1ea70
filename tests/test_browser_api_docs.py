"""The API's documentation in Chromium: Swagger UI renders every operation from this site's own
files (the browser reaches no other host), and axe-core finds no WCAG 2.2 A/AA violation."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 320])
def test_docs_render_from_this_site_and_pass_axe(live_server, page, axe, width):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/api/docs/")
    page.locator(".opblock-summary-path", has_text="/api/v1/recommendations/").first.wait_for()
    assert page.locator(".opblock").count() >= 15
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), requested
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], v["nodes"]) for v in violations]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
