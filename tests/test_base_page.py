"""The base page: the service's own name, a skip link, the licence, and a home page that says what it is."""

import pytest
from django.urls import reverse


def test_home_page_says_what_the_service_is(client, db):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Prison inspection recommendation tracker" in html
    assert 'href="#main-content"' in html and "Skip to main content" in html
    assert "Open Government Licence v3.0" in html
    # Not a GOV.UK service: no crown, no GDS Transport.
    assert "govuk-header__logotype" not in html
    assert "GDS Transport" not in html


def test_unknown_page_gets_the_sites_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_stylesheet_uses_a_system_font(client, db):
    """The compiled stylesheet carries no GDS Transport font."""
    from tests.conftest import PROJECT_DIR

    css = (PROJECT_DIR / "static" / "css" / "main.css").read_text()
    assert "GDS Transport" not in css and "system-ui" in css


@pytest.mark.browser
def test_home_page_passes_axe(live_server, page, axe):
    """axe-core finds no WCAG 2.2 A/AA violation on the home page in Chromium."""
    page.goto(live_server.url + reverse("public:home"))
    assert page.locator("h1").inner_text() == "Prison inspection recommendation tracker"
    assert axe(page) == []
